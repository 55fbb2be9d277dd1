package dev.tinycheckout.http.servlet;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.kit.HttpContractKit;
import dev.tinycheckout.http.kit.RunningServer;
import dev.tinycheckout.http.kit.support.H2Storages;
import dev.tinycheckout.http.kit.support.Mounts;
import dev.tinycheckout.store.CheckoutStorage;
import org.junit.jupiter.api.AutoClose;

/** The HTTP contract over real sockets on Jetty 12 through CheckoutServlet, on H2. */
class JettyH2ContractTest extends HttpContractKit {
  @AutoClose final H2Storages databases = new H2Storages();

  @Override
  protected RunningServer start(ApiHandler handler) {
    return Mounts.jetty(handler);
  }

  @Override
  protected CheckoutStorage newStorage() {
    return databases.fresh();
  }
}

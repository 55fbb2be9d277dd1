package dev.tinycheckout.http.servlet;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.kit.HttpContractKit;
import dev.tinycheckout.http.kit.RunningServer;
import dev.tinycheckout.http.kit.support.Mounts;
import dev.tinycheckout.http.kit.support.PostgresStorages;
import dev.tinycheckout.store.CheckoutStorage;
import org.junit.jupiter.api.AutoClose;

/**
 * The HTTP contract over real sockets on Jetty 12 through CheckoutServlet, on an embedded
 * PostgreSQL.
 */
class JettyPostgresContractTest extends HttpContractKit {
  @AutoClose final PostgresStorages databases = new PostgresStorages();

  @Override
  protected RunningServer start(ApiHandler handler) {
    return Mounts.jetty(handler);
  }

  @Override
  protected CheckoutStorage newStorage() {
    return databases.fresh();
  }
}

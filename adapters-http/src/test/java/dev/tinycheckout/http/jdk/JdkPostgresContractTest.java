package dev.tinycheckout.http.jdk;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.kit.HttpContractKit;
import dev.tinycheckout.http.kit.RunningServer;
import dev.tinycheckout.http.kit.support.Mounts;
import dev.tinycheckout.http.kit.support.PostgresStorages;
import dev.tinycheckout.store.CheckoutStorage;
import org.junit.jupiter.api.AutoClose;

/**
 * The HTTP contract over real sockets on the JDK built-in server (JdkHttpMount), on an embedded
 * PostgreSQL.
 */
class JdkPostgresContractTest extends HttpContractKit {
  @AutoClose final PostgresStorages databases = new PostgresStorages();

  @Override
  protected RunningServer start(ApiHandler handler) {
    return Mounts.jdk(handler);
  }

  @Override
  protected CheckoutStorage newStorage() {
    return databases.fresh();
  }
}

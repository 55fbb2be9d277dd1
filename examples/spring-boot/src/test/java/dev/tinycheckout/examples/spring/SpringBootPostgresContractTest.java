package dev.tinycheckout.examples.spring;

import dev.tinycheckout.http.kit.support.PostgresStorages;
import dev.tinycheckout.store.CheckoutStorage;
import org.junit.jupiter.api.AutoClose;

/** The HTTP contract on Spring Boot's Tomcat, stored in an embedded PostgreSQL. */
class SpringBootPostgresContractTest extends SpringBootContractTest {
  @AutoClose final PostgresStorages databases = new PostgresStorages();

  @Override
  protected CheckoutStorage newStorage() {
    return databases.fresh();
  }
}

package dev.tinycheckout.examples.spring;

import dev.tinycheckout.http.kit.support.H2Storages;
import dev.tinycheckout.store.CheckoutStorage;
import org.junit.jupiter.api.AutoClose;

/** The HTTP contract on Spring Boot's Tomcat, stored in H2. */
class SpringBootH2ContractTest extends SpringBootContractTest {
  @AutoClose final H2Storages databases = new H2Storages();

  @Override
  protected CheckoutStorage newStorage() {
    return databases.fresh();
  }
}

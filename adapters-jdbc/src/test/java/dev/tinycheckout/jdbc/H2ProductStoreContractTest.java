package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ProductStoreContract;

class H2ProductStoreContractTest extends ProductStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }
}

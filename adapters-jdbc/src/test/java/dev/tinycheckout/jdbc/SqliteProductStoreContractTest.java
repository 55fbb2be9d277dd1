package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ProductStoreContract;

class SqliteProductStoreContractTest extends ProductStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.CheckoutStorageContract;

class SqliteCheckoutStorageContractTest extends CheckoutStorageContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }
}

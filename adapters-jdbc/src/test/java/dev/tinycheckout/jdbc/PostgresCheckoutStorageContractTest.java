package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.CheckoutStorageContract;

class PostgresCheckoutStorageContractTest extends CheckoutStorageContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }
}

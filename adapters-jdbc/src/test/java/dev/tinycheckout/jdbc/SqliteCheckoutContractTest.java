package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.CheckoutContract;

class SqliteCheckoutContractTest extends CheckoutContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }
}

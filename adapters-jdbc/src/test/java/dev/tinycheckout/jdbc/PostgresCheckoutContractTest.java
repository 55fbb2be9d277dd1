package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.CheckoutContract;

class PostgresCheckoutContractTest extends CheckoutContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }
}

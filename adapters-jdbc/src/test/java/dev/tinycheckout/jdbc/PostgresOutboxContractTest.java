package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.OutboxContract;

class PostgresOutboxContractTest extends OutboxContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.OutboxContract;

class SqliteOutboxContractTest extends OutboxContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.OutboxContract;

class H2OutboxContractTest extends OutboxContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }
}

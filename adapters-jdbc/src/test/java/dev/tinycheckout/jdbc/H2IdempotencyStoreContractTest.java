package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.IdempotencyStoreContract;

class H2IdempotencyStoreContractTest extends IdempotencyStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }
}

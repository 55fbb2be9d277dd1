package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.IdempotencyStoreContract;

class SqliteIdempotencyStoreContractTest extends IdempotencyStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }
}

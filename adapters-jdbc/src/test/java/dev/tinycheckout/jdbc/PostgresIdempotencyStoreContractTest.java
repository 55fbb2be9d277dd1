package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.IdempotencyStoreContract;

class PostgresIdempotencyStoreContractTest extends IdempotencyStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }
}

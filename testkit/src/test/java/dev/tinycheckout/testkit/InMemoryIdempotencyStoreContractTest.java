package dev.tinycheckout.testkit;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;

class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }
}

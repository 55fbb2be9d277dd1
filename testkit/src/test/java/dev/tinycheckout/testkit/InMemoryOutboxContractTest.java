package dev.tinycheckout.testkit;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;

class InMemoryOutboxContractTest extends OutboxContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }
}

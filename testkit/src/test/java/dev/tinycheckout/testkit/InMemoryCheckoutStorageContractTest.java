package dev.tinycheckout.testkit;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;

class InMemoryCheckoutStorageContractTest extends CheckoutStorageContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }
}

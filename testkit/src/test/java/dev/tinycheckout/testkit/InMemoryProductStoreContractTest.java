package dev.tinycheckout.testkit;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;

class InMemoryProductStoreContractTest extends ProductStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }
}

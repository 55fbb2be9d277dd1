package dev.tinycheckout.testkit;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;

class InMemoryCheckoutContractTest extends CheckoutContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }
}

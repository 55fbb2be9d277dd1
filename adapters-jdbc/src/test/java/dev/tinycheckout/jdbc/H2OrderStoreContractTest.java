package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.OrderStoreContract;

class H2OrderStoreContractTest extends OrderStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }
}

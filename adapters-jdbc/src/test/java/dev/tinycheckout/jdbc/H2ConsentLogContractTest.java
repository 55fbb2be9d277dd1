package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;

class H2ConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }
}

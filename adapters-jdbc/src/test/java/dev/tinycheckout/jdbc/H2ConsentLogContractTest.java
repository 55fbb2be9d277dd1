package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;

class H2ConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }

  @Override
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return TestDatabase.H2.sameDatabase();
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;

class SqliteConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }

  @Override
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return TestDatabase.SQLITE.sameDatabase();
  }
}

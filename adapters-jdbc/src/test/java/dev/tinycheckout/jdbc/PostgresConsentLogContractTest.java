package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;

class PostgresConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }

  @Override
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return TestDatabase.POSTGRES.sameDatabase();
  }
}

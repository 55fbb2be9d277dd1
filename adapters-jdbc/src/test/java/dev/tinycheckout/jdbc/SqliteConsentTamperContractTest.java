package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentTamperContract;

class SqliteConsentTamperContractTest extends ConsentTamperContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.SQLITE.freshStorage();
  }

  @Override
  protected Tamperer tamperer(CheckoutStorage storage) {
    return JdbcConsentRows.of(TestDatabase.SQLITE);
  }
}

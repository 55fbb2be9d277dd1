package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentTamperContract;

class PostgresConsentTamperContractTest extends ConsentTamperContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES.freshStorage();
  }

  @Override
  protected Tamperer tamperer(CheckoutStorage storage) {
    return JdbcConsentRows.of(TestDatabase.POSTGRES);
  }
}

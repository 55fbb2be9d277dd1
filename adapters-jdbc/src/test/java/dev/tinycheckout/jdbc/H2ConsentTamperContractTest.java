package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentTamperContract;

class H2ConsentTamperContractTest extends ConsentTamperContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.H2.freshStorage();
  }

  @Override
  protected Tamperer tamperer(CheckoutStorage storage) {
    return JdbcConsentRows.of(TestDatabase.H2);
  }
}

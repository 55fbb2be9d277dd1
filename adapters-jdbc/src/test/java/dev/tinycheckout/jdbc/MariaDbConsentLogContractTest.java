package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(
    named = "TINYCHECKOUT_TEST_MARIADB_URL",
    matches = ".+",
    disabledReason = "TINYCHECKOUT_TEST_MARIADB_URL is not set")
@AddLifecycleHook(SkipWithoutDatabase.MariaDb.class)
class MariaDbConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.MARIADB.freshStorage();
  }

  @Override
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return TestDatabase.MARIADB.sameDatabase();
  }
}

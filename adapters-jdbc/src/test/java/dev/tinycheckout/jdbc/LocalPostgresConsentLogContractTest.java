package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.ConsentLogContract;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(
    named = "TINYCHECKOUT_TEST_POSTGRES_URL",
    matches = ".+",
    disabledReason = "TINYCHECKOUT_TEST_POSTGRES_URL is not set")
@AddLifecycleHook(SkipWithoutDatabase.LocalPostgres.class)
class LocalPostgresConsentLogContractTest extends ConsentLogContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.POSTGRES_LOCAL.freshStorage();
  }

  @Override
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return TestDatabase.POSTGRES_LOCAL.sameDatabase();
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.testkit.DeliveryStoreContract;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

@EnabledIfEnvironmentVariable(
    named = "TINYCHECKOUT_TEST_MARIADB_URL",
    matches = ".+",
    disabledReason = "TINYCHECKOUT_TEST_MARIADB_URL is not set")
@AddLifecycleHook(SkipWithoutDatabase.MariaDb.class)
class MariaDbDeliveryStoreContractTest extends DeliveryStoreContract {
  @Override
  protected CheckoutStorage newStorage() {
    return TestDatabase.MARIADB.freshStorage();
  }
}

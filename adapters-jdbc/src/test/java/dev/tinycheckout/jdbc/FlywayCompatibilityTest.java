package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shops that run Flyway point it at our migration folder instead of using JdbcMigrator. */
class FlywayCompatibilityTest {

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "H2"})
  void flywayAppliesTheMigrationsAndTheStorageWorksOnTheResult(TestDatabase db) {
    try (HikariDataSource ds = db.freshDatabase()) {
      JdbcDialect dialect = JdbcStorage.create(ds).dialect();
      MigrateResult result =
          Flyway.configure()
              .dataSource(ds)
              .locations("classpath:" + dialect.migrationLocation())
              .load()
              .migrate();
      assertThat(result.migrationsExecuted).isEqualTo(JdbcMigrator.MIGRATIONS.size());

      JdbcStorage storage = JdbcStorage.create(ds);
      storage.inTransaction(
          tx ->
              tx.products()
                  .upsert(
                      Sku.of("one-dollar-item"), "Item", Money.of(100, "USD"), 3, Instant.now()));
      Checkout checkout =
          Checkout.builder()
              .storage(storage)
              .paymentGateway(new TestPaymentGateway())
              .termsVersion("v1")
              .build();
      CheckoutRequest request =
          CheckoutRequest.builder()
              .item("one-dollar-item", 1)
              .email("ada@example.com")
              .acceptedTerms("v1")
              .paymentToken("tok_ok")
              .build();
      assertThat(checkout.placeOrder(IdempotencyKey.of("flyway"), request).isPlaced()).isTrue();
    }
  }
}

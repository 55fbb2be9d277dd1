package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real faults on real PostgreSQL: connections killed mid-transaction, the server stopped. */
class JdbcFaultTest {
  private static final Sku SKU = Sku.of("one-dollar-item");

  private static CheckoutRequest request() {
    return CheckoutRequest.builder()
        .item(SKU.value(), 1)
        .email("ada@example.com")
        .acceptedTerms("v1")
        .paymentToken("tok_ok")
        .build();
  }

  /** Terminates every other backend of this database that sits inside an open transaction. */
  private static void killTransactionsOf(DataSource ds) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
              + " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aConnectionKilledMidTransactionLeavesNothingAndTheNextUnitOfWorkWorks(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    DataSource ds = db.dataSource();

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now());
                      tx.outbox()
                          .enqueue(
                              new OutboxEvent(
                                  UUID.randomUUID(), "order.placed", "agg-1", "{}", Instant.now()));
                      killTransactionsOf(ds);
                      return tx.products().findAll();
                    }))
        .isInstanceOfSatisfying(
            StorageException.class, e -> assertThat(e.isRetryable()).as("retryable").isTrue());

    storage.inTransaction(
        tx -> {
          assertThat(tx.products().findAll()).as("nothing partial is visible").isEmpty();
          assertThat(tx.outbox().findByAggregate("agg-1")).isEmpty();
          return tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now());
        });
    assertThat(storage.inTransaction(tx -> tx.products().find(SKU)).orElseThrow().stock())
        .isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aCheckoutWhoseConnectionDiesWhileFinishingIsCompletedExactlyOnceByTheRetry(TestDatabase db) {
    JdbcStorage jdbc = db.freshStorage();
    DataSource ds = db.dataSource();
    jdbc.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now()));
    AtomicInteger unitsOfWork = new AtomicInteger();
    // Kills the connection of the finish unit of work before it commits, on each of the three
    // attempts the checkout makes (units of work 2, 3 and 4; 1 is the claim).
    CheckoutStorage faulty = killingBeforeCommit(jdbc, ds, unitsOfWork, n -> n >= 2 && n <= 4);
    TestPaymentGateway gateway = new TestPaymentGateway();
    Checkout checkout =
        Checkout.builder().storage(faulty).paymentGateway(gateway).termsVersion("v1").build();
    IdempotencyKey key = IdempotencyKey.of("dies-while-finishing");

    assertThatThrownBy(() -> checkout.placeOrder(key, request()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isTrue());
    assertThat(jdbc.inTransaction(tx -> tx.products().find(SKU)).orElseThrow().stock())
        .as("stock stays reserved for the pending order")
        .isEqualTo(4);

    CheckoutResult retry = checkout.placeOrder(key, request());

    assertThat(retry.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(retry.replayed()).isFalse();
    assertThat(gateway.approvedCharges()).as("charged once").isEqualTo(1);
    assertThat(jdbc.inTransaction(tx -> tx.products().find(SKU)).orElseThrow().stock())
        .isEqualTo(4);
    List<OutboxEvent> events =
        jdbc.inTransaction(
            tx -> tx.outbox().findByAggregate(retry.orderId().orElseThrow().toString()));
    assertThat(events).hasSize(1);
    assertThat(checkout.placeOrder(key, request()).response()).isEqualTo(retry.response());
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aSingleKilledConnectionIsRetriedInsideTheCheckoutWithoutTheCallerNoticing(TestDatabase db) {
    JdbcStorage jdbc = db.freshStorage();
    DataSource ds = db.dataSource();
    jdbc.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now()));
    AtomicInteger unitsOfWork = new AtomicInteger();
    CheckoutStorage faulty = killingBeforeCommit(jdbc, ds, unitsOfWork, n -> n == 1);
    TestPaymentGateway gateway = new TestPaymentGateway();
    Checkout checkout =
        Checkout.builder().storage(faulty).paymentGateway(gateway).termsVersion("v1").build();

    CheckoutResult result = checkout.placeOrder(IdempotencyKey.of("killed-once"), request());

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(unitsOfWork.get()).as("claim retried once, then finish").isEqualTo(3);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    assertThat(jdbc.inTransaction(tx -> tx.products().find(SKU)).orElseThrow().stock())
        .isEqualTo(4);
  }

  /**
   * A storage that, for each unit of work whose number (from 1) passes {@code kill}, lets the work
   * run and then kills its connection before the commit.
   */
  private static CheckoutStorage killingBeforeCommit(
      JdbcStorage jdbc, DataSource ds, AtomicInteger unitsOfWork, IntPredicate kill) {
    return new CheckoutStorage() {
      @Override
      public <T> T inTransaction(UnitOfWork<T> work) {
        int n = unitsOfWork.incrementAndGet();
        return jdbc.inTransaction(
            tx -> {
              T result = work.run(tx);
              if (kill.test(n)) {
                killTransactionsOf(ds);
              }
              return result;
            });
      }
    };
  }

  @Test
  void checkoutsWorkAgainWithoutARestartWhenTheDatabaseComesBack() throws Exception {
    Path dir = Files.createTempDirectory("tinycheckout-pg");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedPostgres pg = start(dir, port);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://localhost:" + port + "/postgres?user=postgres");
    config.setConnectionTimeout(2_000);
    config.setMaximumPoolSize(4);
    try (HikariDataSource ds = new HikariDataSource(config)) {
      JdbcMigrator.create(ds).migrate();
      JdbcStorage storage = JdbcStorage.create(ds);
      storage.inTransaction(
          tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now()));
      Checkout checkout =
          Checkout.builder()
              .storage(storage)
              .paymentGateway(new TestPaymentGateway())
              .termsVersion("v1")
              .build();
      assertThat(checkout.placeOrder(IdempotencyKey.of("before"), request()).isPlaced()).isTrue();

      pg.close();
      assertThatThrownBy(() -> checkout.placeOrder(IdempotencyKey.of("while-down"), request()))
          .isInstanceOfSatisfying(
              StorageException.class, e -> assertThat(e.isRetryable()).isTrue());

      pg = start(dir, port);
      CheckoutResult after = checkout.placeOrder(IdempotencyKey.of("while-down"), request());
      assertThat(after.isPlaced()).isTrue();
      assertThat(storage.inTransaction(tx -> tx.products().find(SKU)).orElseThrow().stock())
          .isEqualTo(3);
    } finally {
      pg.close();
    }
  }

  private static EmbeddedPostgres start(Path dir, int port) throws java.io.IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }
}

package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Races decided by real databases. */
class JdbcConcurrencyTest {
  private static final Sku A = Sku.of("item-a");
  private static final Sku B = Sku.of("item-b");

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void twoLineOrdersRacingInOppositeLineOrderNeverDeadlockNorOversell(TestDatabase db)
      throws Exception {
    JdbcStorage storage = db.freshStorage();
    int stock = 12;
    storage.inTransaction(
        tx -> {
          tx.products().upsert(A, "A", Money.of(100, "USD"), stock, Instant.now());
          return tx.products().upsert(B, "B", Money.of(100, "USD"), stock, Instant.now());
        });
    TestPaymentGateway gateway = new TestPaymentGateway();
    Checkout checkout =
        Checkout.builder().storage(storage).paymentGateway(gateway).termsVersion("v1").build();
    int buyers = 32;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<CheckoutResult>> results = new ArrayList<>();
    for (int i = 0; i < buyers; i++) {
      boolean ab = i % 2 == 0;
      String key = "buyer-" + i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                CheckoutRequest request =
                    CheckoutRequest.builder()
                        .item((ab ? A : B).value(), 1)
                        .item((ab ? B : A).value(), 1)
                        .email("buyer@example.com")
                        .acceptedTerms("v1")
                        .paymentToken("tok_ok")
                        .build();
                return checkout.placeOrder(IdempotencyKey.of(key), request);
              }));
    }
    start.countDown();
    int placed = 0;
    for (Future<CheckoutResult> f : results) {
      CheckoutResult r = f.get(120, TimeUnit.SECONDS);
      assertThat(r.outcome()).isIn(CheckoutOutcome.PLACED, CheckoutOutcome.OUT_OF_STOCK);
      placed += r.isPlaced() ? 1 : 0;
    }
    pool.shutdown();

    assertThat(placed).isEqualTo(stock);
    assertThat(gateway.approvedCharges()).isEqualTo(stock);
    long a = storage.inTransaction(tx -> tx.products().find(A).orElseThrow().stock());
    long b = storage.inTransaction(tx -> tx.products().find(B).orElseThrow().stock());
    assertThat(a).isZero();
    assertThat(b).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL", "MARIADB"})
  void aSweepSkipsRecordsThatACheckoutHoldsInsteadOfWaiting(TestDatabase db) throws Exception {
    JdbcStorage storage = db.freshStorage();
    Instant past = Instant.parse("2026-01-01T00:00:00Z");
    for (String k : new String[] {"held", "free"}) {
      IdempotencyKey key = IdempotencyKey.of(k);
      IdempotencyRecord record =
          IdempotencyRecord.claimed(
                  key,
                  RequestFingerprint.of(k),
                  1,
                  past,
                  past.plusSeconds(30),
                  past.plusSeconds(60))
              .completedWith("finished", new StoredResponse(201, Map.of(), new byte[0]));
      storage.inTransaction(tx -> tx.idempotency().insert(record));
    }
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Optional<IdempotencyRecord>> holder =
        pool.submit(
            () ->
                storage.inTransaction(
                    tx -> {
                      Optional<IdempotencyRecord> r =
                          tx.idempotency().find(IdempotencyKey.of("held"));
                      locked.countDown();
                      try {
                        release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return r;
                    }));
    assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion("v1")
            .build();

    long started = System.nanoTime();
    int purged = checkout.purgeExpiredKeys(10);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    release.countDown();
    assertThat(holder.get(30, TimeUnit.SECONDS)).isPresent();
    pool.shutdown();

    assertThat(purged).as("the free record goes, the held one is skipped").isEqualTo(1);
    assertThat(took).as("the sweep did not wait for the lock").isLessThan(Duration.ofSeconds(5));
    assertThat(checkout.purgeExpiredKeys(10)).as("the next sweep takes the rest").isEqualTo(1);
  }
}

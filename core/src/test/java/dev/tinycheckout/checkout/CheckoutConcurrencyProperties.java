package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/**
 * Laws of the checkout under real concurrency: real threads released together by a start gate,
 * random pauses in the payment call to vary the interleavings, and bounded waits so that a deadlock
 * fails the property instead of hanging the build.
 */
class CheckoutConcurrencyProperties {
  private static final String TERMS = "v1";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration LEASE = CheckoutConfig.ofDefaults().lease();

  /** What one concurrent call came back with: a result or the in-progress conflict. */
  private record Answer(
      @Nullable CheckoutResult result, @Nullable IdempotencyKeyInUseException conflict) {}

  /**
   * Law: any interleaving of K identical requests on T threads creates exactly one order and one
   * charge, and every answer is either the stored answer, byte for byte, or an in-progress
   * conflict; exactly one answer is not a replay.
   */
  @Property(tries = 150)
  void identicalRequestsCreateExactlyOneOrderAndAnswerTheStoredAnswerOrAConflict(
      @ForAll @IntRange(min = 2, max = 32) int requests,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 1, max = 5) int quantity,
      @ForAll @IntRange(min = 0, max = 3) int maxPauseMillis,
      @ForAll long seed)
      throws Exception {
    checkIdenticalRequests(requests, threads, quantity, maxPauseMillis, seed, false);
  }

  /**
   * Law: the same holds when leases run out while a payment is in flight, so that duplicates take
   * over the checkout and pay again: the gateway's idempotency key keeps it at one charge, and the
   * fence lets only one attempt finish.
   */
  @Property(tries = 100)
  void identicalRequestsCreateExactlyOneOrderEvenWhenLeasesRunOutMidPayment(
      @ForAll @IntRange(min = 2, max = 24) int requests,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 0, max = 3) int maxPauseMillis,
      @ForAll long seed)
      throws Exception {
    checkIdenticalRequests(requests, threads, 1, maxPauseMillis, seed, true);
  }

  private static void checkIdenticalRequests(
      int requests, int threads, int quantity, int maxPauseMillis, long seed, boolean expireLeases)
      throws Exception {
    InMemoryStorage storage = storage(new Stock("apple", 1_000, 100));
    CheckoutTest.MutableClock clock = new CheckoutTest.MutableClock(T0);
    TestPaymentGateway provider = new TestPaymentGateway();
    Set<OrderId> ordersCharged = ConcurrentHashMap.newKeySet();
    Random random = new Random(seed);
    PaymentGateway jittery =
        request -> {
          ordersCharged.add(request.orderId());
          StartingGate.pause(maxPauseMillis);
          if (expireLeases && ThreadLocalRandom.current().nextBoolean()) {
            clock.advance(LEASE.plusSeconds(1));
          }
          StartingGate.pause(maxPauseMillis);
          return provider.charge(request);
        };
    Checkout checkout = checkout(storage, jittery, clock);
    IdempotencyKey key = IdempotencyKey.of("same-key");
    CheckoutRequest request = request(TestPaymentGateway.APPROVE, new Line("apple", quantity));

    List<Callable<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      int spins = random.nextInt(200);
      calls.add(
          () -> {
            spin(spins);
            try {
              return new Answer(checkout.placeOrder(key, request), null);
            } catch (IdempotencyKeyInUseException e) {
              return new Answer(null, e);
            }
          });
    }
    List<Answer> answers = StartingGate.runTogether(threads, calls);

    IdempotencyRecord record =
        storage.inTransaction(tx -> tx.idempotency().find(key)).orElseThrow();
    StoredResponse stored = record.response().orElseThrow();
    assertThat(stored.status()).isEqualTo(201);
    List<CheckoutResult> results = new ArrayList<>();
    for (Answer answer : answers) {
      if (answer.conflict() != null) {
        assertThat(answer.conflict().retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
      } else {
        CheckoutResult result = answer.result();
        assertThat(result).isNotNull();
        results.add(result);
        assertThat(result.response()).isEqualTo(stored);
        assertThat(result.response().body()).isEqualTo(stored.body());
      }
    }
    assertThat(results).filteredOn(r -> !r.replayed()).hasSize(1);
    assertThat(results)
        .extracting(CheckoutResult::orderId)
        .containsOnly(Optional.of(OrderId.parse(record.reference())));
    assertThat(stock(storage, "apple")).isEqualTo(1_000 - quantity);
    assertThat(ordersCharged).containsExactly(OrderId.parse(record.reference()));
    assertThat(provider.approvedCharges()).isEqualTo(1);
  }

  /**
   * Law: with stock S and N > S concurrent single-unit checkouts under distinct keys, exactly S are
   * placed, the others are out of stock, and the stock ends at 0.
   */
  @Property(tries = 100)
  void concurrentCheckoutsNeverOversellAndSellOutExactly(
      @ForAll("stockAndBuyers") int[] stockAndBuyers,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 0, max = 2) int maxPauseMillis)
      throws Exception {
    int stock = stockAndBuyers[0];
    int buyers = stockAndBuyers[1];
    InMemoryStorage storage = storage(new Stock("apple", stock, 100));
    TestPaymentGateway provider = new TestPaymentGateway();
    PaymentGateway jittery =
        request -> {
          StartingGate.pause(maxPauseMillis);
          return provider.charge(request);
        };
    Checkout checkout = checkout(storage, jittery, new CheckoutTest.MutableClock(T0));
    CheckoutRequest request = request(TestPaymentGateway.APPROVE, new Line("apple", 1));
    List<Callable<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < buyers; i++) {
      IdempotencyKey key = IdempotencyKey.of("buyer-" + i);
      calls.add(() -> new Answer(checkout.placeOrder(key, request), null));
    }

    List<Answer> answers = StartingGate.runTogether(threads, calls);

    List<CheckoutOutcome> outcomes = new ArrayList<>();
    for (Answer a : answers) {
      assertThat(a.result()).isNotNull();
      outcomes.add(a.result().outcome());
    }
    assertThat(outcomes).filteredOn(CheckoutOutcome.PLACED::equals).hasSize(stock);
    assertThat(outcomes).filteredOn(CheckoutOutcome.OUT_OF_STOCK::equals).hasSize(buyers - stock);
    assertThat(stock(storage, "apple")).isZero();
    assertThat(provider.approvedCharges()).isEqualTo(stock);
  }

  @Provide
  Arbitrary<int[]> stockAndBuyers() {
    return Arbitraries.integers()
        .between(1, 20)
        .flatMap(s -> Arbitraries.integers().between(s + 1, s + 30).map(n -> new int[] {s, n}));
  }

  /** One two-line order, with its lines in either order. */
  private record TwoLines(int left, int right, boolean leftFirst) {}

  /**
   * Law: two-line orders racing with their lines in opposite orders never deadlock and never
   * oversell: every call answers in bounded time, final stock equals the initial stock minus what
   * the placed orders took, and every refused order really lacked stock for one of its lines.
   */
  @Property(tries = 100)
  void twoLineOrdersInOppositeLineOrderNeverDeadlockNorOversell(
      @ForAll("twoLineOrders") List<TwoLines> orders,
      @ForAll @IntRange(min = 1, max = 30) int leftStock,
      @ForAll @IntRange(min = 1, max = 30) int rightStock,
      @ForAll @IntRange(min = 2, max = 8) int threads)
      throws Exception {
    InMemoryStorage storage =
        storage(new Stock("left", leftStock, 100), new Stock("right", rightStock, 70));
    TestPaymentGateway provider = new TestPaymentGateway();
    Checkout checkout = checkout(storage, provider, new CheckoutTest.MutableClock(T0));
    List<Callable<Answer>> calls = new ArrayList<>();
    for (int i = 0; i < orders.size(); i++) {
      TwoLines o = orders.get(i);
      Line left = new Line("left", o.left());
      Line right = new Line("right", o.right());
      CheckoutRequest request =
          o.leftFirst()
              ? request(TestPaymentGateway.APPROVE, left, right)
              : request(TestPaymentGateway.APPROVE, right, left);
      IdempotencyKey key = IdempotencyKey.of("order-" + i);
      calls.add(() -> new Answer(checkout.placeOrder(key, request), null));
    }

    List<Answer> answers = StartingGate.runTogether(threads, calls);

    long leftTaken = 0;
    long rightTaken = 0;
    long finalLeft = stock(storage, "left");
    long finalRight = stock(storage, "right");
    for (int i = 0; i < answers.size(); i++) {
      CheckoutResult result = answers.get(i).result();
      assertThat(result).isNotNull();
      TwoLines o = orders.get(i);
      if (result.outcome() == CheckoutOutcome.PLACED) {
        leftTaken += o.left();
        rightTaken += o.right();
      } else {
        assertThat(result.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
        assertThat(finalLeft < o.left() || finalRight < o.right())
            .as("order %s was refused although both lines are still in stock", i)
            .isTrue();
      }
    }
    assertThat(finalLeft).isEqualTo(leftStock - leftTaken).isNotNegative();
    assertThat(finalRight).isEqualTo(rightStock - rightTaken).isNotNegative();
  }

  @Provide
  Arbitrary<List<TwoLines>> twoLineOrders() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 5),
            Arbitraries.integers().between(1, 5),
            Arbitraries.of(true, false))
        .as(TwoLines::new)
        .list()
        .ofMinSize(2)
        .ofMaxSize(24);
  }

  // ---- harness -------------------------------------------------------------------------------

  private static void spin(int times) {
    for (int i = 0; i < times; i++) {
      Thread.onSpinWait();
      if (i % 50 == 49) {
        Thread.yield();
      }
    }
  }

  private record Stock(String sku, long units, long price) {}

  private record Line(String sku, int quantity) {}

  private static InMemoryStorage storage(Stock... stock) {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> {
          for (Stock s : stock) {
            tx.products()
                .upsert(Sku.of(s.sku()), s.sku(), Money.of(s.price(), "USD"), s.units(), T0);
          }
          return null;
        });
    return storage;
  }

  private static Checkout checkout(
      InMemoryStorage storage, PaymentGateway gateway, CheckoutTest.MutableClock clock) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(gateway)
        .termsVersion(TERMS)
        .clock(clock)
        .build();
  }

  private static CheckoutRequest request(String token, Line... lines) {
    CheckoutRequest.Builder b =
        CheckoutRequest.builder().email("ann@example.com").acceptedTerms(TERMS).paymentToken(token);
    for (Line line : lines) {
      b.item(line.sku(), line.quantity());
    }
    return b.build();
  }

  private static long stock(InMemoryStorage storage, String sku) {
    return storage.inTransaction(tx -> tx.products().find(Sku.of(sku)).orElseThrow().stock());
  }
}

package dev.tinycheckout.benchmarks;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link Checkout#placeOrder} on {@link InMemoryStorage} with a {@link
 * TestPaymentGateway}: the engine's own cost, with no database or network in the way.
 *
 * <ul>
 *   <li>{@link #placeOrder}: a fresh idempotency key per call, so every call runs the whole write
 *       path (claim and reserve, pay, finish) and places a paid order;
 *   <li>{@link #replay}: the same completed key and request every call, so every call is answered
 *       from the stored response;
 *   <li>{@link #baseline}: one unit of work that only reads the product, the cheapest thing the
 *       storage does; the other figures are quoted as multiples of it, measured in the same run;
 *   <li>{@link #fingerprint}: the SHA-256 request fingerprint every checkout computes.
 * </ul>
 *
 * <p>The {@code ...TwoThreads} variants run the same code from two threads on one shared storage,
 * whose units of work run one at a time under a lock.
 *
 * <p>The in-memory storage and the test gateway keep every order, key, event and charge, so the
 * state is built anew before each iteration: memory then holds at most one iteration's orders.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
@State(Scope.Benchmark)
public class CheckoutBenchmark {
  static final Sku SKU = Sku.of("bench-item");
  static final long STOCK = 1_000_000_000_000L;
  static final String TERMS = "2026-11-01";

  private final AtomicLong counter = new AtomicLong();
  private final CheckoutRequest request =
      CheckoutRequest.builder()
          .item(SKU.value(), 1)
          .email("bench@example.com")
          .acceptedTerms(TERMS)
          .paymentToken(TestPaymentGateway.APPROVE)
          .build();
  private final IdempotencyKey replayKey = IdempotencyKey.scoped("bench", "replay");

  private InMemoryStorage storage;
  private Checkout checkout;

  /** Builds a fresh storage, gateway and checkout, and completes the replayed key once. */
  @Setup(Level.Iteration)
  public void setUp() {
    storage = InMemoryStorage.create();
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(SKU, "Benchmark item", Money.of(100, "USD"), STOCK, Instant.now()));
    checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion(TERMS)
            .build();
    CheckoutResult first = checkout.placeOrder(replayKey, request);
    if (!first.isPlaced()) {
      throw new IllegalStateException("setup could not place the replayed order: " + first);
    }
  }

  /**
   * The full write path with a new key.
   *
   * @return the placed order's result
   */
  @Benchmark
  public CheckoutResult placeOrder() {
    return checkout.placeOrder(
        IdempotencyKey.scoped("bench", Long.toString(counter.incrementAndGet())), request);
  }

  /**
   * The replay path: a completed key with the same request.
   *
   * @return the stored result, marked replayed
   */
  @Benchmark
  public CheckoutResult replay() {
    return checkout.placeOrder(replayKey, request);
  }

  /**
   * The reference: one unit of work that reads one product.
   *
   * @return the product
   */
  @Benchmark
  public Optional<Product> baseline() {
    return storage.inTransaction(tx -> tx.products().find(SKU));
  }

  /**
   * The request fingerprint (SHA-256 over the canonical request).
   *
   * @return the fingerprint
   */
  @Benchmark
  public RequestFingerprint fingerprint() {
    return request.fingerprint();
  }

  /**
   * {@link #placeOrder} from two threads.
   *
   * @return the placed order's result
   */
  @Benchmark
  @Threads(2)
  public CheckoutResult placeOrderTwoThreads() {
    return placeOrder();
  }

  /**
   * {@link #replay} from two threads.
   *
   * @return the stored result, marked replayed
   */
  @Benchmark
  @Threads(2)
  public CheckoutResult replayTwoThreads() {
    return replay();
  }

  /**
   * {@link #baseline} from two threads.
   *
   * @return the product
   */
  @Benchmark
  @Threads(2)
  public Optional<Product> baselineTwoThreads() {
    return baseline();
  }
}

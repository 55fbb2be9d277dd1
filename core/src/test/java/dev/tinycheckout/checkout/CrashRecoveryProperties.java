package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Law: a crash injected at any step of the write path leaves either no trace or a state that the
 * next retry completes exactly once.
 *
 * <p>A "step" is every call the checkout makes on a store, the start of every unit of work, the
 * moment after each commit, and the two sides of the payment call. A {@link Fuse} counts them and
 * at step N throws {@link SimulatedCrash}, an {@link Error}, so that no {@code catch
 * (RuntimeException)} cleanup in the engine runs, as when the process is killed; from then on every
 * step throws, the process is dead. The storage under the fault injector is a real {@link
 * InMemoryStorage}, which rolls back the unit of work the crash interrupted, as a database does for
 * a dead connection. The retry runs in a "restarted process": a new {@link Checkout} over the same
 * storage and the same {@link TestPaymentGateway}, after the crashed attempt's lease ran out.
 */
class CrashRecoveryProperties {
  private static final String TERMS = "v1";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration PAST_THE_LEASE = CheckoutConfig.ofDefaults().lease().plusSeconds(1);
  private static final long INITIAL_STOCK = 50;
  private static final List<String> SKUS = List.of("apple", "banana", "cherry");
  private static final IdempotencyKey KEY = IdempotencyKey.of("crash-key");

  /** The process died here. An Error, so the engine's RuntimeException handlers never run. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) {
      super(message);
    }
  }

  /** A checkout to crash: its lines (SKU to quantity, in request order), opt-in and token. */
  record Scenario(Map<String, Integer> lines, boolean marketingOptIn, String token) {
    CheckoutRequest request() {
      CheckoutRequest.Builder b =
          CheckoutRequest.builder()
              .email("ann@example.com")
              .acceptedTerms(TERMS)
              .marketingOptIn(marketingOptIn)
              .paymentToken(token);
      lines.forEach(b::item);
      return b.build();
    }

    boolean approves() {
      return token.equals(TestPaymentGateway.APPROVE);
    }
  }

  /** A scenario and the step at which each successive attempt crashes, before a clean one. */
  record Crashes(Scenario scenario, List<Integer> crashAt, List<String> stepsOfFirstAttempt) {
    @Override
    public String toString() {
      List<String> named = new ArrayList<>();
      for (int i = 0; i < crashAt.size(); i++) {
        named.add("attempt " + (i + 1) + " at step " + crashAt.get(i));
      }
      String first =
          crashAt.isEmpty() || stepsOfFirstAttempt.size() < crashAt.get(0)
              ? ""
              : " (" + stepsOfFirstAttempt.get(crashAt.get(0) - 1) + ")";
      return scenario + " crashing " + named + first;
    }
  }

  // ---- the properties --------------------------------------------------------------------------

  /**
   * Law: after a crash at any step, a retry with the same key in a restarted process completes the
   * checkout exactly once: one order, stock taken once, at most one charge, one outbox event, the
   * consent entries once, and every later retry replays the same bytes.
   */
  @Property(tries = 400)
  void aCrashAtAnyStepIsCompletedExactlyOnceByTheNextRetry(@ForAll("oneCrash") Crashes crashes) {
    World world = new World();
    world.crashAtEach(crashes);

    CheckoutResult result = world.attempt(Fuse.never());

    world.assertCompletedExactlyOnce(crashes.scenario(), result);
  }

  /**
   * Law: the same holds when the retry itself crashes at any of its own steps, and only the third
   * attempt runs to the end.
   */
  @Property(tries = 300)
  void crashesInTwoSuccessiveAttemptsAreCompletedExactlyOnceByTheThird(
      @ForAll("twoCrashes") Crashes crashes) {
    World world = new World();
    world.crashAtEach(crashes);

    CheckoutResult result = world.attempt(Fuse.never());

    world.assertCompletedExactlyOnce(crashes.scenario(), result);
  }

  /**
   * Law: with no retry at all, a crash leaves one of three states and nothing in between: no trace
   * (the crash hit the first unit of work), a pending order holding its stock under a leased key
   * that a retry is told to wait for, or the completed checkout.
   */
  @Property(tries = 300)
  void aCrashWithoutRetryLeavesNoTraceOrAStateARetryCanResume(@ForAll("oneCrash") Crashes crashes) {
    World world = new World();
    world.crashAtEach(crashes);
    Scenario s = crashes.scenario();
    String step = crashes.stepsOfFirstAttempt().get(crashes.crashAt().get(0) - 1);
    Optional<IdempotencyRecord> record = world.record();

    if (step.startsWith("tx1 ") && !step.equals("tx1 committed")) {
      assertThat(record).as("no idempotency record").isEmpty();
      assertThat(world.ledger.orders).as("no order").isEmpty();
      assertThat(world.ledger.events).as("no outbox event").isEmpty();
      assertThat(world.ledger.consents).as("no consent").isEmpty();
      assertThat(world.stocks()).as("stock untouched").isEqualTo(world.initialStocks());
      assertThat(world.provider.calls()).as("no payment attempted").isZero();
      return;
    }
    assertThat(record).isPresent();
    if (record.get().isCompleted()) {
      // After the commit, or in the pass that chains its consent after it.
      assertThat(step.equals("tx2 committed") || step.startsWith("tx3 ")).as(step).isTrue();
      assertThat(world.ledger.orders).hasSize(1);
      return;
    }
    assertThat(record.get().recoveryPoint()).isEqualTo(Checkout.ORDER_CREATED);
    OrderId pending = OrderId.parse(record.get().reference());
    assertThat(world.ledger.orders).containsExactly(pending);
    assertThat(world.order(pending).status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(world.stocks()).isEqualTo(world.stocksAfterTaking(s));
    assertThat(world.ledger.events).isEmpty();
    assertThat(world.ledger.consents).isEmpty();
    assertThatThrownBy(() -> world.attemptWithoutWaiting(Fuse.never()))
        .as("a retry before the lease ran out is told to wait")
        .isInstanceOf(IdempotencyKeyInUseException.class);
  }

  /**
   * Law: a runtime failure inside any unit of work or at the provider is rolled back and releases
   * the key, so an immediate retry (no waiting for the lease) completes the checkout exactly once;
   * a retryable storage failure is retried inside the same call. Failures after a commit are left
   * out: the engine cannot tell them from a failed commit, and they keep the key leased.
   */
  @Property(tries = 200)
  void aFailureThatRolledBackReleasesTheKeySoAnImmediateRetryCompletesExactlyOnce(
      @ForAll("oneCrash") Crashes failure, @ForAll boolean retryable) {
    String step = failure.stepsOfFirstAttempt().get(failure.crashAt().get(0) - 1);
    Assume.that(!step.endsWith(" committed"));
    World world = new World();
    world.use(failure.scenario());
    Optional<CheckoutResult> first;
    try {
      first = Optional.of(world.attempt(Fuse.failingOnceAt(failure.crashAt().get(0), retryable)));
    } catch (StorageException | PaymentUnavailableException e) {
      first = Optional.empty();
    }
    if (retryable && step.startsWith("tx")) {
      assertThat(first).as("a retryable storage failure is retried within the call").isPresent();
    }

    CheckoutResult retried = world.attemptWithoutWaiting(Fuse.never());

    assertThat(retried.replayed()).isEqualTo(first.isPresent());
    world.assertCompletedExactlyOnce(failure.scenario(), retried);
  }

  /** Every single crash point of each scenario shape, so no step is left to chance. */
  @Example
  void everySingleCrashPointOfEveryShapeIsCompletedExactlyOnce() {
    for (Scenario s : shapes()) {
      int steps = stepsOfAttempt(s, List.of()).size();
      for (int n = 1; n <= steps; n++) {
        World world = new World();
        world.crashAtEach(new Crashes(s, List.of(n), List.of()));
        world.assertCompletedExactlyOnce(s, world.attempt(Fuse.never()));
      }
    }
  }

  /** Every pair of crash points in two successive attempts, for each scenario shape. */
  @Example
  void everyPairOfCrashPointsIsCompletedExactlyOnce() {
    for (Scenario s : shapes()) {
      int first = stepsOfAttempt(s, List.of()).size();
      for (int n1 = 1; n1 <= first; n1++) {
        int second = stepsOfAttempt(s, List.of(n1)).size();
        for (int n2 = 1; n2 <= second; n2++) {
          World world = new World();
          world.crashAtEach(new Crashes(s, List.of(n1, n2), List.of()));
          world.assertCompletedExactlyOnce(s, world.attempt(Fuse.never()));
        }
      }
    }
  }

  @Example
  void aCleanCheckoutMakesTheStepsTheseLawsCrashAt() {
    List<String> steps = stepsOfAttempt(shapes().get(0), List.of());

    assertThat(steps)
        .startsWith("tx1 begin")
        .contains(
            "tx1 committed",
            "gateway before charge",
            "gateway after charge",
            "tx2 begin",
            "tx2 consents.stage",
            "tx2 committed",
            "tx3 consents.chainStaged")
        .endsWith("tx3 committed");
    assertThat(steps.indexOf("gateway before charge"))
        .as("no transaction is open while the provider is called")
        .isEqualTo(steps.indexOf("tx1 committed") + 1);
  }

  // ---- generators ------------------------------------------------------------------------------

  private static List<Scenario> shapes() {
    return List.of(
        new Scenario(Map.of("apple", 2), false, TestPaymentGateway.APPROVE),
        new Scenario(Map.of("banana", 1), true, TestPaymentGateway.APPROVE),
        new Scenario(Map.of("cherry", 3), false, TestPaymentGateway.DECLINE));
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Map<String, Integer>> lines =
        Arbitraries.subsetOf(SKUS)
            .ofMinSize(1)
            .flatMap(
                skus -> {
                  List<String> ordered = new ArrayList<>(skus);
                  return Arbitraries.integers()
                      .between(1, 5)
                      .list()
                      .ofSize(ordered.size())
                      .map(
                          qs -> {
                            Map<String, Integer> m = new LinkedHashMap<>();
                            for (int i = 0; i < ordered.size(); i++) {
                              m.put(ordered.get(i), qs.get(i));
                            }
                            return m;
                          });
                });
    return Combinators.combine(
            lines,
            Arbitraries.of(true, false),
            Arbitraries.of(TestPaymentGateway.APPROVE, TestPaymentGateway.DECLINE))
        .as(Scenario::new);
  }

  @Provide
  Arbitrary<Crashes> oneCrash() {
    return scenarios()
        .flatMap(
            s -> {
              List<String> steps = stepsOfAttempt(s, List.of());
              return Arbitraries.integers()
                  .between(1, steps.size())
                  .map(n -> new Crashes(s, List.of(n), steps));
            });
  }

  @Provide
  Arbitrary<Crashes> twoCrashes() {
    return oneCrash()
        .flatMap(
            c -> {
              int second = stepsOfAttempt(c.scenario(), c.crashAt()).size();
              return Arbitraries.integers()
                  .between(1, second)
                  .map(
                      n2 ->
                          new Crashes(
                              c.scenario(),
                              List.of(c.crashAt().get(0), n2),
                              c.stepsOfFirstAttempt()));
            });
  }

  /**
   * The steps of the attempt that follows the given crashes, found by running the same history in a
   * fresh world with a fuse that only counts.
   */
  private static List<String> stepsOfAttempt(Scenario s, List<Integer> earlierCrashes) {
    World world = new World();
    world.crashAtEach(new Crashes(s, earlierCrashes, List.of()));
    Fuse counting = Fuse.never();
    world.attempt(counting);
    return counting.steps;
  }

  // ---- the world: storage, provider and clock that survive a crash -----------------------------

  private static final class World {
    final InMemoryStorage storage = InMemoryStorage.create();
    final TestPaymentGateway provider = new TestPaymentGateway();
    final CheckoutTest.MutableClock clock = new CheckoutTest.MutableClock(T0);
    final Ledger ledger = new Ledger();
    private @Nullable Scenario scenario;

    World() {
      storage.inTransaction(
          tx -> {
            long price = 100;
            for (String sku : SKUS) {
              tx.products().upsert(Sku.of(sku), sku, Money.of(price, "USD"), INITIAL_STOCK, T0);
              price += 150;
            }
            return null;
          });
    }

    void use(Scenario s) {
      scenario = s;
    }

    /** Runs one attempt per crash point, each crashing there, each after the last lease ran out. */
    void crashAtEach(Crashes crashes) {
      use(crashes.scenario());
      for (int n : crashes.crashAt()) {
        Fuse fuse = Fuse.at(n);
        assertThatThrownBy(() -> attempt(fuse))
            .as("attempt with a fuse at step %s", n)
            .isInstanceOf(SimulatedCrash.class);
      }
    }

    /** A restarted process sends the request again once the previous lease ran out. */
    CheckoutResult attempt(Fuse fuse) {
      clock.advance(PAST_THE_LEASE);
      return attemptWithoutWaiting(fuse);
    }

    CheckoutResult attemptWithoutWaiting(Fuse fuse) {
      CrashingStorage crashing = new CrashingStorage(storage, fuse, ledger);
      // Chain passes run on the request's thread, so their steps are counted (and crashed) in a
      // repeatable order.
      ConsentAudit audit =
          ConsentAudit.builder(crashing)
              .subjectSecret(new byte[32])
              .chainExecutor(Runnable::run)
              .build();
      Checkout checkout =
          Checkout.builder()
              .storage(crashing)
              .paymentGateway(new CrashingGateway(provider, fuse))
              .termsVersion(TERMS)
              .consentAudit(audit)
              .clock(clock)
              .build();
      return checkout.placeOrder(KEY, requireScenario().request());
    }

    private Scenario requireScenario() {
      Scenario s = scenario;
      if (s == null) {
        throw new IllegalStateException("no scenario");
      }
      return s;
    }

    void assertCompletedExactlyOnce(Scenario s, CheckoutResult result) {
      IdempotencyRecord record = record().orElseThrow();
      assertThat(record.isCompleted()).isTrue();
      assertThat(result.response()).isEqualTo(record.response().orElseThrow());
      assertThat(ledger.orders).as("orders ever inserted").hasSize(1);
      OrderId id = ledger.orders.get(0);
      assertThat(record.reference()).isEqualTo(id.toString());
      if (s.approves()) {
        assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
        assertThat(result.orderId()).contains(id);
        assertThat(order(id).status()).isEqualTo(OrderStatus.PAID);
        assertThat(stocks()).as("stock taken exactly once").isEqualTo(stocksAfterTaking(s));
        assertThat(provider.approvedCharges()).as("charged exactly once").isEqualTo(1);
        assertThat(events(id))
            .singleElement()
            .extracting(OutboxEvent::type)
            .isEqualTo(OutboxEvent.ORDER_PLACED);
        List<ConsentPurpose> expected =
            s.marketingOptIn()
                ? List.of(ConsentPurpose.TERMS_OF_SALE, ConsentPurpose.MARKETING)
                : List.of(ConsentPurpose.TERMS_OF_SALE);
        assertThat(consents(id))
            .extracting(ConsentEntry::purpose)
            .containsExactlyElementsOf(expected);
        assertThat(ConsentAudit.builder(storage).subjectSecret(new byte[32]).build().verify())
            .as("the consent trail after the crashes")
            .satisfies(v -> assertThat(v.valid()).isTrue());
      } else {
        assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
        assertThat(order(id).status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(stocks()).as("stock returned").isEqualTo(initialStocks());
        assertThat(provider.approvedCharges()).isZero();
        assertThat(events(id))
            .singleElement()
            .extracting(OutboxEvent::type)
            .isEqualTo(OutboxEvent.PAYMENT_FAILED);
        assertThat(consents(id)).isEmpty();
      }
      assertThat(ledger.events).as("outbox events ever enqueued").hasSize(1);
      assertThat(ledger.consents).as("consents ever appended").hasSameSizeAs(consents(id));

      CheckoutResult again = attempt(Fuse.never());
      assertThat(again.replayed()).isTrue();
      assertThat(again.response()).isEqualTo(result.response());
      assertThat(again.response().body()).isEqualTo(result.response().body());
      assertThat(ledger.orders).hasSize(1);
    }

    Optional<IdempotencyRecord> record() {
      return storage.inTransaction(tx -> tx.idempotency().find(KEY));
    }

    Order order(OrderId id) {
      return storage.inTransaction(tx -> tx.orders().find(id).orElseThrow());
    }

    List<OutboxEvent> events(OrderId id) {
      return storage.inTransaction(tx -> tx.outbox().findByAggregate(id.toString()));
    }

    /** The order's consent entries, once what a crash left staged is chained. */
    List<ConsentEntry> consents(OrderId id) {
      CrashingStorage chaining = new CrashingStorage(storage, Fuse.never(), ledger);
      ConsentAudit.builder(chaining).subjectSecret(new byte[32]).build().chainPending();
      return storage.inTransaction(tx -> tx.consents().findByOrder(id));
    }

    Map<String, Long> stocks() {
      return storage.inTransaction(
          tx -> {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Product p : tx.products().findAll()) {
              m.put(p.sku().value(), p.stock());
            }
            return m;
          });
    }

    Map<String, Long> initialStocks() {
      Map<String, Long> m = new LinkedHashMap<>();
      for (String sku : SKUS) {
        m.put(sku, INITIAL_STOCK);
      }
      return m;
    }

    Map<String, Long> stocksAfterTaking(Scenario s) {
      Map<String, Long> m = initialStocks();
      s.lines().forEach((sku, q) -> m.put(sku, INITIAL_STOCK - q));
      return m;
    }
  }

  /** What the storage committed, across every process that used it. */
  private static final class Ledger {
    final List<OrderId> orders = new ArrayList<>();
    final List<OutboxEvent> events = new ArrayList<>();
    final List<ConsentEntry> consents = new ArrayList<>();
  }

  // ---- the fault injectors ---------------------------------------------------------------------

  /**
   * Counts steps and fails at one of them. A crash fuse throws {@link SimulatedCrash} there and at
   * every later step: the process is dead. A transient fuse throws a runtime failure there once (a
   * {@link StorageException} in the storage, a {@link PaymentUnavailableException} at the provider)
   * and then works again.
   */
  static final class Fuse {
    private final int tripAt;
    private final boolean crash;
    private final boolean retryable;
    private boolean blown;
    final List<String> steps = new ArrayList<>();

    private Fuse(int tripAt, boolean crash, boolean retryable) {
      this.tripAt = tripAt;
      this.crash = crash;
      this.retryable = retryable;
    }

    static Fuse at(int step) {
      return new Fuse(step, true, false);
    }

    static Fuse failingOnceAt(int step, boolean retryable) {
      return new Fuse(step, false, retryable);
    }

    static Fuse never() {
      return new Fuse(0, true, false);
    }

    void step(String what) {
      if (blown) {
        throw new SimulatedCrash("the process is dead, so '" + what + "' never happens");
      }
      steps.add(what);
      if (steps.size() != tripAt) {
        return;
      }
      if (crash) {
        blown = true;
        throw new SimulatedCrash("crash at step " + tripAt + ": " + what);
      }
      if (what.startsWith("gateway")) {
        throw new PaymentUnavailableException("injected provider failure at " + what, null);
      }
      throw new StorageException("injected storage failure at " + what, retryable, null);
    }
  }

  /** Crashes before or after the provider charged; after means the answer was lost. */
  private static final class CrashingGateway implements PaymentGateway {
    private final PaymentGateway delegate;
    private final Fuse fuse;

    CrashingGateway(PaymentGateway delegate, Fuse fuse) {
      this.delegate = delegate;
      this.fuse = fuse;
    }

    @Override
    public PaymentResult charge(PaymentRequest request) {
      fuse.step("gateway before charge");
      PaymentResult result = delegate.charge(request);
      fuse.step("gateway after charge");
      return result;
    }
  }

  /** Wraps every unit of work and every store call in a fuse step, and records commits. */
  private static final class CrashingStorage implements CheckoutStorage {
    private final CheckoutStorage delegate;
    private final Fuse fuse;
    private final Ledger ledger;
    private int transactions;

    CrashingStorage(CheckoutStorage delegate, Fuse fuse, Ledger ledger) {
      this.delegate = delegate;
      this.fuse = fuse;
      this.ledger = ledger;
    }

    @Override
    public <T> T inTransaction(UnitOfWork<T> work) {
      String tx = "tx" + ++transactions;
      fuse.step(tx + " begin");
      Ledger pending = new Ledger();
      T result = delegate.inTransaction(t -> work.run(new CrashingTx(t, tx, pending)));
      ledger.orders.addAll(pending.orders);
      ledger.events.addAll(pending.events);
      ledger.consents.addAll(pending.consents);
      fuse.step(tx + " committed");
      return result;
    }

    private final class CrashingTx implements StorageTransaction {
      private final ProductStore products;
      private final OrderStore orders;
      private final IdempotencyStore idempotency;
      private final Outbox outbox;
      private final ConsentLog consents;
      private final DeliveryStore deliveries;

      CrashingTx(StorageTransaction t, String tx, Ledger pending) {
        this.deliveries = t.deliveries();
        this.products = new Products(t.products(), tx);
        this.orders = new Orders(t.orders(), tx, pending);
        this.idempotency = new Keys(t.idempotency(), tx);
        this.outbox = new Events(t.outbox(), tx, pending);
        this.consents = new Consents(t.consents(), tx, pending);
      }

      @Override
      public ProductStore products() {
        return products;
      }

      @Override
      public OrderStore orders() {
        return orders;
      }

      @Override
      public IdempotencyStore idempotency() {
        return idempotency;
      }

      @Override
      public Outbox outbox() {
        return outbox;
      }

      @Override
      public ConsentLog consents() {
        return consents;
      }

      @Override
      public DeliveryStore deliveries() {
        return deliveries;
      }
    }

    private final class Products implements ProductStore {
      private final ProductStore d;
      private final String tx;

      Products(ProductStore d, String tx) {
        this.d = d;
        this.tx = tx;
      }

      @Override
      public Optional<Product> find(Sku sku) {
        fuse.step(tx + " products.find");
        return d.find(sku);
      }

      @Override
      public List<Product> findAll() {
        fuse.step(tx + " products.findAll");
        return d.findAll();
      }

      @Override
      public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
        fuse.step(tx + " products.upsert");
        return d.upsert(sku, name, price, stock, now);
      }

      @Override
      public boolean reserve(Sku sku, int quantity, Instant now) {
        fuse.step(tx + " products.reserve");
        return d.reserve(sku, quantity, now);
      }

      @Override
      public boolean release(Sku sku, int quantity, Instant now) {
        fuse.step(tx + " products.release");
        return d.release(sku, quantity, now);
      }
    }

    private final class Orders implements OrderStore {
      private final OrderStore d;
      private final String tx;
      private final Ledger pending;

      Orders(OrderStore d, String tx, Ledger pending) {
        this.d = d;
        this.tx = tx;
        this.pending = pending;
      }

      @Override
      public void insert(Order order) {
        fuse.step(tx + " orders.insert");
        d.insert(order);
        pending.orders.add(order.id());
      }

      @Override
      public Optional<Order> find(OrderId id) {
        fuse.step(tx + " orders.find");
        return d.find(id);
      }

      @Override
      public Optional<Order> updateStatus(
          OrderId id, OrderStatus expected, OrderStatus next, Instant now) {
        fuse.step(tx + " orders.updateStatus");
        return d.updateStatus(id, expected, next, now);
      }
    }

    private final class Keys implements IdempotencyStore {
      private final IdempotencyStore d;
      private final String tx;

      Keys(IdempotencyStore d, String tx) {
        this.d = d;
        this.tx = tx;
      }

      @Override
      public Optional<IdempotencyRecord> find(IdempotencyKey key) {
        fuse.step(tx + " idempotency.find");
        return d.find(key);
      }

      @Override
      public boolean insert(IdempotencyRecord record) {
        fuse.step(tx + " idempotency.insert");
        return d.insert(record);
      }

      @Override
      public boolean replace(IdempotencyRecord record, long expectedFence) {
        fuse.step(tx + " idempotency.replace");
        return d.replace(record, expectedFence);
      }

      @Override
      public boolean delete(IdempotencyKey key, long expectedFence) {
        fuse.step(tx + " idempotency.delete");
        return d.delete(key, expectedFence);
      }

      @Override
      public int deleteExpired(Instant now, int limit) {
        fuse.step(tx + " idempotency.deleteExpired");
        return d.deleteExpired(now, limit);
      }
    }

    private final class Events implements Outbox {
      private final Outbox d;
      private final String tx;
      private final Ledger pending;

      Events(Outbox d, String tx, Ledger pending) {
        this.d = d;
        this.tx = tx;
        this.pending = pending;
      }

      @Override
      public void enqueue(OutboxEvent event) {
        fuse.step(tx + " outbox.enqueue");
        d.enqueue(event);
        pending.events.add(event);
      }

      @Override
      public List<OutboxEvent> findByAggregate(String aggregateId) {
        fuse.step(tx + " outbox.findByAggregate");
        return d.findByAggregate(aggregateId);
      }
    }

    private final class Consents implements ConsentLog {
      private final ConsentLog d;
      private final String tx;
      private final Ledger pending;

      Consents(ConsentLog d, String tx, Ledger pending) {
        this.d = d;
        this.tx = tx;
        this.pending = pending;
      }

      @Override
      public ConsentEntry append(ConsentDraft draft) {
        fuse.step(tx + " consents.append");
        ConsentEntry entry = d.append(draft);
        pending.consents.add(entry);
        return entry;
      }

      @Override
      public void stage(ConsentDraft draft) {
        fuse.step(tx + " consents.stage");
        d.stage(draft);
      }

      @Override
      public List<ConsentEntry> chainStaged(int max) {
        fuse.step(tx + " consents.chainStaged");
        List<ConsentEntry> chained = d.chainStaged(max);
        pending.consents.addAll(chained);
        return chained;
      }

      @Override
      public ConsentHead head() {
        fuse.step(tx + " consents.head");
        return d.head();
      }

      @Override
      public List<ConsentEntry> read(long fromSequence, int limit) {
        fuse.step(tx + " consents.read");
        return d.read(fromSequence, limit);
      }

      @Override
      public List<ConsentEntry> findByOrder(OrderId orderId) {
        fuse.step(tx + " consents.findByOrder");
        return d.findByOrder(orderId);
      }

      @Override
      public List<ConsentEntry> findBySubject(SubjectId subjectId) {
        fuse.step(tx + " consents.findBySubject");
        return d.findBySubject(subjectId);
      }

      @Override
      public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
        fuse.step(tx + " consents.subjectKey");
        return d.subjectKey(subjectId);
      }

      @Override
      public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
        fuse.step(tx + " consents.subjectKeyOrCreate");
        return d.subjectKeyOrCreate(subjectId, candidate);
      }

      @Override
      public boolean eraseSubjectKey(SubjectId subjectId) {
        fuse.step(tx + " consents.eraseSubjectKey");
        return d.eraseSubjectKey(subjectId);
      }
    }
  }
}

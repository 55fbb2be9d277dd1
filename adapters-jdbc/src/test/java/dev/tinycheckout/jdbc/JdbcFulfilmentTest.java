package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DispatchConfig;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The failure scenarios of fulfilment on real databases: real checkouts write the deliveries, real
 * dispatchers over a {@link JdbcStorage} run them while handlers throw, hang, die, the database
 * goes away, dispatchers compete (in one JVM and in two OS processes) and shut down.
 */
class JdbcFulfilmentTest {
  private static final Sku SKU = Sku.of("fulfilled-item");
  private static final String EMAIL = "ada@example.com";
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Small and fast: retries within tens of milliseconds, few attempts. */
  private static final DispatchConfig FAST =
      DispatchConfig.builder()
          .baseBackoff(Duration.ofMillis(10))
          .maxBackoff(Duration.ofMillis(50))
          .maxAttempts(3)
          .lease(Duration.ofSeconds(20))
          .batchSize(8)
          .minPollInterval(Duration.ofMillis(10))
          .maxPollInterval(Duration.ofMillis(100))
          .build();

  private final List<FulfilmentDispatcher> dispatchers = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws Exception {
    released.countDown();
    for (FulfilmentDispatcher d : dispatchers) {
      d.stop(Duration.ZERO);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  // ---- the scenarios --------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aThrowingHookIsRetriedThenDeadLetteredWithItsLastErrorAndReplayedOnceFixed(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    AtomicBoolean broken = new AtomicBoolean(true);
    Hook hook =
        new Hook(
            "warehouse",
            d -> {
              if (broken.get()) {
                throw new IllegalStateException("warehouse down on attempt " + d.attempt());
              }
            });
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher dispatcher = dispatcher(storage, hooks, FAST);
    Checkout checkout = checkout(storage, hooks, dispatcher);
    dispatcher.start();

    place(checkout, "poison");
    awaitTrue("a dead letter", () -> dispatcher.backlog().dead() == 1);

    List<DeadLetter> dead = dispatcher.deadLetters(10);
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0);
    assertThat(letter.hook()).isEqualTo("warehouse");
    assertThat(letter.attempts()).isEqualTo(FAST.maxAttempts());
    assertThat(letter.lastError())
        .isEqualTo("java.lang.IllegalStateException: warehouse down on attempt 3");
    assertThat(letter.event().type()).isEqualTo(OutboxEvent.ORDER_PLACED);
    assertThat(hook.runs())
        .as("every attempt ran with the same delivery id")
        .extracting(Run::deliveryId)
        .containsOnly(letter.deliveryId());
    assertThat(hook.runs()).extracting(Run::attempt).containsExactly(1, 2, 3);
    assertThat(hook.succeeded()).isEmpty();
    assertThat(dispatcher.backlog().pending()).isZero();

    broken.set(false);
    assertThat(dispatcher.replay(letter.deliveryId())).isTrue();
    awaitTrue("the replay to succeed", () -> hook.succeeded().size() == 1);
    awaitTrue("the replay to be recorded", () -> status(db, letter.deliveryId()).equals("done"));

    assertThat(hook.succeeded()).containsExactly(new Run(letter.deliveryId(), 1));
    assertThat(dispatcher.backlog().dead()).isZero();
    assertThat(dispatcher.deadLetters(10)).isEmpty();
    assertThat(dispatcher.replay(letter.deliveryId())).as("no longer a dead letter").isFalse();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aHandlerHangingPastItsTimeoutFailsThatAttemptAndIsDeliveredLater(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    CountDownLatch interrupted = new CountDownLatch(1);
    Hook hook =
        new Hook(
            "slow-mail",
            d -> {
              if (d.attempt() == 1) {
                try {
                  released.await(); // hangs until the timeout interrupts it
                } catch (InterruptedException e) {
                  interrupted.countDown();
                  throw e;
                }
              }
            });
    hook.timeout = Duration.ofMillis(300);
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher dispatcher =
        dispatcher(storage, hooks, FAST.toBuilder().lease(Duration.ofSeconds(5)).build());
    Checkout checkout = checkout(storage, hooks, dispatcher);
    dispatcher.start();

    place(checkout, "hangs");
    awaitTrue("the second attempt to succeed", () -> hook.succeeded().size() == 1);

    assertThat(interrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the hung run was interrupted")
        .isTrue();
    Run success = hook.succeeded().get(0);
    assertThat(success.attempt()).isEqualTo(2);
    assertThat(hook.runs()).extracting(Run::deliveryId).containsOnly(success.deliveryId());
    awaitTrue("done", () -> status(db, success.deliveryId()).equals("done"));
    assertThat(lastError(db, success.deliveryId()))
        .as("the timed-out attempt left its error")
        .isEqualTo("the handler timed out after PT0.3S");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aWorkerKilledMidHandlerIsRedeliveredWithTheSameDeliveryIdAndAHigherAttempt(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    CountDownLatch started = new CountDownLatch(1);
    Hook dying =
        new Hook(
            "shipping",
            d -> {
              started.countDown();
              released.await();
            });
    dying.timeout = Duration.ofMillis(500);
    // The worker's process dies: from the moment its handler runs, it never reaches the database
    // again, and nobody calls stop().
    AtomicBoolean dead = new AtomicBoolean();
    CheckoutStorage dyingStorage = cutOff(storage, dead);
    FulfilmentDispatcher first =
        dispatcher(
            dyingStorage,
            FulfilmentHooks.of(dying),
            FAST.toBuilder().lease(Duration.ofSeconds(1)).build());
    Checkout checkout = checkout(storage, FulfilmentHooks.of(dying), first);
    first.start();
    OrderId order = place(checkout, "killed");
    UUID orderEventId =
        storage.inTransaction(tx -> tx.outbox().findByAggregate(order.toString())).get(0).id();
    assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    dead.set(true);
    Run killed = dying.runs().get(0);
    assertThat(status(db, killed.deliveryId())).isEqualTo("claimed");

    Hook healthy = new Hook("shipping", d -> {});
    FulfilmentDispatcher second = dispatcher(storage, FulfilmentHooks.of(healthy), FAST);
    second.start();
    awaitTrue("redelivery after the lease", () -> healthy.succeeded().size() == 1);

    Run redelivered = healthy.succeeded().get(0);
    assertThat(redelivered.deliveryId()).isEqualTo(killed.deliveryId());
    assertThat(redelivered.attempt()).isGreaterThan(killed.attempt());
    assertThat(healthy.events()).containsExactly(orderEventId);
    awaitTrue("done", () -> status(db, killed.deliveryId()).equals("done"));
    assertThat(dying.runs()).as("the dead worker ran it once").hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void everyEventIsDeliveredWhenTheDatabaseGoesDownDuringDispatchAndComesBack(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    CountDownLatch gate = new CountDownLatch(1);
    Hook hook = new Hook("analytics", d -> gate.await());
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    Outage outage = new Outage(db.dataSource());
    FulfilmentDispatcher dispatcher =
        dispatcher(
            JdbcStorage.create(outage),
            hooks,
            FAST.toBuilder().batchSize(4).maxPollInterval(Duration.ofMillis(50)).build());
    Checkout checkout = checkout(storage, hooks, dispatcher);
    int orders = 12;
    for (int i = 0; i < orders; i++) {
      place(checkout, "outage-" + i);
    }
    dispatcher.start();
    awaitTrue("a batch in the handlers", () -> hook.runs().size() == 4);

    outage.down.set(true);
    gate.countDown(); // the handlers finish while their outcomes cannot be recorded
    awaitTrue("the running batch to finish", () -> hook.succeeded().size() == 4);
    int refusedBefore = outage.refused.get();
    awaitTrue("the dispatcher to hit the outage", () -> outage.refused.get() >= refusedBefore + 3);
    outage.down.set(false);

    awaitTrue("every event delivered", () -> dispatcher.backlog().pending() == 0);
    Map<UUID, String> rows = statuses(db);
    assertThat(rows).hasSize(orders);
    assertThat(rows.values()).containsOnly("done");
    assertThat(hook.succeeded()).extracting(Run::deliveryId).hasSameElementsAs(rows.keySet());
    assertThat(hook.succeeded())
        .as("the outcomes kept during the outage were recorded, not run again")
        .hasSize(orders);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void twoDispatchersOnTwoPoolsNeverRunADeliveryTwiceAtOnceAndDeliverEachExactlyOnce(
      TestDatabase db) throws Exception {
    JdbcStorage storage = shop(db);
    HikariDataSource otherPool = db.anotherPool();
    closeables.add(otherPool);
    Set<UUID> running = ConcurrentHashMap.newKeySet();
    Set<UUID> overlaps = ConcurrentHashMap.newKeySet();
    Map<UUID, Set<String>> by = new ConcurrentHashMap<>();
    List<Hook> hooks = new ArrayList<>();
    List<FulfilmentDispatcher> both = new ArrayList<>();
    // Each dispatcher's first run waits (at most 4 s) until the other has started one too, so
    // both compete for the backlog however slowly one of them starts on a loaded machine.
    CountDownLatch bothRunning = new CountDownLatch(2);
    Set<String> started = ConcurrentHashMap.newKeySet();
    for (String owner : List.of("one", "two")) {
      Hook hook =
          new Hook(
              "email",
              d -> {
                if (started.add(owner)) {
                  bothRunning.countDown();
                  bothRunning.await(4, TimeUnit.SECONDS); // within the hook timeout of 5 s
                }
                if (!running.add(d.deliveryId())) {
                  overlaps.add(d.deliveryId());
                }
                by.computeIfAbsent(d.deliveryId(), k -> ConcurrentHashMap.newKeySet()).add(owner);
                try {
                  Thread.sleep(2);
                } finally {
                  running.remove(d.deliveryId());
                }
              });
      hooks.add(hook);
      CheckoutStorage own = owner.equals("one") ? storage : JdbcStorage.create(otherPool);
      both.add(
          dispatcher(own, FulfilmentHooks.of(hook), FAST.toBuilder().batchSize(4).build(), owner));
    }
    Checkout checkout =
        checkout(
            storage,
            FulfilmentHooks.of(hooks.get(0)),
            () -> both.forEach(FulfilmentDispatcher::wakeUp));
    int orders = 60;
    for (int i = 0; i < orders; i++) {
      place(checkout, "pair-" + i);
    }
    // A backlog first, so that both compete for it on every database (SQLite serialises claims).
    both.forEach(FulfilmentDispatcher::start);
    for (int i = 0; i < 10; i++) {
      place(checkout, "pair-late-" + i);
    }
    orders += 10;
    awaitTrue("every event delivered", () -> both.get(0).backlog().pending() == 0);

    List<Run> all = new ArrayList<>(hooks.get(0).succeeded());
    all.addAll(hooks.get(1).succeeded());
    assertThat(overlaps).as("deliveries that ran twice at once").isEmpty();
    assertThat(hooks)
        .as("both dispatchers took a share")
        .allSatisfy(h -> assertThat(h.succeeded()).isNotEmpty());
    assertThat(all).as("runs").hasSize(orders);
    assertThat(all).extracting(Run::deliveryId).doesNotHaveDuplicates();
    assertThat(all).extracting(Run::attempt).containsOnly(1);
    assertThat(statuses(db).keySet()).hasSameElementsAs(by.keySet());
    assertThat(statuses(db).values()).containsOnly("done");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aShutdownWithWorkPendingLosesNothingAndANewDispatcherPicksItUp(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    Hook blocked = new Hook("shipping", d -> released.await());
    FulfilmentDispatcher first =
        dispatcher(storage, FulfilmentHooks.of(blocked), FAST.toBuilder().batchSize(4).build());
    Checkout checkout = checkout(storage, FulfilmentHooks.of(blocked), first);
    int orders = 10;
    for (int i = 0; i < orders; i++) {
      place(checkout, "shutdown-" + i);
    }
    first.start();
    awaitTrue("a batch in the handlers", () -> blocked.runs().size() == 4);

    assertThat(first.stop(Duration.ofMillis(200)))
        .as("handlers were still running at the end of the grace")
        .isFalse();

    Map<UUID, String> rows = statuses(db);
    assertThat(rows).hasSize(orders);
    assertThat(rows.values()).as("every claim handed back").containsOnly("pending");
    assertThat(attempts(db).values()).as("the unfinished attempts are not counted").containsOnly(0);

    Hook healthy = new Hook("shipping", d -> {});
    FulfilmentDispatcher second = dispatcher(storage, FulfilmentHooks.of(healthy), FAST);
    second.start();
    awaitTrue("every event delivered", () -> second.backlog().pending() == 0);
    assertThat(healthy.succeeded()).extracting(Run::deliveryId).hasSameElementsAs(rows.keySet());
    assertThat(healthy.succeeded()).extracting(Run::attempt).containsOnly(1);
    assertThat(blocked.runs())
        .extracting(Run::deliveryId)
        .isSubsetOf(rows.keySet())
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void anOrderedHookSeesEachOrdersEventsOneAtATimeAndInOrderUnderRetries(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    AtomicBoolean withdrawalsWritten = new AtomicBoolean();
    Map<String, Set<UUID>> runningPerOrder = new ConcurrentHashMap<>();
    List<String> violations = new CopyOnWriteArrayList<>();
    Map<String, List<String>> donePerOrder = new ConcurrentHashMap<>();
    Hook hook =
        new Hook(
            "refunds",
            d -> {
              String order = d.event().aggregateId();
              Set<UUID> now =
                  runningPerOrder.computeIfAbsent(order, k -> ConcurrentHashMap.newKeySet());
              if (!now.add(d.deliveryId()) || now.size() > 1) {
                violations.add("two deliveries of " + order + " at once");
              }
              try {
                List<String> done =
                    donePerOrder.computeIfAbsent(order, k -> new CopyOnWriteArrayList<>());
                if (d.event().type().equals(OutboxEvent.ORDER_PLACED)) {
                  if (!done.isEmpty()) {
                    violations.add(order + " placed after " + done);
                  }
                  if (d.attempt() <= 2 || !withdrawalsWritten.get()) {
                    throw new IllegalStateException("not yet, attempt " + d.attempt());
                  }
                } else if (!done.equals(List.of(OutboxEvent.ORDER_PLACED))) {
                  violations.add(order + " withdrawn after " + done);
                }
                done.add(d.event().type());
              } finally {
                now.remove(d.deliveryId());
              }
            });
    hook.ordered = true;
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher dispatcher =
        dispatcher(
            storage,
            hooks,
            FAST.toBuilder().maxAttempts(50).maxBackoff(Duration.ofMillis(30)).build());
    Checkout checkout = checkout(storage, hooks, dispatcher);
    dispatcher.start();
    int orders = 6;
    List<OrderId> ids = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      ids.add(place(checkout, "ordered-" + i));
    }
    for (int i = 0; i < orders; i++) {
      checkout.withdraw(
          IdempotencyKey.of("withdraw-" + i), WithdrawalRequest.of(ids.get(i), Email.of(EMAIL)));
    }
    withdrawalsWritten.set(true);
    dispatcher.wakeUp();

    awaitTrue("every event delivered", () -> hook.succeeded().size() == 2 * orders);
    awaitTrue("recorded", () -> dispatcher.backlog().pending() == 0);
    assertThat(violations).isEmpty();
    for (OrderId id : ids) {
      assertThat(donePerOrder.get(id.toString()))
          .as("order %s", id)
          .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    }
    assertThat(dispatcher.backlog().dead()).isZero();
    assertThat(hook.runs())
        .as("two failed attempts of each placed event")
        .hasSizeGreaterThanOrEqualTo(4 * orders);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL", "MARIADB"})
  void twoOsProcessesShareTheBacklogAndHandleEachDeliveryExactlyOnce(TestDatabase db)
      throws Exception {
    JdbcStorage storage = shop(db);
    FulfilmentHooks hooks = FulfilmentHooks.of(new Hook(DispatcherProcess.HOOK, d -> {}));
    Checkout checkout = checkout(storage, hooks, () -> {});
    int orders = 200;
    for (int i = 0; i < orders; i++) {
      place(checkout, "process-" + i);
    }
    Path dir = Files.createTempDirectory("tinycheckout-processes");
    Path go = dir.resolve("go");
    List<Process> processes = new ArrayList<>();
    List<Path> outputs = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Path out = dir.resolve("handled-" + i + ".txt");
        outputs.add(out);
        Process p =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    DispatcherProcess.class.getName(),
                    db.jdbcUrl(),
                    out.toString(),
                    go.toString(),
                    "40")
                .redirectError(dir.resolve("stderr-" + i + ".txt").toFile())
                .start();
        processes.add(p);
      }
      for (Process p : processes) {
        BufferedReader stdout =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(stdout.readLine())
            .as("the process connected")
            .isEqualTo(DispatcherProcess.READY);
      }
      Files.createFile(go);
      for (Process p : processes) {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the process ended").isTrue();
        assertThat(p.exitValue()).as("exit status").isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    Map<UUID, String> rows = statuses(db);
    assertThat(rows).hasSize(orders);
    assertThat(rows.values()).containsOnly("done");
    List<String> handled = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (Path out : outputs) {
      List<String> lines = Files.readAllLines(out);
      assertThat(lines).as("both processes took a share").isNotEmpty();
      for (String line : lines) {
        handled.add(line);
        seen.add(UUID.fromString(line.split(" ")[0]));
      }
    }
    assertThat(handled).as("each delivery handled once, on its first attempt").hasSize(orders);
    assertThat(handled).allMatch(line -> line.endsWith(" 1"));
    assertThat(seen).hasSameElementsAs(rows.keySet());
  }

  // ---- the shop -------------------------------------------------------------------------------

  private static JdbcStorage shop(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    storage.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 100_000, Instant.now()));
    return storage;
  }

  private static CheckoutRequest request() {
    return CheckoutRequest.builder()
        .item(SKU.value(), 1)
        .email(EMAIL)
        .acceptedTerms("v1")
        .paymentToken("tok_ok")
        .build();
  }

  private static Checkout checkout(
      CheckoutStorage storage, FulfilmentHooks hooks, FulfilmentDispatcher dispatcher) {
    return checkout(storage, hooks, dispatcher::wakeUp);
  }

  private static Checkout checkout(
      CheckoutStorage storage, FulfilmentHooks hooks, Runnable afterCommit) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .termsVersion("v1")
        .hooks(hooks)
        .afterEventsCommitted(afterCommit)
        .build();
  }

  /** Places one paid order and returns its id. */
  private static OrderId place(Checkout checkout, String key) {
    CheckoutResult result = checkout.placeOrder(IdempotencyKey.of(key), request());
    assertThat(result.isPlaced()).as("order %s placed", key).isTrue();
    return result.orderId().orElseThrow();
  }

  private FulfilmentDispatcher dispatcher(
      CheckoutStorage storage, FulfilmentHooks hooks, DispatchConfig config) {
    return dispatcher(storage, hooks, config, "d-" + UUID.randomUUID());
  }

  private FulfilmentDispatcher dispatcher(
      CheckoutStorage storage, FulfilmentHooks hooks, DispatchConfig config, String owner) {
    FulfilmentDispatcher d =
        FulfilmentDispatcher.builder()
            .storage(storage)
            .hooks(hooks)
            .config(config)
            .owner(owner + "-" + UUID.randomUUID())
            .build();
    dispatchers.add(d);
    return d;
  }

  // ---- hooks and faults -----------------------------------------------------------------------

  /** One run of a handler: which delivery, which attempt. */
  private record Run(UUID deliveryId, int attempt) {}

  /** What a test hook does with a delivery. */
  @FunctionalInterface
  private interface Handler {
    void handle(Delivery delivery) throws Exception;
  }

  /** A hook that records every run, and every run that returned normally. */
  private static final class Hook implements FulfilmentHook {
    private final String name;
    private final Handler handler;
    private final List<Run> runs = new CopyOnWriteArrayList<>();
    private final List<Run> succeeded = new CopyOnWriteArrayList<>();
    private final List<UUID> events = new CopyOnWriteArrayList<>();
    volatile Duration timeout = Duration.ofSeconds(5);
    volatile boolean ordered;

    Hook(String name, Handler handler) {
      this.name = name;
      this.handler = handler;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean ordered() {
      return ordered;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public void handle(Delivery delivery) throws Exception {
      Run run = new Run(delivery.deliveryId(), delivery.attempt());
      runs.add(run);
      handler.handle(delivery);
      succeeded.add(run);
      events.add(delivery.event().id());
    }

    List<Run> runs() {
      return runs;
    }

    List<Run> succeeded() {
      return succeeded;
    }

    List<UUID> events() {
      return events;
    }
  }

  /** A storage that fails every unit of work once {@code dead} is set, as for a killed process. */
  private static CheckoutStorage cutOff(CheckoutStorage storage, AtomicBoolean dead) {
    return new CheckoutStorage() {
      @Override
      public <T> T inTransaction(UnitOfWork<T> work) {
        if (dead.get()) {
          throw new StorageException("this process is dead", true, null);
        }
        return storage.inTransaction(work);
      }
    };
  }

  /** A data source that refuses connections while {@code down}, as a stopped server does. */
  private static final class Outage implements DataSource {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();
    private final DataSource delegate;

    Outage(DataSource delegate) {
      this.delegate = delegate;
    }

    private void check() throws SQLException {
      if (down.get()) {
        refused.incrementAndGet();
        throw new SQLException("Connection refused: the database is down", "08001");
      }
    }

    @Override
    public Connection getConnection() throws SQLException {
      check();
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      check();
      return delegate.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return delegate.isWrapperFor(iface);
    }
  }

  // ---- looking at the rows --------------------------------------------------------------------

  /** The status of every delivery row, by delivery id. */
  private static Map<UUID, String> statuses(TestDatabase db) {
    return column(db, "status");
  }

  private static Map<UUID, Integer> attempts(TestDatabase db) {
    Map<UUID, Integer> out = new HashMap<>();
    column(db, "attempt").forEach((k, v) -> out.put(k, Integer.parseInt(v)));
    return out;
  }

  private static String status(TestDatabase db, UUID deliveryId) {
    return String.valueOf(statuses(db).get(deliveryId));
  }

  private static String lastError(TestDatabase db, UUID deliveryId) {
    return String.valueOf(column(db, "last_error").get(deliveryId));
  }

  private static Map<UUID, String> column(TestDatabase db, String column) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT delivery_id, " + column + " FROM tc_delivery");
        ResultSet rs = ps.executeQuery()) {
      Map<UUID, String> out = new HashMap<>();
      while (rs.next()) {
        out.put(UUID.fromString(rs.getString(1)), rs.getString(2));
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return Collections.unmodifiableMap(out);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a condition, failing after {@link #WAIT}. */
  private static void awaitTrue(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + WAIT + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}

package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.DispatchConfig;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL LISTEN/NOTIFY between shop instances: a {@link JdbcStorage} with {@code notifyOutbox}
 * notifies when a commit made deliveries due, and a {@link PostgresOutboxListener} on another
 * instance wakes its dispatcher, long before that dispatcher's next poll. On the embedded
 * PostgreSQL, and on the machine's own when {@code TINYCHECKOUT_TEST_POSTGRES_URL} is set.
 */
class PostgresOutboxListenerTest {
  private static final Sku SKU = Sku.of("notified-item");

  /** Far longer than any wait here: a dispatcher on this config finds work only when woken. */
  private static final DispatchConfig SLOW_POLLING =
      DispatchConfig.builder()
          .lease(Duration.ofMinutes(2))
          .minPollInterval(Duration.ofSeconds(60))
          .maxPollInterval(Duration.ofSeconds(60))
          .build();

  /** How soon a woken dispatcher must have run the hook: generous, yet far below a poll. */
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String channel = "tc_test_" + UUID.randomUUID().toString().replace("-", "");
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  // ---- end to end -----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aCommitOnOneInstanceWakesTheDispatcherOfAnotherLongBeforeItsNextPoll(TestDatabase db)
      throws Exception {
    JdbcStorage quiet = shop(db);
    JdbcStorage notifying =
        JdbcStorage.builder(db.dataSource()).notifyOutbox(true).notifyChannel(channel).build();
    Hook hook = new Hook("warehouse");
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);

    // Instance B: its own pool, a dispatcher that polls once a minute, and the listener.
    HikariDataSource poolB = db.anotherPool();
    closeables.add(poolB);
    JdbcStorage storageB = JdbcStorage.create(poolB);
    AtomicInteger unitsOfWorkB = new AtomicInteger();
    CheckoutStorage countingB =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            try {
              return storageB.inTransaction(work);
            } finally {
              unitsOfWorkB.incrementAndGet();
            }
          }
        };
    FulfilmentDispatcher dispatcherB =
        FulfilmentDispatcher.builder().storage(countingB).hooks(hooks).config(SLOW_POLLING).build();
    closeables.add(() -> dispatcherB.stop(Duration.ZERO));
    AtomicInteger wakes = new AtomicInteger();
    PostgresOutboxListener listener =
        PostgresOutboxListener.builder(db.jdbcUrl())
            .channel(channel)
            .onNotification(
                () -> {
                  wakes.incrementAndGet();
                  dispatcherB.wakeUp();
                })
            .build();
    closeables.add(listener);
    dispatcherB.start();
    listener.start();
    // B's first poll (a prune and a claim) and the poll after the listener's first wake-up (a
    // claim) are over: B waits for its next poll now, a minute away.
    awaitTrue(
        "the listener to listen and B to poll twice",
        () -> listener.isListening() && wakes.get() == 1 && unitsOfWorkB.get() >= 3);

    // Instance A without notifications: B does not learn of the order before its next poll.
    place(checkout(quiet, hooks), "quiet");
    Thread.sleep(3000);
    assertThat(hook.runs()).as("no run before B's next poll").isEmpty();
    assertThat(wakes.get()).as("nobody notified").isEqualTo(1);

    // Instance A with notifications: B is woken and runs both orders' deliveries at once.
    long committed = System.nanoTime();
    place(checkout(notifying, hooks), "notifying");
    awaitTrue("B to run both deliveries", () -> hook.runs().size() == 2, PROMPTLY);
    Duration latency = Duration.ofNanos(System.nanoTime() - committed);
    assertThat(wakes.get()).as("woken by the notification").isGreaterThan(1);
    assertThat(hook.runs()).doesNotHaveDuplicates();
    System.out.println(
        "order placed on A to both deliveries run on B: " + latency.toMillis() + " ms");
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void twoInstancesWiredAsTheGuideShowsRunEachDeliveryOnce(TestDatabase db) throws Exception {
    shop(db);
    Hook onA = new Hook("warehouse");
    Hook onB = new Hook("warehouse");
    HikariDataSource poolB = db.anotherPool();
    closeables.add(poolB);
    Instance a = instance(db.dataSource(), db.jdbcUrl(), FulfilmentHooks.of(onA));
    Instance b = instance(poolB, db.jdbcUrl(), FulfilmentHooks.of(onB));
    awaitTrue("both to listen", () -> a.listener().isListening() && b.listener().isListening());

    place(a.checkout(), "on-a");
    place(b.checkout(), "on-b");
    awaitTrue("both deliveries", () -> onA.runs().size() + onB.runs().size() == 2);
    Thread.sleep(200);
    assertThat(onA.runs().size() + onB.runs().size()).as("each ran once").isEqualTo(2);
  }

  @Test
  void theGuideShowsTheTestedWiring() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("docs/fulfilment.md")) && root.getParent() != null) {
      root = root.getParent();
    }
    String page = Files.readString(root.resolve("docs/fulfilment.md"));
    int section = page.indexOf("### Waking other instances: PostgreSQL LISTEN/NOTIFY");
    assertThat(section).as("the guide's section").isNotNegative();
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
    assertThat(block.find(section)).as("a java block in the section").isTrue();

    String code =
        Files.readString(
            root.resolve(
                "adapters-jdbc/src/test/java/dev/tinycheckout/jdbc/PostgresOutboxListenerTest.java"));
    String begin = "// tag::" + "listen-notify[]\n";
    String end = "// end::" + "listen-notify[]";
    String tagged = code.substring(code.indexOf(begin) + begin.length(), code.indexOf(end));
    assertThat(normalize(block.group(1))).isEqualTo(normalize(tagged));
  }

  /** One shop instance as the guide wires it. */
  private record Instance(Checkout checkout, PostgresOutboxListener listener) {}

  private Instance instance(DataSource pool, String listenerUrl, FulfilmentHooks hooks) {
    PaymentGateway gateway = new TestPaymentGateway();
    // tag::listen-notify[]
    JdbcStorage storage = JdbcStorage.builder(pool).notifyOutbox(true).build();
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder().storage(storage).hooks(hooks).build();
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .termsVersion("v1")
            .hooks(hooks)
            .afterEventsCommitted(dispatcher::wakeUp) // this instance's commits
            .build();
    PostgresOutboxListener listener =
        PostgresOutboxListener.builder(listenerUrl) // a connection of its own, not the pool's
            .onNotification(dispatcher::wakeUp) // the other instances' commits
            .build();
    dispatcher.start();
    listener.start();
    // end::listen-notify[]
    closeables.add(() -> dispatcher.stop(Duration.ZERO));
    closeables.add(listener);
    return new Instance(checkout, listener);
  }

  /** Drops blank lines at both ends, trailing spaces, and the indentation all lines share. */
  private static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).toList();
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    List<String> kept = lines.subList(from, to);
    int indent =
        kept.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return kept.stream()
        .map(l -> l.isBlank() ? "" : l.substring(Math.min(indent, l.length())))
        .collect(Collectors.joining("\n"));
  }

  // ---- the notify side ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aStorageNotifiesOnceAtCommitAndOnlyWhenTheTransactionMadeDeliveriesDue(TestDatabase db)
      throws Exception {
    JdbcStorage quiet = shop(db);
    JdbcStorage notifying =
        JdbcStorage.builder(db.dataSource()).notifyOutbox(true).notifyChannel(channel).build();
    Notifications heard = new Notifications(db);

    assertThat(heard.during(() -> enqueue(quiet, 1))).as("notifyOutbox off: nothing").isZero();
    assertThat(
            heard.during(
                () ->
                    notifying.inTransaction(
                        tx ->
                            tx.products()
                                .upsert(SKU, "Item", Money.of(1, "USD"), 5, Instant.now()))))
        .as("a transaction without deliveries")
        .isZero();
    assertThat(
            heard.during(
                () ->
                    assertThatThrownBy(
                            () ->
                                notifying.inTransaction(
                                    tx -> {
                                      enqueue(tx, 2);
                                      throw new IllegalStateException("rolled back");
                                    }))
                        .hasMessage("rolled back")))
        .as("a rolled-back transaction")
        .isZero();
    assertThat(heard.during(() -> enqueue(notifying, 3)))
        .as("three deliveries, one notification")
        .isEqualTo(1);
    assertThat(heard.payloads()).containsOnly("");

    List<DeliveryClaim> claims = new ArrayList<>();
    assertThat(
            heard.during(
                () ->
                    claims.addAll(
                        notifying.inTransaction(
                            tx ->
                                tx.deliveries()
                                    .claim("owner-a", Instant.now(), Duration.ofMinutes(1), 10)))))
        .as("a claim")
        .isZero();
    assertThat(claims).hasSize(4);
    assertThat(
            heard.during(
                () ->
                    notifying.inTransaction(
                        tx -> tx.deliveries().deadLetter(claims.get(0), Instant.now(), "boom"))))
        .as("a delivery given up")
        .isZero();
    assertThat(
            heard.during(
                () ->
                    notifying.inTransaction(
                        tx -> tx.deliveries().release("owner-a", Instant.now()))))
        .as("claims handed back on shutdown")
        .isEqualTo(1);
    assertThat(
            heard.during(
                () ->
                    notifying.inTransaction(
                        tx -> tx.deliveries().release("owner-a", Instant.now()))))
        .as("nothing to hand back")
        .isZero();
    assertThat(
            heard.during(
                () ->
                    notifying.inTransaction(
                        tx -> tx.deliveries().replay(claims.get(0).deliveryId(), Instant.now()))))
        .as("a dead letter replayed")
        .isEqualTo(1);
  }

  @Test
  void notifyOutboxIsRefusedOnEveryOtherDatabase() {
    JdbcStorage detected =
        JdbcStorage.builder(TestDatabase.H2.dataSource()).notifyOutbox(true).build();
    assertThatThrownBy(() -> detected.inTransaction(tx -> tx.products().findAll()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("notifyOutbox(true) needs PostgreSQL's LISTEN/NOTIFY")
        .hasMessageContaining("the database is H2")
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isFalse());
    assertThatThrownBy(
            () ->
                JdbcStorage.builder(TestDatabase.H2.dataSource())
                    .dialect(JdbcDialect.SQLITE)
                    .notifyOutbox(true)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the database is SQLITE");

    JdbcStorage off = JdbcStorage.builder(TestDatabase.H2.dataSource()).notifyOutbox(false).build();
    assertThat(off.dialect()).isEqualTo(JdbcDialect.H2);
    Optional<Product> written =
        off.inTransaction(
            tx -> {
              tx.products().upsert(SKU, "Item", Money.of(1, "USD"), 5, Instant.now());
              return tx.products().find(SKU);
            });
    assertThat(written).isPresent();
  }

  @Test
  void channelNamesAreUnquotedLowerCaseIdentifiers() {
    assertThatThrownBy(
            () -> JdbcStorage.builder(TestDatabase.H2.dataSource()).notifyChannel("Shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was 'Shop'");
    assertThatThrownBy(() -> PostgresOutboxListener.builder("jdbc:x:y").channel("a;LISTEN b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was 'a;LISTEN b'");
    assertThatThrownBy(() -> PostgresOutboxListener.builder("jdbc:x:y").channel("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresOutboxListener.builder("postgres://db/shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was 'postgres://db/shop'");
    assertThatThrownBy(
            () ->
                PostgresOutboxListener.builder("jdbc:x:y")
                    .reconnectDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be at least min (PT2S), but was PT1S");
    assertThatThrownBy(() -> PostgresOutboxListener.builder("jdbc:x:y").build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("onNotification");
  }

  // ---- the listen side ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void theListenerReconnectsAfterItsBackendIsKilledAndWakesOnceListeningAgain(TestDatabase db)
      throws Exception {
    JdbcStorage notifying = notifyingShop(db);
    Connections connections = new Connections(db.jdbcUrl());
    AtomicInteger wakes = new AtomicInteger();
    PostgresOutboxListener listener =
        started(
            PostgresOutboxListener.builder(connections)
                .channel(channel)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200))
                .checkInterval(Duration.ofMillis(50)) // checks that pass do not reconnect
                .onNotification(wakes::incrementAndGet));
    awaitTrue("the first LISTEN", () -> wakes.get() == 1);
    Thread.sleep(300);
    assertThat(listener.isListening()).isTrue();
    assertThat(connections.pids).as("still the first connection").hasSize(1);

    terminate(db, connections.pids.get(0));
    awaitTrue("a new connection", () -> connections.pids.size() == 2);
    awaitTrue("the wake-up after reconnecting", () -> wakes.get() == 2);
    assertThat(listener.isListening()).isTrue();

    enqueue(notifying, 1);
    awaitTrue("the notification on the new connection", () -> wakes.get() == 3);
    assertThat(connections.pids).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aListenerStartedWhileTheDatabaseIsDownKeepsTryingAndListensOnceItIsBack(TestDatabase db)
      throws Exception {
    Connections connections = new Connections(db.jdbcUrl());
    connections.down.set(true);
    AtomicInteger wakes = new AtomicInteger();
    PostgresOutboxListener listener =
        started(
            PostgresOutboxListener.builder(connections)
                .channel(channel)
                .reconnectDelay(Duration.ofMillis(20), Duration.ofMillis(100))
                .onNotification(wakes::incrementAndGet));
    awaitTrue("several refused attempts", () -> connections.refused.get() >= 4);
    assertThat(listener.isListening()).isFalse();
    assertThat(wakes.get()).isZero();

    connections.down.set(false);
    awaitTrue("listening", () -> wakes.get() == 1);
    assertThat(listener.isListening()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void aThrowingRunnableIsLoggedAndTheListenerListensOn(TestDatabase db) throws Exception {
    JdbcStorage notifying = notifyingShop(db);
    AtomicInteger calls = new AtomicInteger();
    started(
        PostgresOutboxListener.builder(db.jdbcUrl())
            .channel(channel)
            .onNotification(
                () -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("the dispatcher is broken");
                }));
    awaitTrue("the first call", () -> calls.get() == 1);

    enqueue(notifying, 1);
    awaitTrue("the next call", () -> calls.get() == 2);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL"})
  void closeStopsTheThreadAndClosesTheConnection(TestDatabase db) throws Exception {
    Connections connections = new Connections(db.jdbcUrl());
    List<Thread> threads = new CopyOnWriteArrayList<>();
    AtomicInteger wakes = new AtomicInteger();
    PostgresOutboxListener listener =
        started(
            PostgresOutboxListener.builder(connections)
                .channel(channel)
                .threadFactory(
                    r -> {
                      Thread t = new Thread(r, "listener-under-test");
                      t.setDaemon(true);
                      threads.add(t);
                      return t;
                    })
                .onNotification(wakes::incrementAndGet));
    awaitTrue("listening", () -> wakes.get() == 1);
    int pid = connections.pids.get(0);
    assertThat(backendAlive(db, pid)).isTrue();

    long before = System.nanoTime();
    listener.close();
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    assertThat(threads).hasSize(1);
    assertThat(threads.get(0).isAlive()).as("the thread ended within close()").isFalse();
    assertThat(listener.isListening()).isFalse();
    awaitTrue("the backend to go", () -> !backendAlive(db, pid));
    listener.close(); // idempotent
    assertThatThrownBy(listener::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a listener starts once, but this one is closed");
    System.out.println("close() took " + took.toMillis() + " ms");
  }

  @Test
  void aListenerOnAConnectionThatIsNotPostgresLogsAnErrorAndStops() throws Exception {
    List<Thread> threads = new CopyOnWriteArrayList<>();
    AtomicInteger wakes = new AtomicInteger();
    PostgresOutboxListener listener =
        started(
            PostgresOutboxListener.builder(TestDatabase.H2.dataSource())
                .threadFactory(
                    r -> {
                      Thread t = new Thread(r, "listener-on-h2");
                      threads.add(t);
                      return t;
                    })
                .onNotification(wakes::incrementAndGet));

    awaitTrue("the thread to end", () -> !threads.get(0).isAlive());
    assertThat(wakes.get()).isZero();
    assertThat(listener.isListening()).isFalse();
  }

  // ---- the shop -------------------------------------------------------------------------------

  private static JdbcStorage shop(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    storage.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 100_000, Instant.now()));
    return storage;
  }

  private JdbcStorage notifyingShop(TestDatabase db) {
    shop(db);
    return JdbcStorage.builder(db.dataSource()).notifyOutbox(true).notifyChannel(channel).build();
  }

  private PostgresOutboxListener started(PostgresOutboxListener.Builder builder) {
    PostgresOutboxListener listener = builder.build();
    closeables.add(listener);
    listener.start();
    return listener;
  }

  private static Checkout checkout(JdbcStorage storage, FulfilmentHooks hooks) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .termsVersion("v1")
        .hooks(hooks)
        .build();
  }

  private static void place(Checkout checkout, String key) {
    CheckoutResult result =
        checkout.placeOrder(
            IdempotencyKey.of(key),
            CheckoutRequest.builder()
                .item(SKU.value(), 1)
                .email("ada@example.com")
                .acceptedTerms("v1")
                .paymentToken("tok_ok")
                .build());
    assertThat(result.isPlaced()).as("order %s placed", key).isTrue();
  }

  /** Enqueues one event with {@code deliveries} deliveries in a unit of work of its own. */
  private static void enqueue(JdbcStorage storage, int deliveries) {
    storage.inTransaction(
        tx -> {
          enqueue(tx, deliveries);
          return null;
        });
  }

  private static void enqueue(StorageTransaction tx, int deliveries) {
    Instant now = Instant.now();
    OutboxEvent event =
        new OutboxEvent(UUID.randomUUID(), OutboxEvent.ORDER_PLACED, "order-1", "{}", now);
    tx.outbox().enqueue(event);
    for (int i = 0; i < deliveries; i++) {
      tx.deliveries()
          .enqueue(
              new PendingDelivery(
                  UUID.randomUUID(), event.id(), "hook-" + i, Optional.empty(), now));
    }
  }

  /** A hook that records the delivery ids it ran. */
  private static final class Hook implements FulfilmentHook {
    private final String name;
    private final List<UUID> runs = new CopyOnWriteArrayList<>();

    Hook(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void handle(Delivery delivery) {
      runs.add(delivery.deliveryId());
    }

    List<UUID> runs() {
      return runs;
    }
  }

  // ---- the database's side --------------------------------------------------------------------

  /**
   * A LISTEN of the test's own on the channel, counting what each step sent. A step is followed by
   * a marker notification from another session: PostgreSQL delivers notifications in commit order,
   * so once the marker is in, everything the step sent is in too.
   */
  private final class Notifications {
    private final Connection listening;
    private final Connection marking;
    private final List<String> payloads = new ArrayList<>();

    Notifications(TestDatabase db) throws SQLException {
      listening = DriverManager.getConnection(db.jdbcUrl());
      closeables.add(listening);
      marking = DriverManager.getConnection(db.jdbcUrl());
      closeables.add(marking);
      try (Statement s = listening.createStatement()) {
        s.execute("LISTEN " + channel);
      }
    }

    /** Runs the step and returns how many notifications it sent on the channel. */
    int during(Runnable step) throws SQLException {
      payloads.clear();
      step.run();
      String marker = "marker-" + UUID.randomUUID();
      try (PreparedStatement ps = marking.prepareStatement("SELECT pg_notify(?, ?)")) {
        ps.setString(1, channel);
        ps.setString(2, marker);
        ps.execute();
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        PGNotification[] batch = listening.unwrap(PGConnection.class).getNotifications(100);
        for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
          assertThat(n.getName()).isEqualTo(channel);
          if (n.getParameter().equals(marker)) {
            return payloads.size();
          }
          payloads.add(n.getParameter());
        }
        if (System.nanoTime() > deadline) {
          fail("the marker notification did not arrive within " + WAIT);
        }
      }
    }

    /** The payloads of the last step's notifications. */
    List<String> payloads() {
      return payloads;
    }
  }

  private static void terminate(TestDatabase db, int pid) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("backend %s terminated", pid).isTrue();
      }
    }
  }

  private static boolean backendAlive(TestDatabase db, int pid) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The listener's connections, opened with {@link DriverManager}: records each one's backend pid,
   * and refuses to connect while {@code down}, as a stopped server does.
   */
  private static final class Connections implements DataSource {
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();
    final List<Integer> pids = new CopyOnWriteArrayList<>();
    private final String url;

    Connections(String url) {
      this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down.get()) {
        refused.incrementAndGet();
        throw new SQLException("Connection refused: the database is down", "08001");
      }
      Connection c = DriverManager.getConnection(url);
      pids.add(c.unwrap(PGConnection.class).getBackendPID());
      return c;
    }

    @Override
    public Connection getConnection(String username, String password) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  // ---- waiting --------------------------------------------------------------------------------

  private static void awaitTrue(String what, BooleanSupplier condition)
      throws InterruptedException {
    awaitTrue(what, condition, WAIT);
  }

  private static void awaitTrue(String what, BooleanSupplier condition, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + within + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}

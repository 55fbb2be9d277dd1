package dev.tinycheckout.benchmarks.consent;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.benchmarks.BenchDatabase;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What the consent audit trail costs on PostgreSQL. Prints a Markdown report on standard output,
 * progress on standard error.
 *
 * <ul>
 *   <li><b>Appends</b>: {@code threads} writer threads each run {@link ConsentAudit#record} in a
 *       transaction of its own through {@link JdbcStorage}, then {@link ConsentAudit#chainSoon()},
 *       as a checkout does, as fast as they can, for {@code appendSeconds} (after {@code
 *       warmupSeconds} untimed); the background passes chain meanwhile. Then {@link
 *       ConsentAudit#chainPending()} chains the rest and {@link ConsentAudit#verify()} walks the
 *       whole trail, twice, and must find it valid.
 *   <li><b>Checkouts with and without the trail</b>: {@code threads} threads place orders through
 *       {@link Checkout#placeOrder} on one {@link JdbcStorage}, in timed windows of {@code
 *       seconds}. "With" is the storage as it is; "without" is the same storage wrapped in {@link
 *       WithoutConsentStorage}, whose consent log neither reads nor writes the database. The two
 *       alternate, {@code rounds} times (with first in odd rounds, without first in even ones); the
 *       ratio with ÷ without is taken per round and the median reported. The goal: the trail costs
 *       under 10% of checkout throughput, that is a median ratio of at least 0.90.
 *   <li><b>In-memory cost</b>: one thread runs {@link ConsentAudit#append} {@code cpuAppends} times
 *       on a log that chains in memory (subject id HMAC, sealing, entry hash), after as many
 *       untimed: the CPU time an append costs in the JVM. The checkout without the trail still pays
 *       the HMAC and the sealing, which {@link ConsentAudit} does before it calls the log.
 * </ul>
 *
 * <p>Every customer is new unless {@code customers} is set (each append and checkout then uses one
 * of that many addresses in turn), so by default every append also inserts a subject key. Orders
 * buy one unit of one of {@code products} products in turn: with a single product, every checkout
 * also locks that product's row until its first commit, a second queue as narrow as the consent
 * head, which would hide the head's cost. One PostgreSQL server (zonky's embedded binaries, {@code
 * fsync} and {@code synchronous_commit} on, as in production), a fresh database per phase, a
 * HikariCP pool of {@code threads} connections. Arguments: {@code --threads=16 --append-seconds=20
 * --rounds=5 --seconds=8 --warmup=4 --customers=0 --products=64 --cpu-appends=20000}.
 */
public final class ConsentTrailBenchmark {
  static final String TERMS = "2026-11-01";
  static final String TERMS_TEXT = "Terms of sale of the benchmark shop, version 2026-11-01.";
  static final ConsentHash TERMS_HASH =
      ConsentHash.sha256(TERMS_TEXT.getBytes(StandardCharsets.UTF_8));
  static final String SCOPE = "bench";
  static final byte[] SUBJECT_SECRET =
      "tinycheckout-benchmark-subject-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
  private static final long STOCK = 1_000_000_000_000L;

  /**
   * What to run.
   *
   * @param threads writer threads, checkout threads and pool connections
   * @param appendSeconds length of the timed append window
   * @param rounds checkout rounds, each one window with and one without the trail
   * @param seconds length of each checkout window
   * @param warmupSeconds untimed window before the appends and before each checkout variant
   * @param customers distinct customer addresses to cycle through; 0 for a new one every time
   * @param products products the orders buy in turn, one unit each
   * @param cpuAppends timed in-memory appends (as many again untimed before)
   */
  record Settings(
      int threads,
      int appendSeconds,
      int rounds,
      int seconds,
      int warmupSeconds,
      int customers,
      int products,
      int cpuAppends) {
    static Settings parse(String[] args) {
      int threads = 16;
      int appendSeconds = 20;
      int rounds = 5;
      int seconds = 8;
      int warmup = 4;
      int customers = 0;
      int products = 64;
      int cpuAppends = 20_000;
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("expected --name=value, but was " + arg);
        }
        int value = Integer.parseInt(kv[1]);
        switch (kv[0]) {
          case "threads" -> threads = value;
          case "append-seconds" -> appendSeconds = value;
          case "rounds" -> rounds = value;
          case "seconds" -> seconds = value;
          case "warmup" -> warmup = value;
          case "customers" -> customers = value;
          case "products" -> products = value;
          case "cpu-appends" -> cpuAppends = value;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (products < 1) {
        throw new IllegalArgumentException("--products must be at least 1");
      }
      return new Settings(
          threads, appendSeconds, rounds, seconds, warmup, customers, products, cpuAppends);
    }
  }

  /**
   * One timed window.
   *
   * @param what what ran
   * @param round the round, 0 for a warm-up
   * @param completed operations completed
   * @param took from the start until the last operation ended
   * @param waits the database's backends, sampled while the window ran
   */
  record Window(String what, int round, long completed, Duration took, Waits waits) {
    double perSecond() {
      return completed / (took.toNanos() / 1e9);
    }
  }

  /**
   * Means over samples of {@code pg_stat_activity} for the benchmark's database, taken every
   * {@value WaitSampler#PERIOD_MILLIS} ms on a connection of its own.
   *
   * @param samples how many samples were taken
   * @param active backends running a statement (the rest are idle, or idle in transaction)
   * @param lock backends waiting for a heavyweight lock (such as the consent head's row)
   * @param wal backends waiting for the WAL to be written or flushed ({@code WALWrite}, {@code
   *     WALSync})
   */
  record Waits(long samples, double active, double lock, double wal) {
    static final Waits NONE = new Waits(0, 0, 0, 0);
  }

  /**
   * The append phase.
   *
   * @param window the timed appends
   * @param attempted every append made, warm-up included
   * @param stored entries in the trail afterwards
   * @param verification the result of the second verify
   * @param firstVerify the first walk (cold)
   * @param secondVerify the second walk
   */
  record Appends(
      Window window,
      long attempted,
      long stored,
      ConsentVerification verification,
      Duration firstVerify,
      Duration secondVerify) {
    double verifyMillisPer10k(Duration took) {
      return took.toNanos() / 1e6 * 10_000 / Math.max(1, verification.entries());
    }
  }

  /**
   * The checkout phase.
   *
   * @param with the windows with the trail, by round
   * @param without the windows without, by round
   * @param placedWith every order placed with the trail, warm-up included
   * @param placedWithout every order placed without, warm-up included
   * @param paidOrders paid orders in the database afterwards
   * @param entries consent entries in the database afterwards
   * @param verification the trail's verification afterwards
   */
  record Checkouts(
      List<Window> with,
      List<Window> without,
      long placedWith,
      long placedWithout,
      long paidOrders,
      long entries,
      ConsentVerification verification) {
    double medianRatio() {
      double[] ratios = new double[Math.min(with.size(), without.size())];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = with.get(i).perSecond() / without.get(i).perSecond();
      }
      if (ratios.length == 0) {
        return Double.NaN;
      }
      Arrays.sort(ratios);
      int mid = ratios.length / 2;
      return ratios.length % 2 == 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
    }
  }

  /** Everything one run measured. */
  record Report(
      Settings settings,
      Appends appends,
      Checkouts checkouts,
      double cpuMicrosPerAppend,
      String loadBefore,
      String loadAfter) {
    /** The median rate of the checkout windows without the trail. */
    double medianWithout() {
      double[] rates = checkouts.without.stream().mapToDouble(Window::perSecond).sorted().toArray();
      if (rates.length == 0) {
        return Double.NaN;
      }
      int mid = rates.length / 2;
      return rates.length % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2;
    }

    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append(
          String.format(
              Locale.ROOT,
              "Load average (1, 5, 15 min) before: %s; after: %s. %d threads, a pool of %d"
                  + " connections, %s, %d product%s bought in turn.%n%n",
              loadBefore,
              loadAfter,
              settings.threads,
              settings.threads,
              settings.customers == 0
                  ? "a new customer for every append and order"
                  : settings.customers + " customers in turn",
              settings.products,
              settings.products == 1 ? "" : "s"));
      Window w = appends.window;
      md.append(
          String.format(
              Locale.ROOT,
              "### Appends: %d threads, one ConsentAudit.record per transaction, chained in the"
                  + " background (chainSoon)%n%n",
              settings.threads));
      md.append(
          "| Appends | Seconds | Appends/s | Active | Waiting for a lock | Waiting for WAL |\n");
      md.append("|---:|---:|---:|---:|---:|---:|\n");
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %.2f | %,.0f | %.1f | %.1f | %.1f |%n%n",
              w.completed,
              w.took.toNanos() / 1e9,
              w.perSecond(),
              w.waits.active,
              w.waits.lock,
              w.waits.wal));
      md.append(
          String.format(
              Locale.ROOT,
              "Trail afterwards: %,d entries (%,d appended, warm-up included); ConsentAudit.verify()"
                  + " %s. Verify: %,.0f ms per 10,000 entries (first walk %,.0f ms for all, second"
                  + " %,.0f ms).%n%n",
              appends.stored,
              appends.attempted,
              appends.verification.valid() ? "valid" : "INVALID",
              appends.verifyMillisPer10k(appends.secondVerify),
              appends.firstVerify.toNanos() / 1e6,
              appends.secondVerify.toNanos() / 1e6));
      md.append(
          String.format(
              Locale.ROOT,
              "### Checkouts with and without the trail: %d threads, %d rounds of %d s each%n%n",
              settings.threads,
              settings.rounds,
              settings.seconds));
      md.append(
          "| Round | With (orders/s) | Without (orders/s) | With ÷ without | Waiting for a lock,"
              + " with / without | Waiting for WAL, with / without |\n");
      md.append("|---:|---:|---:|---:|---:|---:|\n");
      Checkouts c = checkouts;
      for (int i = 0; i < Math.min(c.with.size(), c.without.size()); i++) {
        Window a = c.with.get(i);
        Window b = c.without.get(i);
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %,.0f | %,.0f | %.2f | %.1f / %.1f | %.1f / %.1f |%n",
                i + 1,
                a.perSecond(),
                b.perSecond(),
                a.perSecond() / b.perSecond(),
                a.waits.lock,
                b.waits.lock,
                a.waits.wal,
                b.waits.wal));
      }
      double ratio = c.medianRatio();
      md.append(
          String.format(
              Locale.ROOT,
              "%n**Median ratio with ÷ without: %.2f**, the trail costs %.0f%% of checkout"
                  + " throughput (goal < 10%%: %s).%n%n",
              ratio,
              (1 - ratio) * 100,
              ratio >= 0.90 ? "met" : "missed"));
      md.append(
          String.format(
              Locale.ROOT,
              "Orders placed: %,d with the trail, %,d without (warm-ups included); %,d paid orders"
                  + " and %,d consent entries in the database; ConsentAudit.verify() %s.%n%n",
              c.placedWith,
              c.placedWithout,
              c.paidOrders,
              c.entries,
              c.verification.valid() ? "valid" : "INVALID"));
      md.append(
          String.format(
              Locale.ROOT,
              "Backends: means of pg_stat_activity samples every %d ms (of %d connections).%n%n",
              WaitSampler.PERIOD_MILLIS,
              settings.threads));
      md.append(
          String.format(
              Locale.ROOT,
              "Head-lock headroom: the trail took %,.0f appends/s on its own, %.2f× the rate of"
                  + " checkouts without it (median round); every checkout appends once.%n%n",
              w.perSecond(),
              w.perSecond() / medianWithout()));
      md.append(
          String.format(
              Locale.ROOT,
              "In-memory CPU cost of one append (subject id, seal, entry hash; one thread):"
                  + " %.1f µs.%n",
              cpuMicrosPerAppend));
      return md.toString();
    }
  }

  private ConsentTrailBenchmark() {}

  /**
   * Runs the benchmark and prints the report.
   *
   * @param args {@code --threads=N --append-seconds=N --rounds=N --seconds=N --warmup=N
   *     --customers=N --cpu-appends=N}
   * @throws Exception if PostgreSQL cannot start or a run fails
   */
  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Report report = run(settings, System.err);
    PrintStream out = System.out;
    out.println("## Consent trail benchmark, " + began + "\n");
    out.println(report.markdown());
  }

  static Report run(Settings settings, PrintStream log)
      throws IOException, SQLException, InterruptedException {
    String loadBefore = BenchDatabase.loadAverage();
    ExecutorService threads = Executors.newFixedThreadPool(settings.threads);
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      Appends appends;
      try (HikariDataSource pool =
          BenchDatabase.fresh(postgres, "tc-consent", "consent_appends", settings.threads)) {
        appends =
            appends(
                pool, postgres.getDatabase("postgres", "consent_appends"), settings, threads, log);
      }
      Checkouts checkouts;
      try (HikariDataSource pool =
          BenchDatabase.fresh(postgres, "tc-consent", "consent_checkouts", settings.threads)) {
        checkouts =
            checkouts(
                pool,
                postgres.getDatabase("postgres", "consent_checkouts"),
                settings,
                threads,
                log);
      }
      double cpu = cpuMicrosPerAppend(settings.cpuAppends);
      log.printf(Locale.ROOT, "in-memory append: %.1f µs%n", cpu);
      return new Report(settings, appends, checkouts, cpu, loadBefore, BenchDatabase.loadAverage());
    } finally {
      threads.shutdownNow();
    }
  }

  // ---- appends -------------------------------------------------------------------------------

  static Appends appends(
      DataSource pool,
      DataSource sampled,
      Settings settings,
      ExecutorService threads,
      PrintStream log)
      throws InterruptedException {
    JdbcStorage storage = storage(pool);
    ConsentAudit audit = audit(storage);
    Clock clock = Clock.systemUTC();
    AtomicLong next = new AtomicLong();
    Operation append =
        () -> {
          long n = next.incrementAndGet();
          ConsentEvidence evidence =
              ConsentEvidence.of(
                  Email.of(email(settings, n)),
                  ConsentAction.GRANTED,
                  ConsentPurpose.TERMS_OF_SALE,
                  TERMS,
                  TERMS_HASH,
                  ConsentEvidence.CHANNEL_CHECKOUT,
                  OrderId.generate(clock),
                  clock.instant());
          storage.inTransaction(
              tx -> {
                audit.record(tx, evidence);
                return Boolean.TRUE;
              });
          audit.chainSoon();
        };
    window("appends warm-up", 0, settings.threads, settings.warmupSeconds, threads, append, null);
    Window w =
        window("appends", 1, settings.threads, settings.appendSeconds, threads, append, sampled);
    log.printf(Locale.ROOT, "appends: %,d in %s, %,.0f/s%n", w.completed, w.took, w.perSecond());
    long leftStaged = BenchDatabase.count(pool, "SELECT count(*) FROM tc_consent_staged");
    log.printf(Locale.ROOT, "staged, not yet chained, at the end of the window: %,d%n", leftStaged);
    audit.chainPending();
    long stored = BenchDatabase.count(pool, "SELECT count(*) FROM tc_consent_entry");
    long start = System.nanoTime();
    ConsentVerification first = audit.verify();
    Duration firstTook = Duration.ofNanos(System.nanoTime() - start);
    start = System.nanoTime();
    ConsentVerification second = audit.verify();
    Duration secondTook = Duration.ofNanos(System.nanoTime() - start);
    log.printf(
        Locale.ROOT,
        "verify: %,d entries, valid %s, %s then %s%n",
        second.entries(),
        first.valid() && second.valid(),
        firstTook,
        secondTook);
    return new Appends(
        w, next.get(), stored, first.valid() ? second : first, firstTook, secondTook);
  }

  // ---- checkouts -----------------------------------------------------------------------------

  static Checkouts checkouts(
      DataSource pool,
      DataSource sampled,
      Settings settings,
      ExecutorService threads,
      PrintStream log)
      throws InterruptedException {
    JdbcStorage storage = storage(pool);
    storage.inTransaction(
        tx -> {
          for (int i = 0; i < settings.products; i++) {
            tx.products()
                .upsert(sku(i), "Benchmark item " + i, Money.of(100, "USD"), STOCK, Instant.now());
          }
          return settings.products;
        });
    ConsentAudit audit = audit(storage);
    Checkout with = checkout(storage, audit);
    // Without the trail: no consent reaches the database, and no chaining pass runs either.
    WithoutConsentStorage bare =
        new WithoutConsentStorage(storage, NoDatabaseConsentLog.unhashed());
    Checkout without =
        checkout(
            bare,
            ConsentAudit.builder(bare)
                .subjectSecret(SUBJECT_SECRET)
                .chainExecutor(pass -> {})
                .build());
    AtomicLong next = new AtomicLong();
    AtomicLong placedWith = new AtomicLong();
    AtomicLong placedWithout = new AtomicLong();
    Operation placeWith = () -> place(with, settings, next, placedWith);
    Operation placeWithout = () -> place(without, settings, next, placedWithout);

    int n = settings.threads;
    window("without warm-up", 0, n, settings.warmupSeconds, threads, placeWithout, null);
    window("with warm-up", 0, n, settings.warmupSeconds, threads, placeWith, null);
    List<Window> withWindows = new ArrayList<>();
    List<Window> withoutWindows = new ArrayList<>();
    for (int round = 1; round <= settings.rounds; round++) {
      boolean withFirst = round % 2 == 1;
      for (int i = 0; i < 2; i++) {
        boolean isWith = withFirst == (i == 0);
        Window w =
            window(
                isWith ? "with" : "without",
                round,
                n,
                settings.seconds,
                threads,
                isWith ? placeWith : placeWithout,
                sampled);
        log.printf(
            Locale.ROOT,
            "round %d %s: %,d orders in %s, %,.0f/s%n",
            round,
            w.what,
            w.completed,
            w.took,
            w.perSecond());
        (isWith ? withWindows : withoutWindows).add(w);
      }
    }
    ConsentVerification verification = audit.verify();
    return new Checkouts(
        withWindows,
        withoutWindows,
        placedWith.get(),
        placedWithout.get(),
        BenchDatabase.count(pool, "SELECT count(*) FROM tc_order WHERE status = 'PAID'"),
        BenchDatabase.count(pool, "SELECT count(*) FROM tc_consent_entry"),
        verification);
  }

  private static void place(
      Checkout checkout, Settings settings, AtomicLong next, AtomicLong placed) {
    long n = next.incrementAndGet();
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item(sku(n % settings.products).value(), 1)
            .email(email(settings, n))
            .acceptedTerms(TERMS)
            .paymentToken(TestPaymentGateway.APPROVE)
            .build();
    CheckoutResult result = checkout.placeOrder(IdempotencyKey.scoped(SCOPE, "k" + n), request);
    if (result.outcome() != CheckoutOutcome.PLACED || result.replayed()) {
      throw new IllegalStateException("checkout " + n + " was not placed: " + result.outcome());
    }
    placed.incrementAndGet();
  }

  private static Checkout checkout(CheckoutStorage storage, ConsentAudit audit) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .terms(TERMS, TERMS_TEXT)
        .consentAudit(audit)
        .build();
  }

  // ---- in memory -----------------------------------------------------------------------------

  /**
   * CPU microseconds of this thread per {@link ConsentAudit#append} on a log that chains in memory
   * (CPU time, not wall time, so that other load on the machine does not count), after as many
   * untimed appends.
   */
  static double cpuMicrosPerAppend(int appends) {
    NoDatabaseConsentLog consents = NoDatabaseConsentLog.chaining();
    StorageTransaction tx = new ConsentOnlyTransaction(consents);
    CheckoutStorage storage =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            return work.run(tx);
          }
        };
    ConsentAudit audit = audit(storage);
    Clock clock = Clock.systemUTC();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    boolean measurable = cpu.isCurrentThreadCpuTimeSupported();
    long start = 0;
    for (int i = 0; i < 2 * appends; i++) {
      if (i == appends) {
        start = measurable ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
      }
      audit.append(
          tx,
          ConsentEvidence.of(
              Email.of("customer-" + i + "@example.com"),
              ConsentAction.GRANTED,
              ConsentPurpose.TERMS_OF_SALE,
              TERMS,
              TERMS_HASH,
              ConsentEvidence.CHANNEL_CHECKOUT,
              OrderId.generate(clock),
              clock.instant()));
    }
    long took = (measurable ? cpu.getCurrentThreadCpuTime() : System.nanoTime()) - start;
    if (consents.appended() != 2L * appends) {
      throw new IllegalStateException("in-memory appends lost: " + consents.appended());
    }
    return took / 1e3 / Math.max(1, appends);
  }

  /** A transaction with only a consent log; for the in-memory measurement. */
  private static final class ConsentOnlyTransaction implements StorageTransaction {
    private final ConsentLog consents;

    ConsentOnlyTransaction(ConsentLog consents) {
      this.consents = consents;
    }

    @Override
    public ProductStore products() {
      throw new UnsupportedOperationException();
    }

    @Override
    public OrderStore orders() {
      throw new UnsupportedOperationException();
    }

    @Override
    public IdempotencyStore idempotency() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Outbox outbox() {
      throw new UnsupportedOperationException();
    }

    @Override
    public ConsentLog consents() {
      return consents;
    }

    @Override
    public DeliveryStore deliveries() {
      throw new UnsupportedOperationException();
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** One operation of a window; throws to fail the run. */
  @FunctionalInterface
  interface Operation {
    void run() throws Exception;
  }

  /**
   * Runs {@code operation} on {@code n} threads until {@code seconds} have passed; the window ends
   * when the last thread finishes its last operation. Any failure fails the run.
   */
  static Window window(
      String what,
      int round,
      int n,
      int seconds,
      ExecutorService threads,
      Operation operation,
      @Nullable DataSource sampled)
      throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong completed = new AtomicLong();
    long[] deadline = new long[1];
    List<Future<?>> running = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      running.add(
          threads.submit(
              () -> {
                go.await();
                while (System.nanoTime() < deadline[0]) {
                  operation.run();
                  completed.incrementAndGet();
                }
                return null;
              }));
    }
    WaitSampler sampler = sampled == null ? null : WaitSampler.start(sampled);
    long start = System.nanoTime();
    deadline[0] = start + TimeUnit.SECONDS.toNanos(seconds);
    go.countDown();
    try {
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          for (Future<?> other : running) {
            other.cancel(true);
          }
          throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (sampler != null) {
        sampler.stop();
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Window(
        what, round, completed.get(), took, sampler == null ? Waits.NONE : sampler.waits());
  }

  /** Samples {@code pg_stat_activity} on a thread and a connection of its own. */
  static final class WaitSampler {
    static final int PERIOD_MILLIS = 20;
    private static final String SAMPLE =
        "SELECT count(*) FILTER (WHERE state = 'active'),"
            + " count(*) FILTER (WHERE wait_event_type = 'Lock'),"
            + " count(*) FILTER (WHERE wait_event IN ('WALWrite', 'WALSync'))"
            + " FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid()";

    private final Thread thread;
    private volatile boolean running = true;
    private long samples;
    private long active;
    private long lock;
    private long wal;
    private @Nullable RuntimeException failure;

    private WaitSampler(DataSource database) {
      thread = new Thread(() -> sample(database), "tc-bench-wait-sampler");
      thread.setDaemon(true);
    }

    static WaitSampler start(DataSource database) {
      WaitSampler s = new WaitSampler(database);
      s.thread.start();
      return s;
    }

    private void sample(DataSource database) {
      try (Connection c = database.getConnection();
          PreparedStatement ps = c.prepareStatement(SAMPLE)) {
        while (running) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            active += rs.getLong(1);
            lock += rs.getLong(2);
            wal += rs.getLong(3);
            samples++;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS));
        }
      } catch (SQLException | RuntimeException e) {
        failure = new IllegalStateException("sampling pg_stat_activity failed", e);
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    /** The means; call after {@link #stop}, which publishes the counts (join). */
    Waits waits() {
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      if (samples == 0) {
        return Waits.NONE;
      }
      return new Waits(
          samples, (double) active / samples, (double) lock / samples, (double) wal / samples);
    }
  }

  private static Sku sku(long i) {
    return Sku.of("bench-item-" + i);
  }

  private static String email(Settings settings, long n) {
    long customer = settings.customers == 0 ? n : n % settings.customers;
    return "customer-" + customer + "@example.com";
  }

  private static JdbcStorage storage(DataSource pool) {
    JdbcMigrator.create(pool).migrate();
    return JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build();
  }

  private static ConsentAudit audit(CheckoutStorage storage) {
    return ConsentAudit.builder(storage).subjectSecret(SUBJECT_SECRET).build();
  }
}

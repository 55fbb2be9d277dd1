package dev.tinycheckout.benchmarks.observe;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.benchmarks.BenchDatabase;
import dev.tinycheckout.benchmarks.Latencies;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.http.ApiRequest;
import dev.tinycheckout.http.ApiResponse;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.RequestHeaders;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What observability costs the checkout: throughput of {@code POST /checkout} through {@link
 * CheckoutApi#handle} with everything {@code docs/operations.md} sets up (see {@link
 * Observability}: Micrometer observer on a Prometheus registry, availability and latency SLO
 * observers, bound gauges, a thread scraping and evaluating every second) against the same API
 * built with {@code CheckoutObserver.NONE}, in one process, in alternating timed windows. Prints a
 * Markdown report on standard output, progress on standard error.
 *
 * <p>Per storage (a scenario): one storage and one payment gateway shared by two {@link
 * CheckoutApi} instances, "on" and "off", each buying its own {@code products} products (10^12
 * units each) in turn. {@code threads} threads call the API in process, each request a new checkout
 * (a fresh {@code Idempotency-Key}, one unit, the current terms, {@code tok_ok}). After a warm-up
 * window of each, the two alternate for {@code rounds} rounds of {@code seconds} each (on first in
 * odd rounds, off first in even ones); the ratio on ÷ off of checkouts per second is taken per
 * round and its median reported, with {@code cost = 1 - median ratio}. The goal: under 5%. Latency
 * is measured around {@code handle} and kept whole per thread, for exact percentiles.
 *
 * <ul>
 *   <li><b>memory</b>: {@link InMemoryStorage}, replaced by a fresh, seeded one before every window
 *       (as is the test gateway), so the heap never holds more than one window's orders. The
 *       checkout costs least here, so the observer's share is largest: the stringent case.
 *   <li><b>postgres</b>: embedded PostgreSQL (zonky's binaries, {@code fsync} and {@code
 *       synchronous_commit} on, as in production) through {@link JdbcStorage} and a HikariCP pool
 *       of {@code threads + 1} connections (one for the backlog gauge): the realistic case.
 * </ul>
 *
 * <p>Before every window: {@code System.gc()}, so no window inherits another's garbage. Every
 * answer is counted by status, and every checkout is accounted for afterwards: units sold of each
 * variant's products, approved charges, orders in the database (PostgreSQL), and the "on"
 * registry's {@code tinycheckout_checkout_duration_seconds_count{outcome="paid"}} all equal the 201
 * answers. Arguments: {@code --threads=8 --seconds=5 --rounds=7 --warmup-seconds=15 --products=16
 * --storage=both} ({@code memory}, {@code postgres} or {@code both}).
 */
public final class ObservabilityCostBenchmark {
  static final String TERMS = "2026-12-01";
  static final String TERMS_TEXT = "Terms of sale of the benchmark shop, version 2026-12-01.";
  static final long STOCK = 1_000_000_000_000L;
  static final double GOAL = 0.05;
  static final int SIGNAL_REPETITIONS = 200_000;

  private static final Pattern PROMETHEUS_LINE =
      Pattern.compile("^(\\w+)\\{([^}]*)\\} (\\S+)", Pattern.MULTILINE);

  /** The storages a scenario can run on. */
  enum StorageKind {
    /** {@link InMemoryStorage}, fresh before every window. */
    MEMORY("In-memory storage (InMemoryStorage, fresh before every window)"),
    /** Embedded PostgreSQL through {@link JdbcStorage}. */
    POSTGRES(
        "Embedded PostgreSQL (JdbcStorage, HikariCP, fsync and synchronous_commit on, one database"
            + " for the whole scenario)");

    final String title;

    StorageKind(String title) {
      this.title = title;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What to run.
   *
   * @param threads threads calling the API
   * @param seconds length of each timed window
   * @param rounds rounds, each one window on and one off
   * @param warmupSeconds length of the untimed window of each variant before the rounds
   * @param products products each variant buys in turn
   * @param storages the scenarios, in order
   */
  record Settings(
      int threads,
      int seconds,
      int rounds,
      int warmupSeconds,
      int products,
      List<StorageKind> storages) {
    Settings {
      if (threads < 1 || seconds < 1 || rounds < 1 || warmupSeconds < 0 || products < 1) {
        throw new IllegalArgumentException(
            "threads, seconds, rounds and products must be at least 1, warm-up at least 0: "
                + threads
                + ", "
                + seconds
                + ", "
                + rounds
                + ", "
                + products
                + ", "
                + warmupSeconds);
      }
      storages = List.copyOf(storages);
      if (storages.isEmpty()) {
        throw new IllegalArgumentException("no storage to run on");
      }
    }

    static Settings parse(String[] args) {
      int threads = 8;
      int seconds = 5;
      int rounds = 7;
      int warmup = 15;
      int products = 16;
      List<StorageKind> storages = List.of(StorageKind.MEMORY, StorageKind.POSTGRES);
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("expected --name=value, but was " + arg);
        }
        if (kv[0].equals("storage")) {
          storages =
              switch (kv[1]) {
                case "memory" -> List.of(StorageKind.MEMORY);
                case "postgres" -> List.of(StorageKind.POSTGRES);
                case "both" -> List.of(StorageKind.MEMORY, StorageKind.POSTGRES);
                default ->
                    throw new IllegalArgumentException(
                        "--storage must be memory, postgres or both, but was " + kv[1]);
              };
          continue;
        }
        int value = Integer.parseInt(kv[1]);
        switch (kv[0]) {
          case "threads" -> threads = value;
          case "seconds" -> seconds = value;
          case "rounds" -> rounds = value;
          case "warmup-seconds", "warmup" -> warmup = value;
          case "products" -> products = value;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Settings(threads, seconds, rounds, warmup, products, storages);
    }
  }

  /**
   * One window of one variant.
   *
   * @param variant "on" or "off"
   * @param round the round, 0 for the warm-up
   * @param took from the start until the last request ended
   * @param statuses answers by status code
   * @param unitsSold units of the variant's products sold during the window (one per paid order)
   * @param p50Nanos median latency of {@code handle}
   * @param p99Nanos 99th percentile latency of {@code handle}
   * @param cpuNanos CPU time of the whole JVM process during the window (every thread: the
   *     checkouts, the scraper, GC, JIT), or -1 where the JVM cannot tell
   */
  record Window(
      String variant,
      int round,
      Duration took,
      Map<Integer, Long> statuses,
      long unitsSold,
      long p50Nanos,
      long p99Nanos,
      long cpuNanos) {
    Window {
      statuses = Map.copyOf(statuses);
    }

    long answers() {
      return statuses.values().stream().mapToLong(Long::longValue).sum();
    }

    long checkouts() {
      return statuses.getOrDefault(201, 0L);
    }

    double perSecond() {
      return checkouts() / (took.toNanos() / 1e9);
    }

    /** The process's CPU microseconds per checkout, NaN where unknown. */
    double cpuMicrosPerCheckout() {
      return cpuNanos < 0 || checkouts() == 0 ? Double.NaN : cpuNanos / 1e3 / checkouts();
    }
  }

  /**
   * Everything one variant answered in a scenario, warm-up included.
   *
   * @param statuses answers by status code
   * @param unitsSold units of its products sold
   * @param p50Nanos median latency over the measured windows (not the warm-up)
   * @param p99Nanos 99th percentile latency over the measured windows
   */
  record Totals(Map<Integer, Long> statuses, long unitsSold, long p50Nanos, long p99Nanos) {
    Totals {
      statuses = Map.copyOf(statuses);
    }

    long answers() {
      return statuses.values().stream().mapToLong(Long::longValue).sum();
    }

    long checkouts() {
      return statuses.getOrDefault(201, 0L);
    }

    boolean allCreated() {
      return answers() == checkouts();
    }
  }

  /**
   * One storage's result.
   *
   * @param kind the storage
   * @param on the "on" windows, by round
   * @param off the "off" windows, by round
   * @param onTotals everything "on" answered
   * @param offTotals everything "off" answered
   * @param ordersInStorage orders in the database (PostgreSQL), or units sold of both variants'
   *     products (in memory, where every window starts with a fresh storage and each paid order
   *     takes one unit)
   * @param unpaidOrders orders in the database that are not paid (0 in memory)
   * @param approvedCharges charges the test gateways approved
   * @param prometheusPaid {@code tinycheckout_checkout_duration_seconds_count{outcome="paid"}} in
   *     the "on" registry's last scrape
   * @param scraping what the scraping thread did
   * @param lastScrape the "on" registry's exposition text after the last window
   * @param loadBefore load average before the scenario
   * @param loadAfter load average after it
   */
  record ScenarioResult(
      StorageKind kind,
      List<Window> on,
      List<Window> off,
      Totals onTotals,
      Totals offTotals,
      long ordersInStorage,
      long unpaidOrders,
      long approvedCharges,
      double prometheusPaid,
      Observability.Stats scraping,
      String lastScrape,
      String loadBefore,
      String loadAfter) {
    ScenarioResult {
      on = List.copyOf(on);
      off = List.copyOf(off);
    }

    double medianRatio() {
      double[] ratios = new double[Math.min(on.size(), off.size())];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = on.get(i).perSecond() / off.get(i).perSecond();
      }
      return median(ratios);
    }

    double cost() {
      return 1 - medianRatio();
    }

    /** The median over the rounds of the JVM's CPU per checkout, on ÷ off. */
    double medianCpuRatio() {
      double[] ratios = new double[Math.min(on.size(), off.size())];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = on.get(i).cpuMicrosPerCheckout() / off.get(i).cpuMicrosPerCheckout();
      }
      return median(ratios);
    }

    /** Every answer a 201, and every count of checkouts the same. */
    boolean accounted() {
      long total = onTotals.checkouts() + offTotals.checkouts();
      return onTotals.allCreated()
          && offTotals.allCreated()
          && onTotals.unitsSold() == onTotals.checkouts()
          && offTotals.unitsSold() == offTotals.checkouts()
          && ordersInStorage == total
          && unpaidOrders == 0
          && approvedCharges == total
          && prometheusPaid == onTotals.checkouts();
    }
  }

  /**
   * Everything one run measured.
   *
   * @param settings what ran
   * @param scenarios one result per storage
   * @param signalMicros CPU microseconds of one paid checkout's signals to the "on" observer, on
   *     one thread, called directly
   * @param loadBefore load average before the run
   * @param loadAfter load average after it
   */
  record Report(
      Settings settings,
      List<ScenarioResult> scenarios,
      double signalMicros,
      String loadBefore,
      String loadAfter) {
    Report {
      scenarios = List.copyOf(scenarios);
    }

    boolean accounted() {
      return scenarios.stream().allMatch(ScenarioResult::accounted);
    }

    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append(
          String.format(
              Locale.ROOT,
              "Load average (1, 5, 15 min) before: %s; after: %s. %d threads calling"
                  + " CheckoutApi.handle in process (no sockets), each request a new checkout of"
                  + " one unit; %d rounds of %d s per variant after a %d s warm-up of each; %d"
                  + " products per variant bought in turn.%n%n",
              loadBefore,
              loadAfter,
              settings.threads,
              settings.rounds,
              settings.seconds,
              settings.warmupSeconds,
              settings.products));
      md.append(
          "- **on**: `CheckoutObserver.of(MicrometerObserver.of(prometheusRegistry),"
              + " SloObserver.availability(99.9%), SloObserver.latency(99%, 300 ms))`, gauges bound"
              + " (product cache, both SLO monitors, fulfilment backlog), `/health` given the"
              + " monitors and the backlog, and a thread that runs `prometheusRegistry.scrape()`"
              + " and evaluates both monitors every second during the window.\n");
      md.append(
          "- **off**: the same API built with `CheckoutObserver.NONE`; no registry, no thread.\n");
      md.append(
          "- Both share the storage and the payment gateway; each is its own `CheckoutApi`. Odd"
              + " rounds run on first, even rounds off first; `System.gc()` before every"
              + " window.\n\n");
      for (ScenarioResult s : scenarios) {
        scenario(md, s);
      }
      md.append(
          String.format(
              Locale.ROOT,
              "The on observer's signals for one paid checkout (request, checkout, payment, consent),"
                  + " called directly on one thread with a registry of their own: %.2f µs of CPU.%n",
              signalMicros));
      return md.toString();
    }

    private void scenario(StringBuilder md, ScenarioResult s) {
      md.append(String.format(Locale.ROOT, "### %s%n%n", s.kind.title));
      md.append(
          String.format(
              Locale.ROOT, "Load average before: %s; after: %s.%n%n", s.loadBefore, s.loadAfter));
      md.append(
          "| Round | First | On (checkouts/s) | Off (checkouts/s) | On ÷ off | On p50 / p99 ms |"
              + " Off p50 / p99 ms | JVM CPU µs per checkout, on / off |\n");
      md.append("|---:|:---:|---:|---:|---:|---:|---:|---:|\n");
      for (int i = 0; i < Math.min(s.on.size(), s.off.size()); i++) {
        Window a = s.on.get(i);
        Window b = s.off.get(i);
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %s | %,.0f | %,.0f | %.3f | %s / %s | %s / %s | %.1f / %.1f |%n",
                i + 1,
                (i + 1) % 2 == 1 ? "on" : "off",
                a.perSecond(),
                b.perSecond(),
                a.perSecond() / b.perSecond(),
                millis(a.p50Nanos),
                millis(a.p99Nanos),
                millis(b.p50Nanos),
                millis(b.p99Nanos),
                a.cpuMicrosPerCheckout(),
                b.cpuMicrosPerCheckout()));
      }
      double ratio = s.medianRatio();
      md.append(
          String.format(
              Locale.ROOT,
              "%n**Median ratio on ÷ off: %.3f; cost = 1 - median ratio = %.1f%%** (goal < %.0f%%:"
                  + " %s). Median checkouts/s: on %,.0f, off %,.0f.%n%n",
              ratio,
              s.cost() * 100,
              GOAL * 100,
              s.cost() < GOAL ? "met" : "missed",
              median(s.on.stream().mapToDouble(Window::perSecond).toArray()),
              median(s.off.stream().mapToDouble(Window::perSecond).toArray())));
      double cpu = s.medianCpuRatio();
      md.append(
          String.format(
              Locale.ROOT,
              "Median JVM CPU per checkout, on ÷ off: %.3f (observability adds %.1f%% CPU per"
                  + " checkout in the JVM%s; CPU time is less disturbed by other load on the"
                  + " machine than throughput is).%n%n",
              cpu,
              (cpu - 1) * 100,
              s.kind == StorageKind.POSTGRES ? ", PostgreSQL's own processes not counted" : ""));
      md.append(
          "| Variant | Checkouts in the timed windows | p50 ms | p99 ms | Answers by status, warm-up"
              + " included |\n");
      md.append("|---|---:|---:|---:|---|\n");
      totals(md, "on", s.on, s.onTotals);
      totals(md, "off", s.off, s.offTotals);
      long total = s.onTotals.checkouts() + s.offTotals.checkouts();
      md.append(
          String.format(
              Locale.ROOT,
              "%nAccounting: %,d answers 201 (%,d on, %,d off); units sold %,d on, %,d off; %s %,d;"
                  + " approved charges %,d; the on registry's"
                  + " `tinycheckout_checkout_duration_seconds_count{outcome=\"paid\"}` %,.0f."
                  + " **%s**.%n%n",
              total,
              s.onTotals.checkouts(),
              s.offTotals.checkouts(),
              s.onTotals.unitsSold(),
              s.offTotals.unitsSold(),
              s.kind == StorageKind.POSTGRES
                  ? "orders in the database (" + s.unpaidOrders + " not paid)"
                  : "orders (units sold, summed over the fresh storages)",
              s.ordersInStorage,
              s.approvedCharges,
              s.prometheusPaid,
              s.accounted() ? "Every checkout accounted for" : "MISMATCH"));
      Observability.Stats st = s.scraping;
      md.append(
          String.format(
              Locale.ROOT,
              "Scraping thread (on windows only): %,d scrapes, %.2f ms (%.2f ms of CPU, with the"
                  + " two evaluations) and %,.0f characters each on average; %,d monitor"
                  + " evaluations, %,d of them with a rule firing.%n%n",
              st.scrapes(),
              st.meanScrapeMillis(),
              st.meanCpuMillis(),
              st.meanScrapeBytes(),
              st.evaluations(),
              st.firing()));
    }

    private static void totals(StringBuilder md, String name, List<Window> windows, Totals t) {
      long measured = windows.stream().mapToLong(Window::checkouts).sum();
      StringBuilder statuses = new StringBuilder();
      for (Map.Entry<Integer, Long> e : new TreeMap<>(t.statuses).entrySet()) {
        if (statuses.length() > 0) {
          statuses.append(", ");
        }
        statuses.append(String.format(Locale.ROOT, "%d: %,d", e.getKey(), e.getValue()));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %s | %s | %s |%n",
              name,
              measured,
              millis(t.p50Nanos),
              millis(t.p99Nanos),
              statuses.length() == 0 ? "none" : statuses));
    }
  }

  private ObservabilityCostBenchmark() {}

  /**
   * Runs the benchmark and prints the report.
   *
   * @param args {@code --threads=N --seconds=N --rounds=N --warmup-seconds=N --products=N
   *     --storage=memory|postgres|both}
   * @throws Exception if PostgreSQL cannot start or a run fails
   */
  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Report report = run(settings, System.err);
    PrintStream out = System.out;
    out.println("## Observability cost benchmark, " + began + "\n");
    out.println(report.markdown());
    out.flush();
    if (!report.accounted()) {
      System.err.println("some checkout was not accounted for: see the report");
      System.exit(1);
    }
  }

  static Report run(Settings settings, PrintStream log)
      throws IOException, SQLException, InterruptedException {
    String loadBefore = BenchDatabase.loadAverage();
    ExecutorService threads = Executors.newFixedThreadPool(settings.threads);
    try {
      List<ScenarioResult> results = new ArrayList<>();
      for (StorageKind kind : settings.storages) {
        results.add(scenario(kind, settings, threads, log));
      }
      double signalMicros = Observability.signalMicrosPerCheckout(SIGNAL_REPETITIONS);
      log.printf(Locale.ROOT, "one checkout's signals: %.2f µs of CPU%n", signalMicros);
      return new Report(settings, results, signalMicros, loadBefore, BenchDatabase.loadAverage());
    } finally {
      threads.shutdownNow();
    }
  }

  // ---- scenarios -----------------------------------------------------------------------------

  static ScenarioResult scenario(
      StorageKind kind, Settings settings, ExecutorService threads, PrintStream log)
      throws IOException, SQLException, InterruptedException {
    log.printf(Locale.ROOT, "%s: starting%n", kind.label());
    String loadBefore = BenchDatabase.loadAverage();
    return switch (kind) {
      case MEMORY -> {
        SwappableBackend backend =
            SwappableBackend.replacing(() -> seeded(InMemoryStorage.create(), settings));
        yield measure(kind, backend, Optional.empty(), settings, threads, log, loadBefore);
      }
      case POSTGRES -> {
        try (EmbeddedPostgres postgres =
                EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            HikariDataSource pool =
                BenchDatabase.fresh(
                    postgres, "tc-observe", "observability", settings.threads + 1)) {
          JdbcMigrator.create(pool, JdbcDialect.POSTGRESQL).migrate();
          JdbcStorage storage = JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build();
          SwappableBackend backend = SwappableBackend.keeping(seeded(storage, settings));
          yield measure(kind, backend, Optional.of(pool), settings, threads, log, loadBefore);
        }
      }
    };
  }

  private static ScenarioResult measure(
      StorageKind kind,
      SwappableBackend backend,
      Optional<DataSource> database,
      Settings settings,
      ExecutorService threads,
      PrintStream log,
      String loadBefore)
      throws InterruptedException {
    Observability observability = new Observability();
    Supplier<DeliveryBacklog> backlog =
        () -> backend.storage().inTransaction(tx -> tx.deliveries().backlog(Instant.now()));
    CheckoutApi offApi = api(backend).build();
    CheckoutApi onApi = observability.configure(api(backend), backlog).build();
    observability.bindGauges(onApi, backlog);
    offApi.warmUp();
    onApi.warmUp();
    Variant on = new Variant("on", onApi, observability, settings.products);
    Variant off = new Variant("off", offApi, null, settings.products);
    AtomicLong next = new AtomicLong();

    Driver driver = new Driver(backend, settings.threads, threads, next, log, kind.label());
    driver.window(off, 0, settings.warmupSeconds);
    driver.window(on, 0, settings.warmupSeconds);
    List<Window> onWindows = new ArrayList<>();
    List<Window> offWindows = new ArrayList<>();
    for (int round = 1; round <= settings.rounds; round++) {
      boolean onFirst = round % 2 == 1;
      for (int i = 0; i < 2; i++) {
        boolean isOn = onFirst == (i == 0);
        Window w = driver.window(isOn ? on : off, round, settings.seconds);
        (isOn ? onWindows : offWindows).add(w);
      }
    }
    String lastScrape = observability.scrape();
    long ordersInStorage =
        database.isPresent()
            ? BenchDatabase.count(database.get(), "SELECT count(*) FROM tc_order")
            : on.unitsSold + off.unitsSold;
    long unpaidOrders =
        database.isPresent()
            ? BenchDatabase.count(
                database.get(), "SELECT count(*) FROM tc_order WHERE status <> 'PAID'")
            : 0;
    return new ScenarioResult(
        kind,
        onWindows,
        offWindows,
        on.totals(),
        off.totals(),
        ordersInStorage,
        unpaidOrders,
        backend.approvedCharges(),
        prometheusSum(
            lastScrape, "tinycheckout_checkout_duration_seconds_count", "outcome=\"paid\""),
        observability.stats(),
        lastScrape,
        loadBefore,
        BenchDatabase.loadAverage());
  }

  private static CheckoutApi.Builder api(SwappableBackend backend) {
    return CheckoutApi.builder()
        .storage(backend.storage())
        .paymentGateway(backend.gateway())
        .terms(TERMS, TERMS_TEXT);
  }

  /** Seeds both variants' products into a storage. */
  static <S extends CheckoutStorage> S seeded(S storage, Settings settings) {
    Instant now = Instant.now();
    storage.inTransaction(
        tx -> {
          for (String variant : List.of("on", "off")) {
            for (int i = 0; i < settings.products; i++) {
              tx.products()
                  .upsert(sku(variant, i), "Benchmark item " + i, Money.of(100, "USD"), STOCK, now);
            }
          }
          return Boolean.TRUE;
        });
    return storage;
  }

  static Sku sku(String variant, int i) {
    return Sku.of("obs-" + variant + "-" + i);
  }

  // ---- variants and windows ------------------------------------------------------------------

  /** One API and what it answered; touched by the driving thread between windows only. */
  static final class Variant {
    final String name;
    final CheckoutApi api;
    final @Nullable Observability observability;
    final List<Sku> skus = new ArrayList<>();
    private final byte[][] bodies;
    private final TreeMap<Integer, Long> statuses = new TreeMap<>();
    private final List<long[]> latencies = new ArrayList<>();
    long unitsSold;

    Variant(String name, CheckoutApi api, @Nullable Observability observability, int products) {
      this.name = name;
      this.api = api;
      this.observability = observability;
      this.bodies = new byte[products][];
      for (int i = 0; i < products; i++) {
        Sku sku = sku(name, i);
        skus.add(sku);
        bodies[i] = body(sku);
      }
    }

    /** A new checkout: a fresh key, one unit of the next product in turn. */
    ApiRequest request(long n) {
      return new ApiRequest(
          "POST",
          "/checkout",
          Optional.empty(),
          RequestHeaders.of(
              Map.of(
                  "Content-Type", List.of("application/json"),
                  "Idempotency-Key", List.of(name + "-" + n))),
          new ByteArrayInputStream(bodies[(int) (n % bodies.length)]));
    }

    void add(Map<Integer, Long> answered, long sold, long @Nullable [] sortedLatencies) {
      answered.forEach((status, count) -> statuses.merge(status, count, Long::sum));
      unitsSold += sold;
      if (sortedLatencies != null) {
        latencies.add(sortedLatencies);
      }
    }

    Totals totals() {
      long[] all = Latencies.merged(latencies);
      return new Totals(
          statuses, unitsSold, Latencies.percentile(all, 50), Latencies.percentile(all, 99));
    }

    private static byte[] body(Sku sku) {
      return ("{\"items\":[{\"sku\":\""
              + sku.value()
              + "\",\"quantity\":1}],\"email\":\"bench@example.com\",\"acceptedTerms\":\""
              + TERMS
              + "\",\"marketingOptIn\":false,\"paymentToken\":\""
              + TestPaymentGateway.APPROVE
              + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** What one thread answered in one window; its own until the window ends. */
  private static final class Driven {
    final Latencies latencies = new Latencies();
    final long[] statuses = new long[600];
  }

  /** Runs windows of one scenario. */
  private static final class Driver {
    private final SwappableBackend backend;
    private final int n;
    private final ExecutorService threads;
    private final AtomicLong next;
    private final PrintStream log;
    private final String scenario;

    Driver(
        SwappableBackend backend,
        int n,
        ExecutorService threads,
        AtomicLong next,
        PrintStream log,
        String scenario) {
      this.backend = backend;
      this.n = n;
      this.threads = threads;
      this.next = next;
      this.log = log;
      this.scenario = scenario;
    }

    /**
     * Runs {@code variant} on {@code n} threads until {@code seconds} have passed; the window ends
     * when the last thread has its last answer. A request that throws fails the run.
     */
    Window window(Variant variant, int round, int seconds) throws InterruptedException {
      backend.reset();
      System.gc();
      long stockBefore = stockLeft(variant.skus);
      CountDownLatch go = new CountDownLatch(1);
      long[] deadline = new long[1];
      List<Future<Driven>> running = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        running.add(
            threads.submit(
                () -> {
                  Driven mine = new Driven();
                  go.await();
                  long end = deadline[0];
                  while (System.nanoTime() < end) {
                    ApiRequest request = variant.request(next.incrementAndGet());
                    long start = System.nanoTime();
                    ApiResponse response = variant.api.handle(request);
                    mine.latencies.record(System.nanoTime() - start);
                    int status = response.status();
                    mine.statuses[status >= 0 && status < mine.statuses.length ? status : 0]++;
                  }
                  return mine;
                }));
      }
      Observability obs = variant.observability;
      Observability.Scraper scraper = obs == null ? null : obs.startScraping();
      long start = System.nanoTime();
      deadline[0] = start + TimeUnit.SECONDS.toNanos(seconds);
      long cpuStart = processCpuNanos();
      go.countDown();
      List<Driven> driven = new ArrayList<>(n);
      try {
        for (Future<Driven> f : running) {
          try {
            driven.add(f.get());
          } catch (ExecutionException e) {
            for (Future<Driven> other : running) {
              other.cancel(true);
            }
            throw new IllegalStateException(
                variant.name + " failed: " + e.getCause(), e.getCause());
          }
        }
      } finally {
        if (scraper != null) {
          scraper.stop();
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      long cpuEnd = processCpuNanos();
      long sold = stockBefore - stockLeft(variant.skus);
      TreeMap<Integer, Long> statuses = new TreeMap<>();
      List<Latencies> parts = new ArrayList<>(n);
      for (Driven d : driven) {
        parts.add(d.latencies);
        for (int s = 0; s < d.statuses.length; s++) {
          if (d.statuses[s] > 0) {
            statuses.merge(s, d.statuses[s], Long::sum);
          }
        }
      }
      long[] sorted = Latencies.sorted(parts);
      variant.add(statuses, sold, round == 0 ? null : sorted);
      Window w =
          new Window(
              variant.name,
              round,
              took,
              statuses,
              sold,
              Latencies.percentile(sorted, 50),
              Latencies.percentile(sorted, 99),
              cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart);
      log.printf(
          Locale.ROOT,
          "%s %s %s: %,d checkouts in %s, %,.0f/s, p50 %s ms, p99 %s ms, %.1f µs CPU each,"
              + " statuses %s%n",
          scenario,
          round == 0 ? "warm-up" : "round " + round,
          variant.name,
          w.checkouts(),
          took,
          w.perSecond(),
          millis(w.p50Nanos()),
          millis(w.p99Nanos()),
          w.cpuMicrosPerCheckout(),
          statuses);
      return w;
    }

    private long stockLeft(List<Sku> skus) {
      return backend
          .storage()
          .inTransaction(
              tx -> {
                long sum = 0;
                for (Sku sku : skus) {
                  sum += tx.products().find(sku).map(Product::stock).orElse(0L);
                }
                return sum;
              });
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * The sum of the samples of one Prometheus metric whose labels include {@code label}.
   *
   * @param exposition the text format
   * @param metric the sample name, such as {@code tinycheckout_checkout_duration_seconds_count}
   * @param label one label as it appears, such as {@code outcome="paid"}
   * @return the sum, 0 if no sample matches
   */
  static double prometheusSum(String exposition, String metric, String label) {
    double sum = 0;
    Matcher m = PROMETHEUS_LINE.matcher(exposition);
    while (m.find()) {
      if (m.group(1).equals(metric) && Arrays.asList(m.group(2).split(",")).contains(label)) {
        sum += Double.parseDouble(m.group(3));
      }
    }
    return sum;
  }

  /** The CPU time of the whole JVM process so far, or -1 where the JVM cannot tell. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }
}

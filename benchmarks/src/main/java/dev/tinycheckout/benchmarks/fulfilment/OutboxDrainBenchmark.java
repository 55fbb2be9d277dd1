package dev.tinycheckout.benchmarks.fulfilment;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.benchmarks.BenchDatabase;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DispatchConfig;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Drains a backlog of outbox deliveries with {@link FulfilmentDispatcher} on PostgreSQL, beside
 * db-scheduler draining as many one-time tasks, in one run; then measures commit-to-handler latency
 * of the dispatcher at a steady event rate. Prints a Markdown report on standard output, progress
 * on standard error.
 *
 * <ul>
 *   <li><b>Drain</b>: per run, a fresh database; {@code deliveries} outbox events, each with one
 *       {@link PendingDelivery} to a no-op hook, enqueued through {@link JdbcStorage} in
 *       transactions of {@value #ENQUEUE_CHUNK} (untimed). The clock starts before {@link
 *       FulfilmentDispatcher#start()} (4 handler threads, a fixed pool) and stops when no delivery
 *       is left unfinished in {@code tc_delivery}. The peer: as many instances of a db-scheduler
 *       one-time task with a no-op handler, scheduled in batch (untimed), {@code threads(4)},
 *       {@code pollUsingLockAndFetch(1.0, 4.0)} (its README's high-throughput setting), timed from
 *       {@code start()} until {@code scheduled_tasks} is empty. Runs alternate, ours first.
 *   <li><b>Latency</b>: {@value #PRODUCERS} producer threads write one event and its delivery per
 *       transaction, each event at its due time on a fixed schedule of {@code rate} per second for
 *       {@code seconds}; each takes the time as its commit begins and, after it, calls {@link
 *       FulfilmentDispatcher#wakeUp()} as the checkout's after-commit callback does; the hook takes
 *       the time it starts. Latency is handler start minus commit.
 * </ul>
 *
 * <p>Both use the same PostgreSQL server (zonky's embedded binaries, {@code fsync} and {@code
 * synchronous_commit} on, as in production) and a HikariCP pool of {@value #POOL} connections.
 * Arguments: {@code --deliveries=50000 --rounds=3 --rate=500 --seconds=20 --batch=128}; the system
 * property {@value #DATA_DIRECTORY_PROPERTY} moves PostgreSQL's data directory (to tmpfs, say). The
 * report starts with the machine's load average before and after the run.
 */
public final class OutboxDrainBenchmark {
  static final String HOOK = "noop";
  static final int WORKERS = 4;
  static final int POOL = 8;
  static final int ENQUEUE_CHUNK = 5_000;
  static final int PRODUCERS = 4;
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The system property naming PostgreSQL's data directory (default: a fresh temporary directory);
   * for example {@code -Dtinycheckout.bench.pgdata=/dev/shm/tc-bench} to see both sides with free
   * fsyncs. The directory is emptied first and removed afterwards.
   */
  static final String DATA_DIRECTORY_PROPERTY = "tinycheckout.bench.pgdata";

  /** db-scheduler's PostgreSQL table, as in its README and {@code postgresql_tables.sql}. */
  static final String PEER_SCHEMA =
      """
      create table scheduled_tasks (
        task_name text not null,
        task_instance text not null,
        task_data bytea,
        execution_time timestamp with time zone,
        picked boolean not null,
        picked_by text,
        last_success timestamp with time zone,
        last_failure timestamp with time zone,
        consecutive_failures int,
        last_heartbeat timestamp with time zone,
        version bigint not null,
        priority smallint,
        state text,
        primary key (task_name, task_instance)
      );
      create index execution_time_idx on scheduled_tasks (execution_time);
      create index last_heartbeat_idx on scheduled_tasks (last_heartbeat);
      create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc);
      """;

  /**
   * What to run.
   *
   * @param deliveries deliveries (and peer tasks) per drain run
   * @param rounds drain runs of each, interleaved
   * @param rate events per second in the latency phase
   * @param seconds length of the latency phase
   * @param batchSize the dispatcher's {@link DispatchConfig#batchSize()}
   */
  record Settings(int deliveries, int rounds, int rate, int seconds, int batchSize) {
    static Settings parse(String[] args) {
      int deliveries = 50_000;
      int rounds = 3;
      int rate = 500;
      int seconds = 20;
      int batch = 128;
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("expected --name=value, but was " + arg);
        }
        int value = Integer.parseInt(kv[1]);
        switch (kv[0]) {
          case "deliveries" -> deliveries = value;
          case "rounds" -> rounds = value;
          case "rate" -> rate = value;
          case "seconds" -> seconds = value;
          case "batch" -> batch = value;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Settings(deliveries, rounds, rate, seconds, batch);
    }

    DispatchConfig dispatchConfig() {
      return DispatchConfig.builder()
          .batchSize(batchSize)
          .minPollInterval(Duration.ofMillis(50))
          .maxPollInterval(Duration.ofMillis(500))
          .build();
    }
  }

  /** One timed drain: who, how many handled, how long. */
  record Drain(String who, int round, long handled, Duration took) {
    double perSecond() {
      return handled / (took.toNanos() / 1e9);
    }
  }

  /** The latency phase: how many events were written and handled, and the latencies in nanos. */
  record Latency(int written, int handled, Duration took, List<Long> sortedNanos) {
    double achievedRate() {
      return written / (took.toNanos() / 1e9);
    }

    double percentileMillis(double p) {
      if (sortedNanos.isEmpty()) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(p / 100.0 * sortedNanos.size());
      return sortedNanos.get(Math.max(0, Math.min(sortedNanos.size() - 1, rank - 1))) / 1e6;
    }
  }

  /** Everything one run measured. */
  record Report(Settings settings, List<Drain> ours, List<Drain> peer, Latency latency) {
    double medianRatio() {
      double[] ratios = new double[Math.min(ours.size(), peer.size())];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = ours.get(i).perSecond() / peer.get(i).perSecond();
      }
      Arrays.sort(ratios);
      if (ratios.length == 0) {
        return Double.NaN;
      }
      int mid = ratios.length / 2;
      return ratios.length % 2 == 1 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
    }

    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append(
          String.format(
              Locale.ROOT,
              "### Drain: %,d pending deliveries, %d workers, %d rounds interleaved%n%n",
              settings.deliveries,
              WORKERS,
              settings.rounds));
      md.append(
          "| Round | Ours (s) | Ours (events/s) | Peer (s) | Peer (events/s) | Ours / peer |\n");
      md.append("|---:|---:|---:|---:|---:|---:|\n");
      for (int i = 0; i < Math.min(ours.size(), peer.size()); i++) {
        Drain o = ours.get(i);
        Drain p = peer.get(i);
        md.append(
            String.format(
                Locale.ROOT,
                "| %d | %.2f | %,.0f | %.2f | %,.0f | %.2f× |%n",
                i + 1,
                o.took.toNanos() / 1e9,
                o.perSecond(),
                p.took.toNanos() / 1e9,
                p.perSecond(),
                o.perSecond() / p.perSecond()));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "%n**Median ratio ours / peer: %.2f×** (goal ≥ 2×). Ours: FulfilmentDispatcher,"
                  + " batchSize %d, fixed pool of %d handler threads. Peer: db-scheduler 16.7.1,"
                  + " threads(%d), pollUsingLockAndFetch(1.0, 4.0).%n%n",
              medianRatio(),
              settings.batchSize,
              WORKERS,
              WORKERS));
      md.append(
          String.format(
              Locale.ROOT,
              "### Commit-to-handler latency at %d events/s for %d s%n%n",
              settings.rate,
              settings.seconds));
      md.append("| Events written | Handled | Achieved rate (events/s) | p50 (ms) | p90 (ms) |")
          .append(" p99 (ms) | max (ms) |\n|---:|---:|---:|---:|---:|---:|---:|\n");
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %.0f | %.2f | %.2f | %.2f | %.2f |%n",
              latency.written,
              latency.handled,
              latency.achievedRate(),
              latency.percentileMillis(50),
              latency.percentileMillis(90),
              latency.percentileMillis(99),
              latency.percentileMillis(100)));
      md.append(
          String.format(
              Locale.ROOT, "%np99 %.2f ms (goal < 50 ms).%n", latency.percentileMillis(99)));
      return md.toString();
    }
  }

  private OutboxDrainBenchmark() {}

  /**
   * Runs the benchmark and prints the report.
   *
   * @param args {@code --deliveries=N --rounds=N --rate=N --seconds=N --batch=N}
   * @throws Exception if PostgreSQL cannot start or a run fails
   */
  public static void main(String[] args) throws Exception {
    Settings settings = Settings.parse(args);
    Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String loadBefore = BenchDatabase.loadAverage();
    Report report = run(settings, System.err);
    PrintStream out = System.out;
    out.println("## Outbox drain benchmark, " + began + "\n");
    out.println(
        "Load average (1, 5, 15 min) before: "
            + loadBefore
            + "; after: "
            + BenchDatabase.loadAverage()
            + "; "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs.\n");
    out.println(report.markdown());
  }

  static Report run(Settings settings, PrintStream log) throws IOException, SQLException {
    EmbeddedPostgres.Builder server =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on");
    String dataDirectory = System.getProperty(DATA_DIRECTORY_PROPERTY, "");
    if (!dataDirectory.isBlank()) {
      // Where PostgreSQL keeps its data decides what an fsync costs (tmpfs: nothing).
      server.setDataDirectory(Path.of(dataDirectory)).setCleanDataDirectory(true);
      log.println("PostgreSQL data directory: " + dataDirectory);
    }
    try (EmbeddedPostgres postgres = server.start()) {
      List<Drain> ours = new ArrayList<>();
      List<Drain> peer = new ArrayList<>();
      int database = 0;
      for (int round = 1; round <= settings.rounds; round++) {
        long began = System.nanoTime();
        try (HikariDataSource pool =
            BenchDatabase.fresh(postgres, "tc-drain", "drain_" + ++database, POOL)) {
          Drain d = drainOurs(pool, settings, round);
          log.printf(
              Locale.ROOT, "(ours round %d, with set-up: %d ms)%n", round, elapsedMillis(began));
          log.printf(
              Locale.ROOT,
              "ours round %d: %s, %,.0f events/s (load %s)%n",
              round,
              d.took,
              d.perSecond(),
              BenchDatabase.loadAverage());
          ours.add(d);
        }
        began = System.nanoTime();
        try (HikariDataSource pool =
            BenchDatabase.fresh(postgres, "tc-drain", "drain_" + ++database, POOL)) {
          Drain d = drainPeer(pool, settings, round);
          log.printf(
              Locale.ROOT, "(peer round %d, with set-up: %d ms)%n", round, elapsedMillis(began));
          log.printf(
              Locale.ROOT,
              "peer round %d: %s, %,.0f events/s (load %s)%n",
              round,
              d.took,
              d.perSecond(),
              BenchDatabase.loadAverage());
          peer.add(d);
        }
      }
      Latency latency;
      try (HikariDataSource pool = BenchDatabase.fresh(postgres, "tc-drain", "latency", POOL)) {
        latency = latency(pool, settings);
        log.printf(
            Locale.ROOT,
            "latency: %d written, %d handled, p99 %.2f ms%n",
            latency.written,
            latency.handled,
            latency.percentileMillis(99));
      }
      return new Report(settings, ours, peer, latency);
    }
  }

  private static long elapsedMillis(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }

  // ---- ours ----------------------------------------------------------------------------------

  private static JdbcStorage storage(DataSource pool) {
    JdbcMigrator.create(pool).migrate();
    return JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build();
  }

  /** A hook that does nothing but count, and, if timed, note when each delivery started. */
  private static final class NoopHook implements FulfilmentHook {
    final AtomicLong handled = new AtomicLong();
    final Map<UUID, Long> startedAt;
    final boolean timed;

    NoopHook(Map<UUID, Long> startedAt, boolean timed) {
      this.startedAt = startedAt;
      this.timed = timed;
    }

    @Override
    public String name() {
      return HOOK;
    }

    @Override
    public void handle(Delivery delivery) {
      if (timed) {
        startedAt.putIfAbsent(delivery.deliveryId(), System.nanoTime());
      }
      handled.incrementAndGet();
    }
  }

  static Drain drainOurs(DataSource pool, Settings settings, int round) {
    JdbcStorage storage = storage(pool);
    NoopHook hook = new NoopHook(Map.of(), false);
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    Instant now = Instant.now();
    for (int from = 0; from < settings.deliveries; from += ENQUEUE_CHUNK) {
      int to = Math.min(settings.deliveries, from + ENQUEUE_CHUNK);
      int first = from;
      storage.inTransaction(
          tx -> {
            for (int i = first; i < to; i++) {
              OutboxEvent event = event(i, now);
              tx.outbox().enqueue(event);
              for (PendingDelivery d : hooks.deliveriesFor(event, now)) {
                tx.deliveries().enqueue(d);
              }
            }
            return to - first;
          });
    }
    analyze(pool, "tc_delivery");
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder()
            .storage(storage)
            .hooks(hooks)
            .executor(workers)
            .config(settings.dispatchConfig())
            .owner("bench-" + round)
            .build();
    long start = System.nanoTime();
    dispatcher.start();
    awaitDrained(
        pool,
        hook.handled,
        settings.deliveries,
        "SELECT count(*) FROM tc_delivery WHERE status <> 'done'");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    dispatcher.stop(Duration.ofSeconds(5));
    workers.shutdownNow();
    return new Drain("ours", round, countDone(pool), took);
  }

  private static OutboxEvent event(int i, Instant now) {
    return new OutboxEvent(
        UUID.randomUUID(),
        OutboxEvent.ORDER_PLACED,
        "order-" + i,
        "{\"orderId\":\"order-" + i + "\"}",
        now);
  }

  private static long countDone(DataSource pool) {
    return BenchDatabase.count(pool, "SELECT count(*) FROM tc_delivery WHERE status = 'done'");
  }

  // ---- the peer ------------------------------------------------------------------------------

  static Drain drainPeer(DataSource pool, Settings settings, int round) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(PEER_SCHEMA);
    }
    AtomicLong handled = new AtomicLong();
    OneTimeTask<Void> task =
        Tasks.oneTime(HOOK).execute((instance, context) -> handled.incrementAndGet());
    SchedulerClient client = SchedulerClient.Builder.create(pool, task).build();
    List<TaskInstance<?>> batch = new ArrayList<>(ENQUEUE_CHUNK);
    Instant due = Instant.now().minusSeconds(1);
    for (int i = 0; i < settings.deliveries; i++) {
      batch.add(task.instance("order-" + i));
      if (batch.size() == ENQUEUE_CHUNK || i == settings.deliveries - 1) {
        client.scheduleBatch(batch, due);
        batch.clear();
      }
    }
    analyze(pool, "scheduled_tasks");
    Scheduler scheduler =
        Scheduler.create(pool, task)
            .threads(WORKERS)
            .pollUsingLockAndFetch(1.0, 4.0)
            .pollingInterval(Duration.ofMillis(50))
            .build();
    long start = System.nanoTime();
    scheduler.start();
    awaitDrained(pool, handled, settings.deliveries, "SELECT count(*) FROM scheduled_tasks");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    scheduler.stop();
    return new Drain("peer", round, handled.get(), took);
  }

  // ---- latency -------------------------------------------------------------------------------

  static Latency latency(DataSource pool, Settings settings) {
    JdbcStorage storage = storage(pool);
    Map<UUID, Long> startedAt = new ConcurrentHashMap<>();
    Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
    NoopHook hook = new NoopHook(startedAt, true);
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder()
            .storage(storage)
            .hooks(hooks)
            .executor(workers)
            .config(settings.dispatchConfig())
            .owner("bench-latency")
            .build();
    dispatcher.start();
    int total = settings.rate * settings.seconds;
    long period = TimeUnit.SECONDS.toNanos(1) / settings.rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    // Event i is due at start + i * period; producer k writes the events i with i % PRODUCERS == k,
    // so one slow commit (a WAL flush) does not hold back the events due after it.
    Thread[] producers = new Thread[PRODUCERS];
    for (int k = 0; k < PRODUCERS; k++) {
      int first = k;
      producers[k] =
          new Thread(
              () -> {
                for (int i = first; i < total; i += PRODUCERS) {
                  long wait = start + i * period - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  produce(storage, hooks, i, committedAt);
                  dispatcher.wakeUp();
                }
              },
              "tc-bench-producer-" + k);
      producers[k].start();
    }
    for (Thread t : producers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while producing", e);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (startedAt.size() < committedAt.size() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    dispatcher.stop(Duration.ofSeconds(5));
    workers.shutdownNow();
    List<Long> latencies =
        committedAt.entrySet().stream()
            .filter(e -> startedAt.containsKey(e.getKey()))
            .mapToLong(e -> startedAt.getOrDefault(e.getKey(), e.getValue()) - e.getValue())
            .sorted()
            .boxed()
            .toList();
    return new Latency(committedAt.size(), startedAt.size(), took, latencies);
  }

  /** The deliveries one transaction wrote, and the time its work ended and its commit began. */
  private record Written(List<UUID> ids, long committing) {}

  /**
   * One checkout's worth of outbox writes in one transaction. The time is taken at the end of the
   * unit of work, as the commit is about to be sent: the dispatcher may claim the row as soon as
   * the commit is visible, before this thread runs again, so a time taken after the call returns
   * can be later than the handler's start. Latency therefore includes the commit's own WAL flush.
   */
  private static void produce(
      JdbcStorage storage, FulfilmentHooks hooks, int n, Map<UUID, Long> committedAt) {
    Written written =
        storage.inTransaction(
            tx -> {
              Instant now = Instant.now();
              OutboxEvent event = event(n, now);
              tx.outbox().enqueue(event);
              List<UUID> ids = new ArrayList<>(1);
              for (PendingDelivery d : hooks.deliveriesFor(event, now)) {
                tx.deliveries().enqueue(d);
                ids.add(d.deliveryId());
              }
              return new Written(ids, System.nanoTime());
            });
    for (UUID id : written.ids()) {
      committedAt.put(id, written.committing());
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Waits until the handler count reaches {@code expected}, then until the query says zero. */
  private static void awaitDrained(
      DataSource pool, AtomicLong handled, long expected, String left) {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (handled.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "drain timed out: " + handled.get() + " of " + expected + " handled");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    while (BenchDatabase.count(pool, left) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("drain timed out: rows left after every handler ran");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Fresh statistics after the bulk insert, so neither side plans against an empty table. */
  private static void analyze(DataSource pool, String table) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("ANALYZE " + table);
    } catch (SQLException e) {
      throw new IllegalStateException("analyze failed: " + table, e);
    }
  }
}

package dev.tinycheckout.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Checkouts per second through {@link JdbcStorage} on a real PostgreSQL, beside the same SQL
 * statements issued as bare JDBC in the same run.
 *
 * <ul>
 *   <li>{@link #checkout}: {@link Checkout#placeOrder} with a fresh idempotency key per call and
 *       the approving {@link TestPaymentGateway} token: two database transactions (claim and
 *       reserve; finish), every call places a paid order;
 *   <li>{@link #bareJdbc}: {@link BareJdbcCheckout}, the same statements in the same two
 *       transactions with plain {@code PreparedStatement}s and no tinycheckout code.
 * </ul>
 *
 * <p>Each trial starts one embedded PostgreSQL (zonky's binaries, a fresh data directory on disk),
 * a HikariCP pool with one connection per benchmark thread, migrates it with {@link JdbcMigrator}
 * and seeds one product with 10^12 units in stock. Run with {@code -t 1}, {@code -t 4}, {@code -t
 * 16}. Zonky starts PostgreSQL with {@code fsync} and {@code synchronous_commit} off; here both are
 * on, as in production, unless {@code -p durable=false}. The database grows by one order per call;
 * the JVM keeps only the test gateway's charges.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class JdbcCheckoutBenchmark {
  static final Sku SKU = Sku.of("bench-item");
  static final long STOCK = 1_000_000_000_000L;
  static final String TERMS = "2026-11-01";
  static final String SCOPE = "bench";

  /** The consent subject secret of both checkouts: fixed, as a shop configures one. */
  static final byte[] SUBJECT_SECRET =
      "tinycheckout-benchmark-subject-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

  /**
   * {@code true} (the default): {@code fsync} and {@code synchronous_commit} on, as in production,
   * so every commit waits for its WAL flush; {@code false}: zonky's defaults, both off.
   */
  @Param({"true"})
  public boolean durable = true;

  private final AtomicLong counter = new AtomicLong();
  private final CheckoutRequest request =
      CheckoutRequest.builder()
          .item(SKU.value(), 1)
          .email("bench@example.com")
          .acceptedTerms(TERMS)
          .paymentToken(TestPaymentGateway.APPROVE)
          .build();

  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private Checkout checkout;
  private BareJdbcCheckout bare;

  /**
   * Starts PostgreSQL and the pool, sized for the trial's threads, migrates and seeds.
   *
   * @param params the trial's parameters (its thread count)
   * @throws IOException if PostgreSQL cannot start
   */
  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) throws IOException {
    start(params.getThreads(), null);
  }

  /**
   * {@link #setUp} for tests: with a pool of {@code threads} connections and, if {@code
   * statementLog} is given, every statement PostgreSQL runs logged to that file.
   */
  void setUp(int threads, @Nullable Path statementLog) throws IOException {
    start(threads, statementLog);
  }

  private void start(int threads, @Nullable Path statementLog) throws IOException {
    String durability = durable ? "on" : "off";
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", durability)
            .setServerConfig("synchronous_commit", durability);
    if (statementLog != null) {
      builder
          .setServerConfig("log_statement", "all")
          .setServerConfig("log_line_prefix", "")
          .setErrorRedirector(Redirect.appendTo(statementLog.toFile()))
          .setOutputRedirector(Redirect.appendTo(statementLog.toFile()));
    }
    postgres = builder.start();
    HikariConfig config = new HikariConfig();
    config.setPoolName("tc-bench");
    config.setDataSource(postgres.getPostgresDatabase());
    config.setMaximumPoolSize(Math.max(1, threads));
    config.setMinimumIdle(Math.max(1, threads));
    config.setConnectionTimeout(30_000);
    pool = new HikariDataSource(config);
    JdbcMigrator.create(pool).migrate();
    JdbcStorage storage = JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build();
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(SKU, "Benchmark item", Money.of(100, "USD"), STOCK, Instant.now()));
    checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion(TERMS)
            .consentAudit(
                ConsentAudit.builder(storage)
                    .subjectSecret(SUBJECT_SECRET)
                    // Chaining runs after the commit and is measured by ConsentTrailBenchmark;
                    // here both methods stage the consent and leave it staged.
                    .chainExecutor(pass -> {})
                    .build())
            .build();
    bare = new BareJdbcCheckout(pool, SUBJECT_SECRET);
  }

  /**
   * Closes the pool and stops PostgreSQL, deleting its data directory.
   *
   * @throws IOException if PostgreSQL does not stop cleanly
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    pool.close();
    postgres.close();
  }

  /**
   * One checkout through the library with a new key.
   *
   * @return the placed order's result
   */
  @Benchmark
  public CheckoutResult checkout() {
    return checkout.placeOrder(IdempotencyKey.scoped(SCOPE, nextKey("c")), request);
  }

  /**
   * The same statements and transactions as {@link #checkout}, as bare JDBC, with a new key.
   *
   * @return the placed order's id
   * @throws SQLException if the database fails
   */
  @Benchmark
  public String bareJdbc() throws SQLException {
    return bare.placeOrder(SCOPE, nextKey("b"));
  }

  private String nextKey(String prefix) {
    return prefix + counter.incrementAndGet();
  }

  /** The pool, for tests. */
  DataSource dataSource() {
    return pool;
  }
}

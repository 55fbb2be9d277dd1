package dev.tinycheckout.benchmarks.http;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.catalog.Sku;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * One shop behind a tinycheckout mount: a {@link CheckoutApi} on its own storage, with two products
 * and one completed checkout to replay.
 *
 * <ul>
 *   <li>{@value #READ_SKU}: read by the product scenarios, never bought, so its ETag stays put;
 *   <li>{@value #BUY_SKU}: 10^12 units, bought by the checkout scenarios;
 *   <li>key {@value #REPLAY_KEY}: completed once with {@link #checkoutBody()} before the run.
 * </ul>
 */
final class BenchmarkShop implements AutoCloseable {
  static final String READ_SKU = "bench-read";
  static final String BUY_SKU = "bench-item";
  static final String TERMS = "bench-terms-1";
  static final String REPLAY_KEY = "bench-replay";
  static final long STOCK = 1_000_000_000_000L;

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final CheckoutApi api;
  private final @Nullable HikariDataSource pool;
  private final @Nullable EmbeddedPostgres postgres;

  /** The storages a shop can run on. */
  enum StorageKind {
    /** {@code InMemoryStorage.create()}: the engine and the mount, no database. */
    MEMORY,
    /** An in-memory H2 database through {@code JdbcStorage} and a HikariCP pool. */
    H2,
    /** Embedded PostgreSQL (zonky; its defaults: fsync off) through {@code JdbcStorage}. */
    POSTGRES;

    static StorageKind parse(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  private BenchmarkShop(
      CheckoutStorage storage,
      @Nullable HikariDataSource pool,
      @Nullable EmbeddedPostgres postgres) {
    this.pool = pool;
    this.postgres = postgres;
    Instant now = Instant.now();
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of(READ_SKU), "Read item", Money.of(100, "USD"), 1_000_000, now);
          return tx.products()
              .upsert(Sku.of(BUY_SKU), "Benchmark item", Money.of(100, "USD"), STOCK, now);
        });
    this.api =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .terms(TERMS, "Benchmark terms of sale.")
            .build();
    api.warmUp();
    ApiResponse first = api.handle(checkoutRequest(REPLAY_KEY));
    if (first.status() != 201) {
      throw new IllegalStateException(
          "could not complete the replayed checkout: "
              + first
              + " "
              + new String(first.body(), StandardCharsets.UTF_8));
    }
  }

  /**
   * A shop on a new, empty storage of the given kind.
   *
   * @param kind the storage
   * @return the shop, seeded
   */
  static BenchmarkShop create(StorageKind kind) {
    return switch (kind) {
      case MEMORY -> new BenchmarkShop(InMemoryStorage.create(), null, null);
      case H2 -> {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:tc-http-" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
        HikariDataSource pool = pool(h2);
        JdbcMigrator.create(pool, JdbcDialect.H2).migrate();
        yield new BenchmarkShop(
            JdbcStorage.builder(pool).dialect(JdbcDialect.H2).build(), pool, null);
      }
      case POSTGRES -> {
        EmbeddedPostgres pg;
        try {
          pg = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
          throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        HikariDataSource pool = pool(pg.getPostgresDatabase());
        JdbcMigrator.create(pool, JdbcDialect.POSTGRESQL).migrate();
        yield new BenchmarkShop(
            JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build(), pool, pg);
      }
    };
  }

  private static HikariDataSource pool(javax.sql.DataSource dataSource) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tc-http-bench");
    config.setDataSource(dataSource);
    config.setMaximumPoolSize(16);
    config.setMinimumIdle(16);
    return new HikariDataSource(config);
  }

  /**
   * The checkout body every checkout scenario sends: one unit of {@value #BUY_SKU}, the current
   * terms, the approving token.
   *
   * @return the JSON body
   */
  static byte[] checkoutBody() {
    return ("{\"items\":[{\"sku\":\""
            + BUY_SKU
            + "\",\"quantity\":1}],\"email\":\"bench@example.com\",\"acceptedTerms\":\""
            + TERMS
            + "\",\"marketingOptIn\":false,\"paymentToken\":\""
            + TestPaymentGateway.APPROVE
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static ApiRequest checkoutRequest(String key) {
    return new ApiRequest(
        "POST",
        "/checkout",
        Optional.empty(),
        RequestHeaders.of(
            Map.of(
                "Content-Type", List.of("application/json"),
                "Idempotency-Key", List.of(key))),
        new ByteArrayInputStream(checkoutBody()));
  }

  /**
   * The API to mount.
   *
   * @return the API
   */
  CheckoutApi api() {
    return api;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        System.err.println("embedded PostgreSQL did not stop cleanly: " + e);
      }
    }
  }
}

package dev.tinycheckout.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases the JDBC tests run on. H2, SQLite and an embedded PostgreSQL (zonky: real
 * PostgreSQL binaries from Maven Central) are always there; MariaDB and a second PostgreSQL (the
 * machine's own) only when {@code TINYCHECKOUT_TEST_MARIADB_URL} / {@code
 * TINYCHECKOUT_TEST_POSTGRES_URL} point at one, otherwise their tests are skipped with a message.
 *
 * <p>Each database is migrated once per JVM; {@link #reset()} empties every table between tests.
 */
enum TestDatabase {
  H2,
  SQLITE,
  POSTGRES,
  POSTGRES_LOCAL,
  MARIADB;

  private static final Map<TestDatabase, HikariDataSource> POOLS =
      new EnumMap<>(TestDatabase.class);
  private static final Map<TestDatabase, HikariDataSource> SECOND_POOLS =
      new EnumMap<>(TestDatabase.class);
  private static EmbeddedPostgres embedded;

  /** The env variable naming this database, for the optional ones. */
  String envVariable() {
    return switch (this) {
      case POSTGRES_LOCAL -> "TINYCHECKOUT_TEST_POSTGRES_URL";
      case MARIADB -> "TINYCHECKOUT_TEST_MARIADB_URL";
      default -> "";
    };
  }

  /** Skips the calling test (class) when this database is not configured. */
  void assumeAvailable() {
    if (!envVariable().isEmpty()) {
      String url = System.getenv(envVariable());
      Assumptions.assumeTrue(
          url != null && !url.isBlank(),
          envVariable() + " is not set: skipping the " + this + " tests (see docs/storage.md)");
    }
  }

  /** A pooled, migrated data source; the same one for the whole JVM. */
  synchronized DataSource dataSource() {
    assumeAvailable();
    HikariDataSource pool = POOLS.get(this);
    if (pool == null) {
      pool = new HikariDataSource(config());
      JdbcMigrator.create(pool).migrate();
      POOLS.put(this, pool);
    }
    return pool;
  }

  /** A fresh storage on an emptied database. */
  JdbcStorage freshStorage() {
    reset();
    return JdbcStorage.create(dataSource());
  }

  /** Deletes every row, so the next test starts from an empty storage. */
  void reset() {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table :
          new String[] {
            "tc_delivery", "tc_order_line", "tc_order", "tc_idempotency", "tc_outbox", "tc_product"
          }) {
        s.execute("DELETE FROM " + table);
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset " + this, e);
    }
    // The consent entries are append-only: emptied the way only a database owner can.
    JdbcConsentRows.of(this).empty();
  }

  /**
   * A second storage on the same database as {@link #freshStorage()}, with its own pool (kept for
   * the JVM), as another instance of the shop would open it.
   */
  synchronized JdbcStorage sameDatabase() {
    HikariDataSource pool = SECOND_POOLS.get(this);
    if (pool == null) {
      pool = anotherPool();
      SECOND_POOLS.put(this, pool);
    }
    return JdbcStorage.create(pool);
  }

  /**
   * A second pool on the same database as {@link #dataSource()}, as another shop instance would
   * open it.
   *
   * @return a new pool; the caller closes it
   */
  HikariDataSource anotherPool() {
    HikariDataSource first = (HikariDataSource) dataSource();
    HikariConfig config = new HikariConfig();
    first.copyStateTo(config);
    config.setPoolName(first.getPoolName() + "-another-" + UUID.randomUUID());
    return new HikariDataSource(config);
  }

  /**
   * A JDBC URL of this database that another process can connect to (the PostgreSQL and MariaDB
   * ones only: H2 lives in this JVM's memory).
   *
   * @return the URL, with its credentials
   */
  String jdbcUrl() {
    assumeAvailable();
    return switch (this) {
      case POSTGRES -> embedded().getJdbcUrl("postgres", "postgres");
      case POSTGRES_LOCAL, MARIADB -> System.getenv(envVariable());
      default -> throw new UnsupportedOperationException("no shared URL for " + this);
    };
  }

  /**
   * A new, empty, unmigrated database of this kind (H2, SQLite and the embedded PostgreSQL only).
   *
   * @return a pool on it; the caller closes it
   */
  HikariDataSource freshDatabase() {
    HikariConfig config = config();
    if (this == POSTGRES) {
      String name = "tc_" + UUID.randomUUID().toString().replace("-", "");
      try (Connection c = embedded().getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      config.setDataSource(embedded().getDatabase("postgres", name));
    } else if (this != H2 && this != SQLITE) {
      throw new UnsupportedOperationException("no fresh databases of " + this + " in tests");
    }
    config.setPoolName(config.getPoolName() + "-fresh-" + UUID.randomUUID());
    return new HikariDataSource(config);
  }

  private HikariConfig config() {
    HikariConfig config = new HikariConfig();
    config.setPoolName("tc-test-" + name().toLowerCase(java.util.Locale.ROOT));
    config.setMaximumPoolSize(20);
    config.setConnectionTimeout(30_000);
    switch (this) {
      case H2 ->
          config.setJdbcUrl(
              "jdbc:h2:mem:tc"
                  + UUID.randomUUID().toString().replace("-", "")
                  + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
      case SQLITE -> {
        try {
          Path dir = Files.createTempDirectory("tinycheckout-sqlite");
          config.setJdbcUrl("jdbc:sqlite:" + dir.resolve("shop.db"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        config.addDataSourceProperty("busy_timeout", "30000");
        config.addDataSourceProperty("journal_mode", "WAL");
        config.setMaximumPoolSize(4);
      }
      case POSTGRES -> config.setDataSource(embedded().getPostgresDatabase());
      case POSTGRES_LOCAL, MARIADB -> config.setJdbcUrl(System.getenv(envVariable()));
    }
    return config;
  }

  private static synchronized EmbeddedPostgres embedded() {
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      embedded.close();
                    } catch (IOException e) {
                      // the JVM is going down anyway
                    }
                  }));
    }
    return embedded;
  }
}

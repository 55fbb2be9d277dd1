package dev.tinycheckout.http.kit.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.store.CheckoutStorage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Fresh, migrated databases on one embedded PostgreSQL per JVM (zonky: real PostgreSQL binaries),
 * one per {@link #fresh()} call; {@link #close()} drops every database it made.
 *
 * <p>The schema is migrated once per JVM into a template database; each fresh database is a copy of
 * it ({@code CREATE DATABASE ... TEMPLATE}), which is much faster than migrating every time. Keep
 * one in a test instance field marked {@code @AutoClose}.
 */
public final class PostgresStorages implements AutoCloseable {
  private static final String TEMPLATE = "tc_kit_template";
  private static EmbeddedPostgres embedded;

  private final List<Made> made = new ArrayList<>();

  private record Made(String name, HikariDataSource pool) {}

  /** Creates a fixture that has made no database yet. */
  public PostgresStorages() {}

  /**
   * A new, empty, migrated PostgreSQL database and a storage on it.
   *
   * @return the storage; its database lives until {@link #close()}
   */
  public synchronized CheckoutStorage fresh() {
    return freshDatabase().storage();
  }

  /**
   * A new, empty, migrated PostgreSQL database, with a storage on it and its pool for raw SQL (a
   * tamper test edits rows behind the storage's back; the pool connects as a superuser, so it may
   * disable the append-only triggers).
   *
   * @return the database; it lives until {@link #close()}
   */
  public synchronized KitDatabase freshDatabase() {
    EmbeddedPostgres postgres = embedded();
    String name = "tc_" + UUID.randomUUID().toString().replace("-", "");
    execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    HikariConfig config = new HikariConfig();
    config.setPoolName("kit-pg-" + name);
    config.setDataSource(postgres.getDatabase("postgres", name));
    config.setMaximumPoolSize(20);
    HikariDataSource pool = new HikariDataSource(config);
    made.add(new Made(name, pool));
    return new KitDatabase(
        JdbcStorage.builder(pool).dialect(JdbcDialect.POSTGRESQL).build(),
        pool,
        JdbcDialect.POSTGRESQL);
  }

  /** Closes the pools and drops every database this fixture made. */
  @Override
  public synchronized void close() {
    for (Made m : made) {
      m.pool().close();
      execute(embedded().getPostgresDatabase(), "DROP DATABASE IF EXISTS " + m.name());
    }
    made.clear();
  }

  private static synchronized EmbeddedPostgres embedded() {
    if (embedded == null) {
      EmbeddedPostgres started;
      try {
        started = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
      }
      execute(started.getPostgresDatabase(), "CREATE DATABASE " + TEMPLATE);
      HikariConfig config = new HikariConfig();
      config.setPoolName("kit-pg-template");
      config.setDataSource(started.getDatabase("postgres", TEMPLATE));
      config.setMaximumPoolSize(2);
      // Closed right after: PostgreSQL copies a template only while nobody is connected to it.
      try (HikariDataSource template = new HikariDataSource(config)) {
        JdbcMigrator.create(template, JdbcDialect.POSTGRESQL).migrate();
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // the JVM is going down anyway
                    }
                  }));
      embedded = started;
    }
    return embedded;
  }

  private static void execute(DataSource dataSource, String sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run: " + sql, e);
    }
  }
}

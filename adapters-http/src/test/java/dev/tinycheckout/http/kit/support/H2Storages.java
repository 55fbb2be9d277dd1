package dev.tinycheckout.http.kit.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import dev.tinycheckout.store.CheckoutStorage;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Fresh, migrated H2 in-memory databases for contract tests, one per {@link #fresh()} call; {@link
 * #close()} drops every database it made. Keep one in a test instance field marked
 * {@code @AutoClose}, so each test gets its own database and frees it afterwards.
 */
public final class H2Storages implements AutoCloseable {
  private final List<HikariDataSource> pools = new ArrayList<>();

  /** Creates a fixture that has made no database yet. */
  public H2Storages() {}

  /**
   * A new, empty, migrated H2 database and a storage on it.
   *
   * @return the storage; its database lives until {@link #close()}
   */
  public synchronized CheckoutStorage fresh() {
    return freshDatabase().storage();
  }

  /**
   * A new, empty, migrated H2 database, with a storage on it and its pool for raw SQL (a tamper
   * test edits rows behind the storage's back).
   *
   * @return the database; it lives until {@link #close()}
   */
  public synchronized KitDatabase freshDatabase() {
    String name = "tc" + UUID.randomUUID().toString().replace("-", "");
    HikariConfig config = new HikariConfig();
    config.setPoolName("kit-h2-" + name);
    // A lock wait long enough that many buyers of one product queue instead of failing.
    config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000");
    config.setMaximumPoolSize(20);
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    JdbcMigrator.create(pool, JdbcDialect.H2).migrate();
    return new KitDatabase(
        JdbcStorage.builder(pool).dialect(JdbcDialect.H2).build(), pool, JdbcDialect.H2);
  }

  /** Drops every database this fixture made and closes their pools. */
  @Override
  public synchronized void close() {
    for (HikariDataSource pool : pools) {
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException e) {
        // the database is gone either way once the pool closes
      }
      pool.close();
    }
    pools.clear();
  }
}

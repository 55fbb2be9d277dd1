package dev.tinycheckout.jdbc;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckoutStorage} on a JDBC {@link DataSource}: every unit of work is one database
 * transaction at READ COMMITTED (SQLite: {@code BEGIN IMMEDIATE}), on one pooled connection.
 *
 * <p>Concurrency is decided by the database: a primary key on (scope, key) picks the one winner of
 * an idempotency key, stock changes only through conditional updates, and idempotency records are
 * read with {@code SELECT ... FOR UPDATE}. Transient failures (deadlock victim, lock timeout,
 * serialization failure, a connection lost mid-transaction) surface as a retryable {@link
 * StorageException}, which the checkout retries.
 *
 * <p>The schema must be migrated first, with {@link JdbcMigrator} or with Flyway pointed at {@link
 * JdbcDialect#migrationLocation()}; a storage used before that fails with a message saying so.
 *
 * <p>Thread-safe; create one per {@code DataSource} and share it. Bring your own pool (HikariCP).
 */
public final class JdbcStorage implements CheckoutStorage {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);

  /** Guards against nesting on one thread; per instance, so two storages may be used together. */
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  private final DataSource dataSource;
  private volatile @Nullable JdbcDialect dialect;

  /**
   * Whether the pool's connections default to READ COMMITTED. Learned from the first connection;
   * when true, no unit of work spends round trips reading or setting the isolation level.
   */
  private volatile @Nullable Boolean poolIsReadCommitted;

  private JdbcStorage(Builder builder) {
    this.dataSource = builder.dataSource;
    this.dialect = builder.dialect;
  }

  /**
   * A builder for a storage on the given data source.
   *
   * @param dataSource a pooled data source
   * @return the builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * A storage on the given data source, with the dialect detected from the first connection.
   *
   * @param dataSource a pooled data source
   * @return the storage
   */
  public static JdbcStorage create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * The dialect in use, detecting it if needed.
   *
   * @return the dialect
   * @throws StorageException if the database cannot be reached
   */
  public JdbcDialect dialect() {
    JdbcDialect d = dialect;
    if (d != null) {
      return d;
    }
    try (Connection c = dataSource.getConnection()) {
      d = JdbcDialect.detect(c);
      dialect = d;
      return d;
    } catch (SQLException e) {
      throw new StorageException(
          "cannot reach the database to detect its dialect: " + e.getMessage(), true, e);
    }
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    Objects.requireNonNull(work, "work");
    if (active.get() != null) {
      throw new IllegalStateException("nested units of work are not supported");
    }
    JdbcDialect d = dialect();
    active.set(Boolean.TRUE);
    JdbcTransaction tx = null;
    Connection c = null;
    try {
      c = dataSource.getConnection();
      boolean autoCommit = c.getAutoCommit();
      boolean setIsolation = !d.managesTransactionsItself() && !readCommitted(c);
      int isolation = setIsolation ? c.getTransactionIsolation() : Connection.TRANSACTION_NONE;
      try {
        d.begin(c);
        if (setIsolation) {
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        tx = new JdbcTransaction(c, d);
        T result = work.run(tx);
        tx.close();
        d.commit(c);
        return result;
      } catch (RuntimeException | Error | SQLException e) {
        if (tx != null) {
          tx.close();
        }
        rollbackQuietly(d, c, e);
        throw e;
      } finally {
        restore(c, autoCommit, isolation);
      }
    } catch (SQLException e) {
      throw translate(d, e);
    } finally {
      active.remove();
      if (c != null) {
        try {
          c.close();
        } catch (SQLException e) {
          LOG.debug("closing a connection failed", e);
        }
      }
    }
  }

  private boolean readCommitted(Connection c) throws SQLException {
    Boolean known = poolIsReadCommitted;
    if (known == null) {
      known = c.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED;
      poolIsReadCommitted = known;
      if (!known) {
        LOG.info(
            "the pool's connections are not READ COMMITTED; each unit of work sets and restores it"
                + " (configure the pool's transaction isolation to save two round trips)");
      }
    }
    return known;
  }

  private static void restore(Connection c, boolean autoCommit, int isolation) {
    try {
      if (!c.isClosed()) {
        if (c.getAutoCommit() != autoCommit) {
          c.setAutoCommit(autoCommit);
        }
        if (isolation != Connection.TRANSACTION_NONE) {
          c.setTransactionIsolation(isolation);
        }
      }
    } catch (SQLException e) {
      LOG.debug("restoring connection settings failed", e);
    }
  }

  private static void rollbackQuietly(JdbcDialect d, Connection c, Throwable cause) {
    try {
      if (!c.isClosed()) {
        d.rollback(c);
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Wraps a JDBC failure at the adapter's edge. */
  static StorageException translate(JdbcDialect d, SQLException e) {
    if (d.isMissingTable(e)) {
      return new StorageException(
          "the tinycheckout schema is missing ("
              + e.getMessage()
              + "); migrate at start with JdbcMigrator.create(dataSource).migrate(), or with Flyway"
              + " at classpath:"
              + d.migrationLocation()
              + " (https://tinycheckout.dev/docs/storage#migrate)",
          false,
          e);
    }
    boolean retryable = d.isTransient(e);
    return new StorageException(
        (retryable ? "transient database failure, safe to retry: " : "database failure: ")
            + e.getMessage()
            + " [SQLState "
            + e.getSQLState()
            + ", code "
            + e.getErrorCode()
            + "]",
        retryable,
        e);
  }

  /** Builds a {@link JdbcStorage}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable JdbcDialect dialect;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Sets the dialect instead of detecting it.
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(JdbcDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Builds the storage. Does not connect.
     *
     * @return the storage
     */
    public JdbcStorage build() {
      return new JdbcStorage(this);
    }
  }
}

package dev.tinycheckout.jdbc;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import java.util.regex.Pattern;
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
 * read with {@code SELECT ... FOR UPDATE}. Consent entries form one hash chain: each append locks
 * the chain's single head row until commit and inserts the next entry; entries are never updated or
 * deleted, and on PostgreSQL, MySQL/MariaDB and SQLite triggers refuse it (see docs/storage.md,
 * "The consent audit trail"). Transient failures (deadlock victim, lock timeout, serialization
 * failure, a connection lost mid-transaction) surface as a retryable {@link StorageException},
 * which the checkout retries.
 *
 * <p>The schema must be migrated first, with {@link JdbcMigrator} or with Flyway pointed at {@link
 * JdbcDialect#migrationLocation()}; a storage used before that fails with a message saying so.
 *
 * <p>On PostgreSQL, {@link Builder#notifyOutbox(boolean)} makes every transaction that made
 * deliveries due send a notification at commit, so that a {@link PostgresOutboxListener} on another
 * instance wakes its dispatcher at once instead of at its next poll.
 *
 * <p>Thread-safe; create one per {@code DataSource} and share it. Bring your own pool (HikariCP).
 */
public final class JdbcStorage implements CheckoutStorage {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStorage.class);
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** Guards against nesting on one thread; per instance, so two storages may be used together. */
  private final ThreadLocal<Boolean> active = new ThreadLocal<>();

  private final DataSource dataSource;
  private volatile @Nullable JdbcDialect dialect;

  /** The channel to notify when a transaction made deliveries due; null when not notifying. */
  private final @Nullable String notifyChannel;

  /**
   * Whether the pool's connections default to READ COMMITTED. Learned from the first connection;
   * when true, no unit of work spends round trips reading or setting the isolation level.
   */
  private volatile @Nullable Boolean poolIsReadCommitted;

  private JdbcStorage(Builder builder) {
    this.dataSource = builder.dataSource;
    this.dialect = builder.dialect;
    this.notifyChannel = builder.notifyOutbox ? builder.notifyChannel : null;
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
   * @throws StorageException if the database cannot be reached, or (not retryable) if {@link
   *     Builder#notifyOutbox(boolean) notifyOutbox} is on and the database is not PostgreSQL
   */
  public JdbcDialect dialect() {
    JdbcDialect d = dialect;
    if (d != null) {
      return d;
    }
    try (Connection c = dataSource.getConnection()) {
      d = JdbcDialect.detect(c);
    } catch (SQLException e) {
      throw new StorageException(
          "cannot reach the database to detect its dialect: " + e.getMessage(), true, e);
    }
    if (notifyChannel != null && d != JdbcDialect.POSTGRESQL) {
      throw new StorageException(notifyNeedsPostgres(d), false, null);
    }
    dialect = d;
    return d;
  }

  private static String notifyNeedsPostgres(JdbcDialect d) {
    return "notifyOutbox(true) needs PostgreSQL's LISTEN/NOTIFY, but the database is "
        + d
        + "; turn it off, other instances find new deliveries at their next poll"
        + " (https://tinycheckout.dev/docs/fulfilment#listen-notify)";
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
        if (notifyChannel != null && tx.madeDeliveriesDue()) {
          notify(c, notifyChannel);
        }
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

  /**
   * Queues a notification that PostgreSQL sends at commit, and drops if the transaction rolls back;
   * several in one transaction are delivered once. The empty payload carries nothing: a listener
   * only learns that there may be work.
   */
  private static void notify(Connection c, String channel) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
      ps.setString(1, channel);
      ps.execute();
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

  /**
   * Checks a channel name: an unquoted PostgreSQL identifier, so {@code LISTEN name} and {@code
   * pg_notify('name', ...)} mean the same channel.
   */
  static String requireChannel(String channel) {
    Objects.requireNonNull(channel, "channel");
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException(
          "channel must be 1-63 lower-case letters, digits and underscores, starting with a letter"
              + " or underscore, but was '"
              + channel
              + "'");
    }
    return channel;
  }

  /** Builds a {@link JdbcStorage}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable JdbcDialect dialect;
    private boolean notifyOutbox;
    private String notifyChannel = PostgresOutboxListener.DEFAULT_CHANNEL;

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
     * Makes every transaction that made deliveries due (a checkout's events, a dispatcher handing
     * back its claims on shutdown, a replayed dead letter) send a PostgreSQL notification on the
     * {@linkplain #notifyChannel channel} at commit, for a {@link PostgresOutboxListener} on other
     * instances. Default off.
     *
     * <p>It costs one more statement ({@code SELECT pg_notify(...)}) in those transactions only,
     * and PostgreSQL serializes the commits of notifying transactions on one lock, so measure
     * before turning it on for a shop with many checkouts a second. Transactions that notify
     * nothing are unchanged. See <a
     * href="https://tinycheckout.dev/docs/fulfilment#listen-notify">the fulfilment guide</a>.
     *
     * @param notifyOutbox whether to notify
     * @return this builder
     */
    public Builder notifyOutbox(boolean notifyOutbox) {
      this.notifyOutbox = notifyOutbox;
      return this;
    }

    /**
     * Sets the channel that {@link #notifyOutbox(boolean) notifyOutbox} notifies (default {@value
     * PostgresOutboxListener#DEFAULT_CHANNEL}); the listeners must use the same one. Give each shop
     * its own when several share one database.
     *
     * @param channel 1-63 lower-case ASCII letters, digits and underscores, starting with a letter
     *     or underscore (an unquoted PostgreSQL identifier)
     * @return this builder
     * @throws IllegalArgumentException if the channel is not such a name
     */
    public Builder notifyChannel(String channel) {
      this.notifyChannel = requireChannel(channel);
      return this;
    }

    /**
     * Builds the storage. Does not connect.
     *
     * @return the storage
     * @throws IllegalStateException if {@link #notifyOutbox(boolean) notifyOutbox} is on and the
     *     {@linkplain #dialect dialect} set is not PostgreSQL (with a detected dialect, the first
     *     unit of work fails instead)
     */
    public JdbcStorage build() {
      JdbcDialect d = dialect;
      if (notifyOutbox && d != null && d != JdbcDialect.POSTGRESQL) {
        throw new IllegalStateException(notifyNeedsPostgres(d));
      }
      return new JdbcStorage(this);
    }
  }
}

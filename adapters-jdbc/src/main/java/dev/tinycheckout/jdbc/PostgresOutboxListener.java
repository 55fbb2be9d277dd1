package dev.tinycheckout.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this instance's fulfilment dispatcher when another instance commits deliveries: runs {@code
 * LISTEN} on a dedicated PostgreSQL connection, on a daemon thread, and calls a {@link Runnable}
 * (typically {@code dispatcher::wakeUp}) for each batch of notifications that a {@link JdbcStorage}
 * built with {@link JdbcStorage.Builder#notifyOutbox(boolean) notifyOutbox(true)} sends at commit.
 *
 * <pre>{@code
 * PostgresOutboxListener listener =
 *     PostgresOutboxListener.builder(listenerDataSource) // not the pool: it keeps one connection
 *         .onNotification(dispatcher::wakeUp)
 *         .build();
 * listener.start();
 * ...
 * listener.close();
 * }</pre>
 *
 * <p>A notification is only a hint that there may be work, never the work itself: the dispatcher
 * still claims from {@code tc_delivery} and still polls, so a lost notification delays a delivery
 * until the next poll and loses nothing. Therefore the runnable is also called once each time the
 * listener (re)connects, because notifications sent while it was not listening are gone. A lost
 * connection is logged and re-established with a backoff, forever, until {@link #close()}; an idle
 * connection is checked every {@linkplain Builder#checkInterval check interval}, so a silently
 * dropped one is noticed too. A connection that is not PostgreSQL's (pgjdbc) is logged as an error
 * and stops the listener. Notifications sent by this instance's own commits arrive here as well and
 * cost at most one more claim.
 *
 * <p>Needs the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}), an optional dependency
 * of this module. The connection must not go through PgBouncer in transaction or statement pooling
 * mode, where {@code LISTEN} does not work.
 *
 * <p>Thread-safe. The runnable runs on the listener's thread and should return quickly; an
 * exception from it is logged and the listener goes on.
 */
public final class PostgresOutboxListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresOutboxListener.class);

  /** The channel {@link JdbcStorage} notifies and the listener listens to unless told otherwise. */
  public static final String DEFAULT_CHANNEL = "tinycheckout_outbox";

  /** The longest single wait for notifications, so that the loop sees a close() soon. */
  private static final int MAX_WAIT_MILLIS = 1000;

  /** How long {@link Connection#isValid} may take before a connection counts as lost. */
  private static final int VALID_TIMEOUT_SECONDS = 5;

  /** How long {@link #close()} waits for the thread, and again after interrupting it. */
  private static final long CLOSE_WAIT_MILLIS = 2000;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  /** Opens a new connection. */
  @FunctionalInterface
  private interface Connector {
    Connection open() throws SQLException;
  }

  private final Connector connector;
  private final String channel;
  private final Runnable onNotification;
  private final Duration minReconnectDelay;
  private final Duration maxReconnectDelay;
  private final Duration checkInterval;
  private final ThreadFactory threadFactory;

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile @Nullable Connection current;
  private volatile boolean listening;
  private volatile @Nullable Thread thread;

  private PostgresOutboxListener(Builder b) {
    this.connector = b.connector;
    this.channel = b.channel;
    this.onNotification =
        Objects.requireNonNull(b.onNotification, "onNotification is required: call it");
    this.minReconnectDelay = b.minReconnectDelay;
    this.maxReconnectDelay = b.maxReconnectDelay;
    this.checkInterval = b.checkInterval;
    this.threadFactory = b.threadFactory != null ? b.threadFactory : daemonThread(channel);
    try {
      Class.forName("org.postgresql.PGConnection", false, getClass().getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(
          "PostgresOutboxListener needs the PostgreSQL JDBC driver (org.postgresql:postgresql)"
              + " on the class path",
          e);
    }
  }

  private static ThreadFactory daemonThread(String channel) {
    return r -> {
      Thread t = new Thread(r, "tinycheckout-outbox-listener-" + channel);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A builder for a listener whose connections come from {@code dataSource}, one at a time, held
   * for as long as they work. Give it a data source of its own (pgjdbc's {@code
   * PGSimpleDataSource}, or a pool of one), not the shop's pool: the connection is never returned
   * while the listener runs.
   *
   * @param dataSource where to get the dedicated connection
   * @return the builder
   */
  public static Builder builder(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    return new Builder(dataSource::getConnection);
  }

  /**
   * A builder for a listener that opens its connections with {@link DriverManager}.
   *
   * @param jdbcUrl a PostgreSQL JDBC URL with its credentials, such as {@code
   *     jdbc:postgresql://db:5432/shop?user=shop&password=...}
   * @return the builder
   * @throws IllegalArgumentException if the URL does not start with {@code jdbc:}
   */
  public static Builder builder(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must be a JDBC URL such as jdbc:postgresql://host/db, but was '"
              + jdbcUrl
              + "'");
    }
    return new Builder(() -> DriverManager.getConnection(jdbcUrl));
  }

  /**
   * Starts listening on a thread of the thread factory. Returns at once; the runnable is called
   * when the first {@code LISTEN} is in place.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          "a listener starts once, but this one is "
              + (state.get() == State.CLOSED ? "closed" : "running"));
    }
    Thread t = threadFactory.newThread(this::run);
    thread = t;
    t.start();
  }

  /**
   * Whether a {@code LISTEN} is in place right now; false before {@link #start()}, while
   * reconnecting and after {@link #close()}. For health checks.
   *
   * @return whether notifications reach this listener
   */
  public boolean isListening() {
    return listening;
  }

  /**
   * Stops listening and closes the connection, waiting a few seconds at most for the thread to end.
   * The runnable is not called after this returns, unless it was running at that moment on the
   * listener's thread and is still finishing. Idempotent; safe to call from the runnable.
   */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    closing.countDown();
    Connection c = current;
    if (c != null) {
      abort(c); // unblocks a wait for notifications at once
    }
    Thread t = thread;
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(CLOSE_WAIT_MILLIS);
      if (t.isAlive()) {
        t.interrupt();
        t.join(CLOSE_WAIT_MILLIS);
      }
      if (t.isAlive()) {
        LOG.warn("outbox listener on channel '{}' did not stop in time; left to die", channel);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the loop -------------------------------------------------------------------------------

  private boolean closing() {
    return closing.getCount() == 0;
  }

  private void run() {
    Duration delay = minReconnectDelay;
    int failures = 0;
    try {
      while (!closing()) {
        Connection c = null;
        try {
          c = connector.open();
          current = c;
          if (closing()) {
            break;
          }
          if (!c.isWrapperFor(PGConnection.class)) {
            LOG.error(
                "outbox listener on channel '{}' stops: its connection ({}) is not a PostgreSQL"
                    + " (pgjdbc) connection",
                channel,
                c.getClass().getName());
            break;
          }
          PGConnection pg = c.unwrap(PGConnection.class);
          listen(c);
          listening = true;
          if (failures > 0) {
            LOG.info(
                "outbox listener on channel '{}' listening again, after {} failed attempt(s)",
                channel,
                failures);
          } else {
            LOG.info("outbox listener listening on channel '{}'", channel);
          }
          failures = 0;
          delay = minReconnectDelay;
          wake(); // whatever was committed while nobody listened
          receive(c, pg);
        } catch (SQLException | RuntimeException e) {
          if (closing()) {
            break;
          }
          failures++;
          String what = c == null ? "cannot connect" : "lost its connection";
          if (failures == 1) {
            LOG.warn(
                "outbox listener on channel '{}' {}; reconnecting in {}", channel, what, delay, e);
          } else {
            LOG.warn(
                "outbox listener on channel '{}' {} again ({} attempts): {}; reconnecting in {}",
                channel,
                what,
                failures,
                e.toString(),
                delay);
          }
        } finally {
          listening = false;
          current = null;
          closeQuietly(c);
        }
        if (failures > 0) {
          if (closing.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
            break;
          }
          Duration twice = delay.multipliedBy(2);
          delay = twice.compareTo(maxReconnectDelay) > 0 ? maxReconnectDelay : twice;
        }
      }
    } catch (InterruptedException e) {
      if (!closing()) {
        LOG.warn("outbox listener on channel '{}' interrupted; it stops", channel);
      }
      Thread.currentThread().interrupt();
    } catch (Error e) {
      LOG.error("outbox listener on channel '{}' died", channel, e);
      throw e;
    }
    LOG.debug("outbox listener on channel '{}' stopped", channel);
  }

  private void listen(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.setAutoCommit(true); // a LISTEN inside a transaction would only start at its commit
    }
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel); // the channel is a checked, lower-case identifier
    }
  }

  /** Waits for notifications until the connection fails or the listener closes. */
  private void receive(Connection c, PGConnection pg) throws SQLException {
    long checkNanos = checkInterval.toNanos();
    long nextCheck = System.nanoTime() + checkNanos;
    while (!closing()) {
      long untilCheck = nextCheck - System.nanoTime();
      if (untilCheck <= 0) {
        if (!c.isValid(VALID_TIMEOUT_SECONDS)) {
          throw new SQLException(
              "the connection did not answer within " + VALID_TIMEOUT_SECONDS + " s", "08006");
        }
        nextCheck = System.nanoTime() + checkNanos;
        continue;
      }
      long wait = Math.min(MAX_WAIT_MILLIS, TimeUnit.NANOSECONDS.toMillis(untilCheck));
      // Zero would mean "wait forever".
      PGNotification[] batch = pg.getNotifications((int) Math.max(1, wait));
      if (batch != null && batch.length > 0 && !closing()) {
        nextCheck = System.nanoTime() + checkNanos;
        wake();
      }
    }
  }

  private void wake() {
    try {
      onNotification.run();
    } catch (RuntimeException e) {
      LOG.warn("outbox listener on channel '{}': the runnable threw; listening on", channel, e);
    }
  }

  private static void abort(Connection c) {
    try {
      c.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      LOG.debug("aborting the listener's connection failed", e);
    }
  }

  private static void closeQuietly(@Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException e) {
        LOG.debug("closing the listener's connection failed", e);
      }
    }
  }

  private static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, but was " + value);
    }
    return value;
  }

  /**
   * Builds a {@link PostgresOutboxListener}; {@code onNotification} is required. Not thread-safe.
   */
  public static final class Builder {
    private final Connector connector;
    private String channel = DEFAULT_CHANNEL;
    private @Nullable Runnable onNotification;
    private Duration minReconnectDelay = Duration.ofMillis(100);
    private Duration maxReconnectDelay = Duration.ofSeconds(10);
    private Duration checkInterval = Duration.ofSeconds(30);
    private @Nullable ThreadFactory threadFactory;

    private Builder(Connector connector) {
      this.connector = connector;
    }

    /**
     * Sets what to call for each batch of notifications and after each (re)connect (required);
     * typically {@code dispatcher::wakeUp}.
     *
     * @param onNotification quick and non-blocking
     * @return this builder
     */
    public Builder onNotification(Runnable onNotification) {
      this.onNotification = Objects.requireNonNull(onNotification, "onNotification");
      return this;
    }

    /**
     * Sets the channel to listen to (default {@value PostgresOutboxListener#DEFAULT_CHANNEL}): the
     * one the storages were given with {@link JdbcStorage.Builder#notifyChannel}.
     *
     * @param channel 1-63 lower-case ASCII letters, digits and underscores, starting with a letter
     *     or underscore
     * @return this builder
     * @throws IllegalArgumentException if the channel is not such a name
     */
    public Builder channel(String channel) {
      this.channel = JdbcStorage.requireChannel(channel);
      return this;
    }

    /**
     * Sets the wait before reconnecting: {@code min} after the first failure, doubling with each
     * further one up to {@code max} (defaults 100 ms and 10 s).
     *
     * @param min positive
     * @param max at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if either is not positive, or max is less than min
     */
    public Builder reconnectDelay(Duration min, Duration max) {
      positive("min", min);
      positive("max", max);
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "max must be at least min (" + min + "), but was " + max);
      }
      this.minReconnectDelay = min;
      this.maxReconnectDelay = max;
      return this;
    }

    /**
     * Sets how long the connection may stay silent before the listener checks that it still answers
     * (default 30 s). A connection that dies without closing (a network partition, a failover) is
     * noticed within this interval plus 5 s.
     *
     * @param checkInterval positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder checkInterval(Duration checkInterval) {
      this.checkInterval = positive("checkInterval", checkInterval);
      return this;
    }

    /**
     * Sets the factory of the listener's thread (default: a daemon thread named after the channel).
     *
     * @param threadFactory the factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * Builds the listener, not started. Does not connect.
     *
     * @return the listener
     * @throws NullPointerException if {@link #onNotification} was not called
     * @throws IllegalStateException if the PostgreSQL JDBC driver is not on the class path
     */
    public PostgresOutboxListener build() {
      return new PostgresOutboxListener(this);
    }
  }
}

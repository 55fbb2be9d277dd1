package dev.tinycheckout.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * The SQL databases tinycheckout supports. Everything that differs between them (types of instants
 * and bytes, how to skip locked rows, how to insert without failing on a duplicate, how to begin a
 * transaction, which errors are transient) lives here and nowhere else.
 *
 * <p>{@link JdbcStorage} detects the dialect from the connection's metadata; pass one explicitly to
 * {@link JdbcStorage.Builder#dialect} to override the detection.
 */
public enum JdbcDialect {
  /** PostgreSQL 14 and later. The primary database. */
  POSTGRESQL("postgresql") {
    @Override
    ClaimStyle claimStyle() {
      return ClaimStyle.LOCKING_CTE_UPDATE;
    }

    @Override
    boolean hasDataModifyingCte() {
      return true;
    }

    @Override
    CompleteStyle completeStyle() {
      return CompleteStyle.UPDATE_FROM_ARRAYS;
    }

    @Override
    String insertIgnoringDuplicate(String insert) {
      return insert + " ON CONFLICT DO NOTHING";
    }

    @Override
    boolean isTransient(SQLException e) {
      String state = Objects.requireNonNullElse(e.getSQLState(), "");
      // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57P01 admin
      // shutdown.
      return state.startsWith("40")
          || state.equals("55P03")
          || (state.startsWith("57P") && !state.equals("57P04"))
          || super.isTransient(e);
    }
  },

  /** MySQL 8 and MariaDB 10.6 and later, InnoDB. */
  MYSQL("mysql") {
    // No INSERT IGNORE: it turns every error (an out-of-range date...) into a warning. A duplicate
    // fails the statement only; InnoDB keeps the transaction going.
    @Override
    boolean insertFailsOnDuplicate() {
      return true;
    }

    @Override
    void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
      ps.setObject(index, LocalDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
    }

    @Override
    Instant getInstant(ResultSet rs, String column) throws SQLException {
      LocalDateTime value = rs.getObject(column, LocalDateTime.class);
      return value.toInstant(ZoneOffset.UTC);
    }

    @Override
    boolean isTransient(SQLException e) {
      // 1213 deadlock, 1205 lock wait timeout, 1020 record changed (MariaDB snapshot isolation).
      int code = e.getErrorCode();
      return code == 1213 || code == 1205 || code == 1020 || super.isTransient(e);
    }
  },

  /** H2 2.x, embedded or server. */
  H2("h2") {
    @Override
    boolean insertFailsOnDuplicate() {
      return true;
    }

    @Override
    boolean isTransient(SQLException e) {
      // 40001 deadlock, HYT00 lock timeout; 90131 concurrent update in MVStore.
      String state = Objects.requireNonNullElse(e.getSQLState(), "");
      return state.startsWith("40")
          || state.equals("HYT00")
          || e.getErrorCode() == 90131
          || super.isTransient(e);
    }
  },

  /** SQLite 3.35 and later (the xerial driver). One writer at a time; no row locks needed. */
  SQLITE("sqlite") {
    @Override
    String insertIgnoringDuplicate(String insert) {
      return insert + " ON CONFLICT DO NOTHING";
    }

    @Override
    String forUpdate() {
      return "";
    }

    @Override
    String forUpdateSkipLocked() {
      return "";
    }

    @Override
    boolean managesTransactionsItself() {
      return true;
    }

    @Override
    ClaimStyle claimStyle() {
      return ClaimStyle.UPDATE_RETURNING;
    }

    @Override
    void begin(Connection c) throws SQLException {
      // Transactions are plain SQL here; a pool that hands out auto-commit=false connections
      // would have the driver open one already.
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      try (Statement s = c.createStatement()) {
        // Take the write lock up front: a deferred transaction that later upgrades can deadlock.
        s.execute("BEGIN IMMEDIATE");
      }
    }

    @Override
    void commit(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    }

    @Override
    void rollback(Connection c) throws SQLException {
      if (!c.getAutoCommit()) {
        c.rollback();
        return;
      }
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      }
    }

    @Override
    void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
      Instant m = micros(instant);
      ps.setLong(
          index,
          Math.addExact(Math.multiplyExact(m.getEpochSecond(), 1_000_000L), m.getNano() / 1_000));
    }

    @Override
    Instant getInstant(ResultSet rs, String column) throws SQLException {
      long us = rs.getLong(column);
      return Instant.ofEpochSecond(
          Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1_000L);
    }

    @Override
    boolean isTransient(SQLException e) {
      // SQLITE_BUSY (5) and SQLITE_LOCKED (6), also as extended codes.
      int code = e.getErrorCode() & 0xff;
      return code == 5 || code == 6 || super.isTransient(e);
    }
  };

  private final String folder;

  JdbcDialect(String folder) {
    this.folder = folder;
  }

  /**
   * The folder of this dialect's migrations, such as {@code db/migration/postgresql}; give it to
   * Flyway as {@code classpath:db/migration/postgresql}.
   *
   * @return the classpath folder, without a leading slash
   */
  public String migrationLocation() {
    return "db/migration/" + folder;
  }

  /**
   * Detects the dialect of a connection from its metadata.
   *
   * @param connection an open connection
   * @return the dialect
   * @throws SQLException if the metadata cannot be read
   * @throws IllegalArgumentException if the database is not one tinycheckout supports
   */
  public static JdbcDialect detect(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (product.contains("mysql") || product.contains("mariadb")) {
      return MYSQL;
    }
    if (product.contains("h2")) {
      return H2;
    }
    if (product.contains("sqlite")) {
      return SQLITE;
    }
    throw new IllegalArgumentException(
        "unsupported database '"
            + product
            + "': tinycheckout supports PostgreSQL, MySQL/MariaDB, H2 and SQLite");
  }

  // ---- package-private SQL differences ----

  /** How deliveries are claimed; see {@code JdbcDeliveryStore} and docs/storage.md. */
  enum ClaimStyle {
    /**
     * One statement: {@code WITH due AS (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) UPDATE ... FROM
     * due ... RETURNING}. The CTE is evaluated once, so the update touches exactly the locked rows.
     */
    LOCKING_CTE_UPDATE,
    /** {@code SELECT ... LIMIT n FOR UPDATE SKIP LOCKED}, then {@code UPDATE} those rows by key. */
    LOCK_THEN_UPDATE,
    /**
     * {@code UPDATE ... WHERE seq_no IN (SELECT ... LIMIT n) RETURNING}: safe only where the
     * transaction holds the database's single write lock from its start (SQLite's {@code BEGIN
     * IMMEDIATE}).
     */
    UPDATE_RETURNING
  }

  ClaimStyle claimStyle() {
    return ClaimStyle.LOCK_THEN_UPDATE;
  }

  /** How a batch of claims is completed; see {@code JdbcDeliveryStore.completeAll}. */
  enum CompleteStyle {
    /**
     * One statement for the whole batch: {@code UPDATE ... FROM unnest(?::varchar[], ?::bigint[])},
     * fenced per row on the joined claim version, {@code RETURNING} the rows it updated.
     */
    UPDATE_FROM_ARRAYS,
    /**
     * {@code SELECT ... FOR UPDATE} the batch's claimed rows by id, then {@code UPDATE} by id those
     * whose claim version matches (the lock keeps them as read); chunked to bound the parameters.
     */
    LOCK_THEN_UPDATE
  }

  CompleteStyle completeStyle() {
    return CompleteStyle.LOCK_THEN_UPDATE;
  }

  String insertIgnoringDuplicate(String insert) {
    return insert;
  }

  /**
   * Whether a duplicate insert throws instead of being ignored by {@link #insertIgnoringDuplicate}.
   * Only for databases where a failed statement leaves the transaction usable (H2, InnoDB).
   */
  boolean insertFailsOnDuplicate() {
    return false;
  }

  String forUpdate() {
    return " FOR UPDATE";
  }

  String forUpdateSkipLocked() {
    return " FOR UPDATE SKIP LOCKED";
  }

  /**
   * Whether one statement can write to two tables ({@code WITH a AS (INSERT ...) UPDATE ...}), so a
   * consent append inserts its entry and advances the chain head in one round trip.
   */
  boolean hasDataModifyingCte() {
    return false;
  }

  /** Whether begin/commit/rollback are SQL statements run in auto-commit mode. */
  boolean managesTransactionsItself() {
    return false;
  }

  void begin(Connection c) throws SQLException {
    if (c.getAutoCommit()) {
      c.setAutoCommit(false);
    }
  }

  void commit(Connection c) throws SQLException {
    c.commit();
  }

  void rollback(Connection c) throws SQLException {
    c.rollback();
  }

  void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
    ps.setObject(index, OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
  }

  Instant getInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value.toInstant();
  }

  /**
   * Whether retrying the whole transaction may succeed: deadlocks, lock timeouts, lost connections.
   */
  boolean isTransient(SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    return state.startsWith("08")
        || e instanceof java.sql.SQLTransientException
        || e instanceof java.sql.SQLRecoverableException;
  }

  /** Whether the error says a table is missing, which means the schema was never migrated. */
  boolean isMissingTable(SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    String message = Objects.requireNonNullElse(e.getMessage(), "").toLowerCase(Locale.ROOT);
    return state.equals("42P01")
        || state.equals("42S02")
        || state.equals("42S04")
        || (e.getErrorCode() == 1146)
        || message.contains("no such table");
  }

  /** Whether the error is a unique-constraint violation, and not any other constraint. */
  boolean isDuplicate(SQLException e) {
    String state = Objects.requireNonNullElse(e.getSQLState(), "");
    String message = Objects.requireNonNullElse(e.getMessage(), "");
    // 23505 (PostgreSQL, H2), 1062 ER_DUP_ENTRY (MySQL/MariaDB), SQLITE_CONSTRAINT_PRIMARYKEY
    // (1555)
    // and SQLITE_CONSTRAINT_UNIQUE (2067).
    return state.equals("23505")
        || e.getErrorCode() == 1062
        || e.getErrorCode() == 1555
        || e.getErrorCode() == 2067
        || message.contains("UNIQUE constraint failed");
  }

  static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }
}

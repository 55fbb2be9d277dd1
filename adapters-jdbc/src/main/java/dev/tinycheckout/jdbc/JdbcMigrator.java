package dev.tinycheckout.jdbc;

import dev.tinycheckout.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small built-in migrator for shops that do not run Flyway. It applies the SQL migrations under
 * {@link JdbcDialect#migrationLocation()} in version order, records each in {@code
 * tc_schema_history} with a SHA-256 checksum, and refuses to start if an applied migration was
 * changed since. Two instances starting at once are safe: migrations run under a database-wide lock
 * (PostgreSQL advisory lock, MySQL {@code GET_LOCK}, SQLite {@code BEGIN EXCLUSIVE}; H2 under a JVM
 * lock, as an H2 file is opened by one process).
 *
 * <p>The same files are named the Flyway way ({@code V1__tinycheckout_core.sql}); a shop that runs
 * Flyway points it at {@code classpath:db/migration/<dialect>} instead and never calls this class.
 *
 * <p>Thread-safe; {@link #migrate()} is idempotent.
 */
public final class JdbcMigrator {
  /** The migrations, in order. Every dialect has a file of each name. */
  static final List<String> MIGRATIONS =
      List.of(
          "V1__tinycheckout_core.sql",
          "V2__tinycheckout_deliveries.sql",
          "V3__tinycheckout_delivery_indexes.sql",
          "V4__tinycheckout_consent_chain.sql",
          "V5__tinycheckout_consent_staging.sql");

  private static final Logger LOG = LoggerFactory.getLogger(JdbcMigrator.class);
  private static final ReentrantLock JVM_LOCK = new ReentrantLock();
  private static final long ADVISORY_LOCK_KEY = 0x7463_6865_636b_6f75L; // "tcheckou"

  private final DataSource dataSource;
  private final @Nullable JdbcDialect dialect;

  private JdbcMigrator(DataSource dataSource, @Nullable JdbcDialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /**
   * A migrator for a data source, detecting the dialect.
   *
   * @param dataSource the database to migrate
   * @return the migrator
   */
  public static JdbcMigrator create(DataSource dataSource) {
    return new JdbcMigrator(Objects.requireNonNull(dataSource, "dataSource"), null);
  }

  /**
   * A migrator for a data source with an explicit dialect.
   *
   * @param dataSource the database to migrate
   * @param dialect its dialect
   * @return the migrator
   */
  public static JdbcMigrator create(DataSource dataSource, JdbcDialect dialect) {
    return new JdbcMigrator(
        Objects.requireNonNull(dataSource, "dataSource"),
        Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * Applies every migration not applied yet.
   *
   * @return the versions applied by this call, such as {@code [1]}; empty if the schema was current
   * @throws StorageException if the database fails, or an applied migration's checksum differs from
   *     the file's (never edit an applied migration; add a new one)
   */
  public List<Integer> migrate() {
    try (Connection c = dataSource.getConnection()) {
      JdbcDialect d = dialect != null ? dialect : JdbcDialect.detect(c);
      lock(d, c);
      List<Integer> applied;
      try {
        applied = migrateLocked(d, c);
      } catch (SQLException | RuntimeException e) {
        try {
          unlock(d, c, false);
        } catch (SQLException | RuntimeException unlockFailure) {
          e.addSuppressed(unlockFailure);
        }
        throw e;
      }
      unlock(d, c, true);
      return applied;
    } catch (SQLException e) {
      throw new StorageException("migration failed: " + e.getMessage(), false, e);
    }
  }

  private List<Integer> migrateLocked(JdbcDialect d, Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    try {
      ensureHistoryTable(c);
      Map<Integer, String> applied = applied(c);
      List<Integer> done = new ArrayList<>();
      for (String name : MIGRATIONS) {
        int version = version(name);
        String sql = read(d.migrationLocation() + "/" + name);
        String checksum = sha256(sql);
        String known = applied.get(version);
        if (known != null) {
          if (!known.equals(checksum)) {
            throw new StorageException(
                "migration "
                    + name
                    + " changed after it was applied (checksum "
                    + known
                    + " in tc_schema_history, "
                    + checksum
                    + " now); never edit an applied migration, add a new one",
                false,
                null);
          }
          continue;
        }
        long started = System.nanoTime();
        if (d != JdbcDialect.SQLITE) {
          c.setAutoCommit(false);
        }
        try (Statement s = c.createStatement()) {
          for (String statement : statements(sql)) {
            s.execute(statement);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO tc_schema_history (version, name, checksum, applied_at)"
                      + " VALUES (?, ?, ?, ?)")) {
            ps.setInt(1, version);
            ps.setString(2, name);
            ps.setString(3, checksum);
            ps.setString(4, Instant.now().toString());
            ps.executeUpdate();
          }
          if (d != JdbcDialect.SQLITE) {
            c.commit();
          }
        } catch (SQLException | RuntimeException e) {
          if (d != JdbcDialect.SQLITE) {
            try {
              c.rollback();
            } catch (SQLException rollbackFailure) {
              e.addSuppressed(rollbackFailure);
            }
          }
          throw e;
        }
        LOG.info(
            "applied migration {} ({}) in {} ms",
            name,
            d,
            (System.nanoTime() - started) / 1_000_000);
        done.add(version);
      }
      return List.copyOf(done);
    } finally {
      if (d != JdbcDialect.SQLITE) {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static void ensureHistoryTable(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS tc_schema_history (version INT NOT NULL PRIMARY KEY,"
              + " name VARCHAR(200) NOT NULL, checksum CHAR(64) NOT NULL,"
              + " applied_at VARCHAR(40) NOT NULL)");
    }
  }

  private static Map<Integer, String> applied(Connection c) throws SQLException {
    Map<Integer, String> applied = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, checksum FROM tc_schema_history")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
    }
    return applied;
  }

  private static void lock(JdbcDialect d, Connection c) throws SQLException {
    switch (d) {
      case POSTGRESQL -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
          ps.setLong(1, ADVISORY_LOCK_KEY);
          ps.execute();
        }
      }
      case MYSQL -> {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT GET_LOCK('tinycheckout_migrate', 300)");
            ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || rs.getInt(1) != 1) {
            throw new SQLException("could not take the migration lock within 300 s");
          }
        }
      }
      case H2 -> JVM_LOCK.lock();
      case SQLITE -> {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
          s.execute("BEGIN EXCLUSIVE");
        }
      }
    }
  }

  private static void unlock(JdbcDialect d, Connection c, boolean succeeded) throws SQLException {
    switch (d) {
      case POSTGRESQL -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
          ps.setLong(1, ADVISORY_LOCK_KEY);
          ps.execute();
        }
      }
      case MYSQL -> {
        try (PreparedStatement ps =
            c.prepareStatement("SELECT RELEASE_LOCK('tinycheckout_migrate')")) {
          ps.execute();
        }
      }
      case H2 -> JVM_LOCK.unlock();
      case SQLITE -> {
        try (Statement s = c.createStatement()) {
          s.execute(succeeded ? "COMMIT" : "ROLLBACK");
        }
      }
    }
  }

  static int version(String name) {
    int end = name.indexOf("__");
    if (!name.startsWith("V") || end < 2) {
      throw new IllegalArgumentException("migration names look like V1__name.sql, but was " + name);
    }
    return Integer.parseInt(name.substring(1, end));
  }

  static String read(String resource) {
    try (InputStream in = JdbcMigrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("migration " + resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + resource, e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /**
   * Splits a script into statements at semicolons that end a line, outside of quotes and of
   * PostgreSQL dollar-quoted bodies; drops comment lines.
   */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inDollar = false;
    for (String line : script.lines().toList()) {
      String trimmed = line.strip();
      if (!inDollar && (trimmed.startsWith("--") || trimmed.isEmpty())) {
        continue;
      }
      int dollars = count(line, "$$");
      if (dollars % 2 == 1) {
        inDollar = !inDollar;
      }
      current.append(line).append('\n');
      if (!inDollar && trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static int count(String s, String token) {
    int n = 0;
    for (int i = s.indexOf(token); i >= 0; i = s.indexOf(token, i + token.length())) {
      n++;
    }
    return n;
  }
}

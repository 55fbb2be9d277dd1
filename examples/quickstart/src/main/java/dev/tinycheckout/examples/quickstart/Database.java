package dev.tinycheckout.examples.quickstart;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.jdbc.JdbcMigrator;
import dev.tinycheckout.jdbc.JdbcStorage;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's database: a small HikariCP pool over the JDBC URL, the dialect the URL names,
 * and the schema migrated by {@link JdbcMigrator}.
 */
final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  private final HikariDataSource pool;
  private final JdbcDialect dialect;
  private final JdbcStorage storage;

  private Database(HikariDataSource pool, JdbcDialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.storage = JdbcStorage.builder(pool).dialect(dialect).build();
  }

  /**
   * Connects and migrates the schema.
   *
   * @param jdbcUrl an H2, PostgreSQL, MariaDB or MySQL JDBC URL
   * @return the open database
   * @throws StartupException if the database cannot be reached or migrated
   */
  static Database open(String jdbcUrl) {
    JdbcDialect dialect = dialect(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setPoolName("tinycheckout-quickstart");
    config.setJdbcUrl(driverUrl(jdbcUrl));
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    // Fail at once, with the driver's message, when the database is not there.
    config.setInitializationFailTimeout(1);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StartupException(
          "cannot connect to the database " + redacted(jdbcUrl) + ": " + cause.getMessage(), e);
    }
    try {
      List<Integer> applied = JdbcMigrator.create(pool, dialect).migrate();
      if (!applied.isEmpty()) {
        LOG.info("migrated the {} schema to version {}", dialect, applied.get(applied.size() - 1));
      }
      return new Database(pool, dialect);
    } catch (RuntimeException e) {
      pool.close();
      throw new StartupException(
          "cannot migrate the database " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /** The dialect a JDBC URL names. */
  static JdbcDialect dialect(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:h2:")) {
      return JdbcDialect.H2;
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return JdbcDialect.POSTGRESQL;
    }
    if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
      return JdbcDialect.MYSQL;
    }
    throw new UsageException(
        "unsupported JDBC URL '" + redacted(jdbcUrl) + "': use H2, PostgreSQL, MariaDB or MySQL");
  }

  /**
   * The URL handed to the driver. The MariaDB driver speaks to MySQL too, but takes {@code
   * jdbc:mysql:} only with {@code permitMysqlScheme}; an H2 database is closed by the quickstart
   * after the last request, so H2's own shutdown hook must not close it first.
   */
  static String driverUrl(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:mysql:")) {
      return "jdbc:mariadb:" + jdbcUrl.substring("jdbc:mysql:".length());
    }
    if (lower.startsWith("jdbc:h2:") && !lower.contains(";db_close_on_exit=")) {
      return jdbcUrl + ";DB_CLOSE_ON_EXIT=FALSE";
    }
    return jdbcUrl;
  }

  /** A JDBC URL fit for a log line: any password replaced. */
  static String redacted(String jdbcUrl) {
    return PASSWORD.matcher(jdbcUrl).replaceAll("$1***");
  }

  JdbcStorage storage() {
    return storage;
  }

  JdbcDialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    pool.close();
  }
}

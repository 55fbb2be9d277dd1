package dev.tinycheckout.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** What every PostgreSQL benchmark does around its measurement: databases, counts, the load. */
public final class BenchDatabase {
  private BenchDatabase() {}

  /**
   * Drops and creates a database in the embedded server and opens a pool of fixed size on it.
   *
   * @param postgres the embedded server
   * @param pool the pool's name prefix, such as {@code tc-consent}
   * @param name the database name (a plain identifier)
   * @param size the connections, kept open
   * @return the pool; close it when done
   * @throws SQLException if the database cannot be made
   */
  public static HikariDataSource fresh(
      EmbeddedPostgres postgres, String pool, String name, int size) throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
      s.execute("CREATE DATABASE " + name);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(pool + "-" + name);
    config.setDataSource(postgres.getDatabase("postgres", name));
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(30_000);
    return new HikariDataSource(config);
  }

  /**
   * The one number a query such as {@code SELECT count(*) FROM t} returns.
   *
   * @param pool where to run it
   * @param sql the query
   * @return the first column of the first row
   * @throws IllegalStateException if the query fails
   */
  public static long count(DataSource pool, String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("count failed: " + sql, e);
    }
  }

  /**
   * The first three fields of {@code /proc/loadavg}, for a report.
   *
   * @return such as {@code 1.20, 0.95, 0.80}, or {@code n/a} where there is none
   */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4);
      return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "n/a";
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}

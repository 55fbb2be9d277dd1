package dev.tinycheckout.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls both JDBC benchmark methods directly, untimed, on one embedded PostgreSQL that logs every
 * statement, so a benchmark that stops placing orders, or whose bare-JDBC twin drifts away from
 * what the adapter does, fails the build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdbcCheckoutBenchmarkTest {
  /**
   * {@code JdbcStorage} asks the first connection it ever gets for the pool's isolation level, once
   * per storage; that one probe is not per-checkout work.
   */
  private static final String ONE_TIME_PROBE = "SHOW TRANSACTION ISOLATION LEVEL";

  private static final Pattern LOGGED =
      Pattern.compile("^LOG:\\s+(?:statement|execute [^:]*): (.*)$");

  private final JdbcCheckoutBenchmark bench = new JdbcCheckoutBenchmark();
  private Path statementLog;

  @BeforeAll
  void startPostgres(@TempDir Path dir) throws IOException {
    statementLog = dir.resolve("postgres.log");
    bench.setUp(2, statementLog);
  }

  @AfterAll
  void stopPostgres() throws IOException {
    bench.tearDown();
  }

  @Test
  void checkoutPlacesAPaidOrderOnEveryCall() throws SQLException {
    Rows before = rows();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      CheckoutResult result = bench.checkout();
      assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
      assertThat(result.replayed()).isFalse();
      ids.add(result.orderId().orElseThrow().toString());
    }
    assertThat(ids).hasSize(3);
    assertThat(rows().minus(before)).isEqualTo(new Rows(3, 3, 3, 3, 3, -3));
  }

  @Test
  void bareJdbcWritesTheSameRowsAsACheckout() throws SQLException {
    Rows before = rows();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      ids.add(bench.bareJdbc());
    }
    assertThat(ids).hasSize(3);
    assertThat(rows().minus(before)).isEqualTo(new Rows(3, 3, 3, 3, 3, -3));
    // Both leave their consent staged, for a chaining pass after the commit.
    assertThat(count("SELECT count(*) FROM tc_consent_entry")).isZero();
  }

  @Test
  void bareJdbcStoresValuesOfTheSameSizeAsACheckout() throws SQLException {
    String library = bench.checkout().orderId().orElseThrow().toString();
    String bare = bench.bareJdbc();
    assertThat(rowBytes(bare)).isEqualTo(rowBytes(library));
  }

  @Test
  void bareJdbcIssuesTheSameStatementsAsACheckoutInTheSameTransactions() throws Exception {
    // The first consent of a subject also inserts its key (both share one subject): compare the
    // checkouts after that, as every later checkout of the customer runs.
    bench.checkout();
    bench.bareJdbc();
    List<String> library = statementsOf(bench::checkout);
    List<String> bare = statementsOf(bench::bareJdbc);

    assertThat(bare).filteredOn("COMMIT"::equals).hasSize(2);
    assertThat(bare).filteredOn("BEGIN"::equals).hasSize(2);
    assertThat(bare).hasSize(2 * 2 + 6 + 8);
    assertThat(bare)
        .filteredOn(s -> s.contains("tc_consent"))
        .containsExactly(
            numbered(BareJdbcCheckout.STAGE_UNDER_NEW_KEY),
            numbered(BareJdbcCheckout.STAGE_CONSENT));
    assertThat(library).filteredOn(s -> !s.equals(ONE_TIME_PROBE)).containsExactlyElementsOf(bare);
  }

  /** The SQL as PostgreSQL logs it: {@code ?} numbered {@code $1}, {@code $2}, ... */
  private static String numbered(String sql) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?') {
        out.append('$').append(++n);
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  /** The statements PostgreSQL logged while {@code call} ran, without names and parameters. */
  private List<String> statementsOf(Callable<?> call) throws Exception {
    long from = Files.size(statementLog);
    call.call();
    byte[] all = Files.readAllBytes(statementLog);
    List<String> statements = new ArrayList<>();
    for (String line :
        new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8)
            .lines()
            .toList()) {
      Matcher m = LOGGED.matcher(line);
      // pgjdbc sets application_name on every new connection; the pool may open one in the
      // background while the call runs, which is connection set-up, not the checkout's work.
      if (m.matches()
          && !m.group(1).isBlank()
          && !m.group(1).strip().startsWith("SET application_name")) {
        statements.add(m.group(1).strip());
      }
    }
    return statements;
  }

  /** Row counts of what a checkout writes, and the stock left. */
  record Rows(long paid, long lines, long keys, long consents, long events, long stock) {
    Rows minus(Rows o) {
      return new Rows(
          paid - o.paid,
          lines - o.lines,
          keys - o.keys,
          consents - o.consents,
          events - o.events,
          stock - o.stock);
    }
  }

  private Rows rows() throws SQLException {
    return new Rows(
        count("SELECT count(*) FROM tc_order WHERE status = 'PAID'"),
        count("SELECT count(*) FROM tc_order_line"),
        count(
            "SELECT count(*) FROM tc_idempotency WHERE response_status = 201"
                + " AND recovery_point = 'finished'"),
        count("SELECT count(*) FROM tc_consent_staged"),
        count("SELECT count(*) FROM tc_outbox WHERE type = 'order.placed'"),
        count("SELECT stock FROM tc_product WHERE sku = 'bench-item'"));
  }

  /** The stored sizes of an order's rows, bar the key and payment numbers. */
  private List<Long> rowBytes(String orderId) throws SQLException {
    List<Long> sizes = new ArrayList<>();
    for (String sql :
        List.of(
            "SELECT pg_column_size(o.*) FROM tc_order o WHERE id = ?",
            "SELECT pg_column_size(l.*) FROM tc_order_line l WHERE order_id = ?",
            "SELECT pg_column_size(c.*) - pg_column_size(c.stage_no)"
                + " FROM tc_consent_staged c WHERE order_id = ?",
            "SELECT octet_length(response_body) + octet_length(response_headers)"
                + " FROM tc_idempotency WHERE reference = ?",
            "SELECT octet_length(payload) - octet_length(substring(payload from"
                + " '\"paymentId\":\"[^\"]*\"')) FROM tc_outbox WHERE aggregate_id = ?")) {
      try (Connection c = bench.dataSource().getConnection();
          PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, orderId);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).as(sql).isTrue();
          sizes.add(rs.getLong(1));
        }
      }
    }
    return sizes;
  }

  private long count(String sql) throws SQLException {
    try (Connection c = bench.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

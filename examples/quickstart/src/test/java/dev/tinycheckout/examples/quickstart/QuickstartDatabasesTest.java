package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart on the servers the contract names besides H2: a {@code postgresql:} URL (an
 * embedded PostgreSQL) and, when {@code TINYCHECKOUT_TEST_MARIADB_URL} points at one, a {@code
 * mariadb:} URL. The schema is migrated at start and the data survives a restart.
 */
class QuickstartDatabasesTest {
  private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
  private static final Pattern STOCK = Pattern.compile("\"stock\":(\\d+)");

  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void runsOnPostgresqlAndKeepsItsOrdersAcrossARestart() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
      sellAndRestart(postgres.getJdbcUrl("postgres", "postgres"));
    }
  }

  @Test
  void runsOnMariadbAndKeepsItsOrdersAcrossARestart() throws Exception {
    Optional<String> server =
        Optional.ofNullable(System.getenv("TINYCHECKOUT_TEST_MARIADB_URL"))
            .filter(url -> !url.isBlank());
    Assumptions.assumeTrue(
        server.isPresent(), "set TINYCHECKOUT_TEST_MARIADB_URL to run the quickstart on MariaDB");
    String url = server.get();
    // A database of its own, so the JDBC adapter's tests on the same server do not interfere.
    String database = "tc_quickstart_" + UUID.randomUUID().toString().replace("-", "");
    String admin = url.replaceFirst("(jdbc:mariadb://[^/]+/)[^?]*", "$1");
    try (Connection c = DriverManager.getConnection(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    try {
      sellAndRestart(url.replaceFirst("(jdbc:mariadb://[^/]+/)[^?]*", "$1" + database));
    } finally {
      try (Connection c = DriverManager.getConnection(admin);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE " + database);
      }
    }
  }

  private void sellAndRestart(String jdbcUrl) throws Exception {
    String orderPath;
    long stockAfterSale;
    try (Quickstart first = start(jdbcUrl)) {
      assertThat(stock(first)).isEqualTo(1_000_000);
      HttpResponse<String> placed = checkout(first);
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      orderPath = placed.headers().firstValue("Location").orElseThrow();
      stockAfterSale = stock(first);
      assertThat(stockAfterSale).isEqualTo(1_000_000 - 2);
    }
    try (Quickstart second = start(jdbcUrl)) {
      HttpResponse<String> order = get(second, orderPath);
      assertThat(order.statusCode()).isEqualTo(200);
      Matcher id = ID.matcher(order.body());
      assertThat(id.find()).isTrue();
      assertThat(orderPath).endsWith(id.group(1));
      assertThat(stock(second)).as("a restart keeps the stock it sold").isEqualTo(stockAfterSale);
    }
  }

  private Quickstart start(String jdbcUrl) {
    return Main.start(
        Settings.parse(
            List.of("--port", "0", "--jdbc-url", jdbcUrl, "--data-dir", dir.toString()), Map.of()));
  }

  private HttpResponse<String> get(Quickstart quickstart, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(quickstart.uri().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private long stock(Quickstart quickstart) throws Exception {
    String body = get(quickstart, "/products/one-dollar-item").body();
    Matcher m = STOCK.matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return Long.parseLong(m.group(1));
  }

  private HttpResponse<String> checkout(Quickstart quickstart) throws Exception {
    String body =
        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":2}],\"email\":\"ada@example.com\","
            + "\"acceptedTerms\":\"2026-11-01\",\"paymentToken\":\"tok_ok\"}";
    return client.send(
        HttpRequest.newBuilder(quickstart.uri().resolve("/checkout"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

package dev.tinycheckout.benchmarks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tinycheckout.benchmarks.http.BenchmarkShop.StorageKind;
import dev.tinycheckout.benchmarks.http.HttpLoadBenchmark.Row;
import dev.tinycheckout.benchmarks.http.LoadDriver.LoadResult;
import dev.tinycheckout.benchmarks.http.LoadDriver.Settings;
import dev.tinycheckout.catalog.Sku;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness's correctness, not its speed: every scenario on every server, briefly, with the JDK
 * driver; and fresh keys that really place a new order per request, with each driver.
 */
class HttpLoadBenchmarkTest {
  private static final Settings SHORT =
      new Settings(Duration.ofMillis(200), Duration.ofMillis(500), 2);

  @Test
  void everyScenarioOnEveryServerGetsOnlyItsExpectedStatus() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<Row> rows =
        HttpLoadBenchmark.run(
            StorageKind.MEMORY,
            new JdkClientDriver(),
            SHORT,
            EnumSet.allOf(Scenario.class),
            4,
            new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(rows).hasSize(Scenario.values().length * 4);
    for (Row row : rows) {
      LoadResult r = row.result();
      assertThat(r.requests()).as("%s on %s", row.scenario(), row.server()).isPositive();
      assertThat(r.errors()).as("%s on %s: %s", row.scenario(), row.server(), r).isZero();
      assertThat(r.statuses())
          .as("%s on %s", row.scenario(), row.server())
          .isEqualTo(Map.of(row.scenario().expectedStatus(), r.requests()));
      assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros()).isPositive();
    }
    assertThat(rows.stream().filter(Row::bare)).hasSize(Scenario.values().length * 2);
    String ratios = Report.ratios(rows);
    assertThat(ratios).contains("tinycheckout JDK mount", "tinycheckout Servlet mount");
    assertThat(ratios).doesNotContain("n/a");
  }

  @Test
  void theJdkDriverPlacesOneNewOrderPerNewCheckoutRequest() throws Exception {
    assertNewCheckoutsPlaceDistinctOrders(new JdkClientDriver(), SHORT);
  }

  @Test
  void theWrkScriptPlacesOneNewOrderPerNewCheckoutRequest() throws Exception {
    assumeTrue(WrkDriver.available(), "wrk is not installed");
    assertNewCheckoutsPlaceDistinctOrders(
        new WrkDriver(WrkDriver.DEFAULT_BINARY, 1),
        new Settings(Duration.ZERO, Duration.ofSeconds(1), 2));
  }

  @Test
  void theWrkScriptSetsAFreshKeyOnlyForNewCheckouts() {
    String fresh = WrkDriver.script(Scenario.NEW_CHECKOUT.plan("\"e\"", "p-"), "m1-");
    String replay = WrkDriver.script(Scenario.REPLAY.plan("\"e\"", "p-"), "m1-");
    assertThat(fresh).contains("request = function()", "\"p-m1-\" .. tid");
    assertThat(replay)
        .doesNotContain("request = function()")
        .contains("wrk.headers[\"Idempotency-Key\"] = \"" + BenchmarkShop.REPLAY_KEY + "\"");
    assertThat(WrkDriver.script(Scenario.PRODUCT_304.plan("\"e\"", "p-"), "m1-"))
        .contains("wrk.headers[\"If-None-Match\"] = \"\\\"e\\\"\"", "wrk.method = \"GET\"");
  }

  private static void assertNewCheckoutsPlaceDistinctOrders(LoadDriver driver, Settings settings)
      throws Exception {
    try (BenchmarkShop shop = BenchmarkShop.create(StorageKind.MEMORY)) {
      JdkMountServer server = new JdkMountServer(shop.api(), 4);
      URI base = server.start();
      try {
        long before = stock(shop);
        LoadResult r = driver.run(base, Scenario.NEW_CHECKOUT.plan("unused", "t-"), settings);
        assertThat(r.requests()).isPositive();
        assertThat(r.errors()).isZero();
        // Every request in the window placed an order; a replay would not have taken stock.
        assertThat(before - stock(shop)).isGreaterThanOrEqualTo(r.requests());
      } finally {
        server.stop();
      }
    }
  }

  private static long stock(BenchmarkShop shop) {
    return shop.api().productCache().get(Sku.of(BenchmarkShop.BUY_SKU)).orElseThrow().stock();
  }
}

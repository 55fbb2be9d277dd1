package dev.tinycheckout.benchmarks.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.Report;
import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.ScenarioResult;
import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.Settings;
import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.StorageKind;
import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.Totals;
import dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark.Window;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark at toy sizes on both storages, so a harness that loses a checkout, gets
 * an answer other than 201, or whose "on" variant does not actually reach the registry fails the
 * build. Says nothing about speed.
 */
class ObservabilityCostBenchmarkTest {

  @Test
  void aTinyRunAnswersEveryCheckout201AndAccountsForItInStorageAndInPrometheus() throws Exception {
    Settings settings =
        new Settings(2, 1, 1, 1, 3, List.of(StorageKind.MEMORY, StorageKind.POSTGRES));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    Report report =
        ObservabilityCostBenchmark.run(
            settings, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(report.scenarios())
        .extracting(ScenarioResult::kind)
        .containsExactly(StorageKind.MEMORY, StorageKind.POSTGRES);
    for (ScenarioResult s : report.scenarios()) {
      String kind = s.kind().toString();
      assertThat(s.on()).as(kind).hasSize(1);
      assertThat(s.off()).as(kind).hasSize(1);
      for (Window w : List.of(s.on().get(0), s.off().get(0))) {
        assertThat(w.checkouts()).as("%s %s window made progress", kind, w.variant()).isPositive();
        assertThat(w.statuses()).as(kind).isEqualTo(Map.of(201, w.checkouts()));
        assertThat(w.unitsSold()).as("%s %s", kind, w.variant()).isEqualTo(w.checkouts());
        assertThat(w.p99Nanos()).isGreaterThanOrEqualTo(w.p50Nanos()).isPositive();
        assertThat(w.cpuMicrosPerCheckout()).as("%s %s", kind, w.variant()).isPositive();
      }
      Totals on = s.onTotals();
      Totals off = s.offTotals();
      assertThat(on.allCreated()).as("%s on: %s", kind, on.statuses()).isTrue();
      assertThat(off.allCreated()).as("%s off: %s", kind, off.statuses()).isTrue();
      assertThat(on.checkouts())
          .as("%s: the warm-up is counted too", kind)
          .isGreaterThan(s.on().get(0).checkouts());
      long total = on.checkouts() + off.checkouts();
      assertThat(s.ordersInStorage()).as("%s: orders in storage", kind).isEqualTo(total);
      assertThat(s.unpaidOrders()).as(kind).isZero();
      assertThat(s.approvedCharges()).as(kind).isEqualTo(total);
      assertThat(on.unitsSold()).as(kind).isEqualTo(on.checkouts());
      assertThat(off.unitsSold()).as(kind).isEqualTo(off.checkouts());
      assertThat(
              ObservabilityCostBenchmark.prometheusSum(
                  s.lastScrape(),
                  "tinycheckout_checkout_duration_seconds_count",
                  "outcome=\"paid\""))
          .as("%s: the on registry counted every on checkout, and no off one", kind)
          .isEqualTo((double) on.checkouts());
      assertThat(s.lastScrape())
          .as("%s: the gauges are bound", kind)
          .contains("cache_gets")
          .contains("tinycheckout_slo_target")
          .contains("tinycheckout_outbox_pending");
      assertThat(s.scraping().scrapes()).as(kind).isPositive();
      assertThat(s.scraping().evaluations()).as(kind).isEqualTo(2 * s.scraping().scrapes());
      assertThat(s.scraping().firing()).as(kind).isZero();
      assertThat(s.accounted()).as(kind).isTrue();
      assertThat(s.medianRatio()).as(kind).isPositive().isFinite();
    }
    assertThat(report.accounted()).isTrue();
    assertThat(report.signalMicros()).isPositive().isFinite();

    assertThat(report.markdown())
        .contains("### In-memory storage")
        .contains("### Embedded PostgreSQL")
        .contains("Median ratio on ÷ off")
        .contains("cost = 1 - median ratio")
        .contains("Median JVM CPU per checkout, on ÷ off")
        .contains("signals for one paid checkout")
        .contains("Every checkout accounted for")
        .containsPattern(
            "\\| 1 \\| on \\| [0-9,]+ \\| [0-9,]+ \\| [0-9.]+ \\| [0-9.]+ / [0-9.]+ \\|"
                + " [0-9.]+ / [0-9.]+ \\| [0-9.]+ / [0-9.]+ \\|")
        .containsPattern("\\| on \\| [0-9,]+ \\| [0-9.]+ \\| [0-9.]+ \\| 201: [0-9,]+ \\|")
        .containsPattern("\\| off \\| [0-9,]+ \\| [0-9.]+ \\| [0-9.]+ \\| 201: [0-9,]+ \\|")
        .doesNotContain("NaN")
        .doesNotContain("MISMATCH");
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("memory round 1 on");
  }

  @Test
  void theSettingsParseEveryOptionAndRefuseUnknownOnes() {
    Settings s =
        Settings.parse(
            new String[] {
              "--threads=3",
              "--seconds=2",
              "--rounds=5",
              "--warmup-seconds=4",
              "--products=6",
              "--storage=postgres"
            });

    assertThat(s).isEqualTo(new Settings(3, 2, 5, 4, 6, List.of(StorageKind.POSTGRES)));
    assertThat(Settings.parse(new String[0]).storages())
        .containsExactly(StorageKind.MEMORY, StorageKind.POSTGRES);
    assertThatThrownBy(() -> Settings.parse(new String[] {"--storage=h2"}))
        .hasMessageContaining("h2");
    assertThatThrownBy(() -> Settings.parse(new String[] {"--speed=11"}))
        .hasMessageContaining("--speed=11");
  }

  @Test
  void prometheusSumAddsTheSamplesOfOneMetricWithTheLabel() {
    String text =
        """
        # TYPE x_count counter
        x_count{outcome="paid"} 12.0
        x_count{outcome="declined"} 3.0
        x_count{le="0.1",outcome="paid"} 2.0
        x_sum{outcome="paid"} 99.0
        """;

    assertThat(ObservabilityCostBenchmark.prometheusSum(text, "x_count", "outcome=\"paid\""))
        .isEqualTo(14.0);
    assertThat(ObservabilityCostBenchmark.prometheusSum(text, "x_count", "outcome=\"none\""))
        .isZero();
  }
}

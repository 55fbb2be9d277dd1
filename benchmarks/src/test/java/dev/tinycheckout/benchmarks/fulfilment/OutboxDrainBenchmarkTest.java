package dev.tinycheckout.benchmarks.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.benchmarks.fulfilment.OutboxDrainBenchmark.Drain;
import dev.tinycheckout.benchmarks.fulfilment.OutboxDrainBenchmark.Report;
import dev.tinycheckout.benchmarks.fulfilment.OutboxDrainBenchmark.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark at toy sizes, so a harness that stops handling every delivery, or a
 * report that loses its figures, fails the build. Says nothing about speed.
 */
class OutboxDrainBenchmarkTest {

  @Test
  void aTinyRunHandlesEveryDeliveryOnBothSidesAndReportsTheFigures() throws Exception {
    Settings settings = new Settings(500, 1, 250, 2, 64);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    Report report =
        OutboxDrainBenchmark.run(settings, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(report.ours()).hasSize(1);
    assertThat(report.peer()).hasSize(1);
    for (Drain d : report.ours()) {
      assertThat(d.handled()).as("ours, deliveries marked done").isEqualTo(500);
    }
    for (Drain d : report.peer()) {
      assertThat(d.handled()).as("peer, tasks executed").isEqualTo(500);
    }
    assertThat(report.latency().written()).isEqualTo(500);
    assertThat(report.latency().handled()).isEqualTo(500);
    assertThat(report.latency().sortedNanos())
        .hasSize(500)
        .allSatisfy(n -> assertThat(n).isPositive());
    assertThat(report.medianRatio()).isPositive().isFinite();
    String md = report.markdown();
    assertThat(md)
        .contains("Median ratio ours / peer")
        .contains("events/s")
        .contains("p99")
        .containsPattern("\\| 1 \\| [0-9.]+ \\| [0-9,]+ \\| [0-9.]+ \\| [0-9,]+ \\| [0-9.]+× \\|")
        .doesNotContain("NaN");
  }
}

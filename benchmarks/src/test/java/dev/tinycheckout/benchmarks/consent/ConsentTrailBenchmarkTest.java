package dev.tinycheckout.benchmarks.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark.Appends;
import dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark.Checkouts;
import dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark.Report;
import dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark.Settings;
import dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark.Window;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark at toy sizes, so a harness that loses an append or a checkout, writes a
 * trail that does not verify, or whose "without" variant still writes consent, fails the build.
 * Says nothing about speed.
 */
class ConsentTrailBenchmarkTest {

  @Test
  void aTinyRunRecordsEveryAppendAndCheckoutAndTheTrailsVerify() throws Exception {
    Settings settings = new Settings(4, 1, 2, 1, 1, 0, 3, 200);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    Report report =
        ConsentTrailBenchmark.run(
            settings, new PrintStream(progress, true, StandardCharsets.UTF_8));

    Appends appends = report.appends();
    assertThat(appends.window().completed()).isPositive();
    assertThat(appends.attempted()).isGreaterThan(appends.window().completed());
    assertThat(appends.stored()).as("every append is an entry").isEqualTo(appends.attempted());
    assertThat(appends.verification().valid()).isTrue();
    assertThat(appends.verification().entries()).isEqualTo(appends.attempted());
    assertThat(appends.verification().head().sequence()).isEqualTo(appends.attempted());

    Checkouts checkouts = report.checkouts();
    assertThat(checkouts.with()).hasSize(2);
    assertThat(checkouts.without()).hasSize(2);
    for (Window w : checkouts.with()) {
      assertThat(w.completed()).isPositive();
      assertThat(w.waits().samples()).isPositive();
    }
    for (Window w : checkouts.without()) {
      assertThat(w.completed()).isPositive();
      assertThat(w.waits().samples()).isPositive();
    }
    assertThat(checkouts.paidOrders())
        .as("every checkout placed a paid order")
        .isEqualTo(checkouts.placedWith() + checkouts.placedWithout());
    assertThat(checkouts.entries())
        .as("one entry per checkout with the trail, none without")
        .isEqualTo(checkouts.placedWith());
    assertThat(checkouts.verification().valid()).isTrue();
    assertThat(checkouts.verification().entries()).isEqualTo(checkouts.placedWith());
    assertThat(checkouts.medianRatio()).isPositive().isFinite();
    assertThat(report.cpuMicrosPerAppend()).isPositive().isFinite();

    assertThat(report.markdown())
        .contains("Median ratio with ÷ without")
        .contains("Appends/s")
        .contains("Head-lock headroom")
        .contains("per 10,000 entries")
        .contains("ConsentAudit.verify() valid")
        .containsPattern("\\| 2 \\| [0-9,]+ \\| [0-9,]+ \\| [0-9.]+ \\| [0-9.]+ / [0-9.]+ \\|")
        .doesNotContain("NaN")
        .doesNotContain("INVALID");
  }
}

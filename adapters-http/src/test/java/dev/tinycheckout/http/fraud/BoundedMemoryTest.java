package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.http.fraud.FraudRules.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An attack from a million addresses keeps every table within its bound. */
class BoundedMemoryTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final long BOUND = 1_000;
  private static final int ADDRESSES = 1_000_000;

  @Test
  void aMillionAddressesNeverGrowAnyTableBeyondMaxTrackedKeys() {
    MutableClock clock = new MutableClock(T0);
    FraudRules rules =
        FraudRules.builder()
            .maxTrackedKeys(BOUND)
            // Every decline blocks its address and its email, so the block tables fill as well.
            .declinesPerIp(Limit.of(1, Duration.ofHours(1)))
            .declinesPerEmail(Limit.of(1, Duration.ofHours(1)))
            .checkoutsPerIp(FraudRules.SUGGESTED_CHECKOUTS_PER_IP)
            .build();
    FraudGuard guard =
        FraudGuard.builder().rules(rules).clock(clock).executor(Runnable::run).build();

    for (int i = 0; i < ADDRESSES; i++) {
      String ip =
          (10 + (i >>> 24))
              + "."
              + ((i >>> 16) & 0xff)
              + "."
              + ((i >>> 8) & 0xff)
              + "."
              + (i & 0xff);
      // Built directly: the hashes of a million emails and tokens would only slow the test down.
      Attempt a = new Attempt(ip, i, i);
      if (guard.admit(a).allowed()) {
        guard.recordOutcome(a, Outcome.DECLINED);
      }
      if (i % 100_000 == 99_999) {
        assertWithinBound(guard);
      }
    }

    assertWithinBound(guard);
    assertThat(guard.tableSizes())
        .containsOnlyKeys(
            "ipDeclines", "emailDeclines", "ipTokens", "ipCheckouts", "ipBlocks", "emailBlocks");
    assertThat(guard.flags().flagged(FraudRule.DECLINES_PER_IP)).isEqualTo(ADDRESSES);
  }

  private static void assertWithinBound(FraudGuard guard) {
    guard.cleanUp();
    Map<String, Long> sizes = guard.tableSizes();
    assertThat(sizes.values()).allSatisfy(size -> assertThat(size).isBetween(1L, BOUND));
    assertThat(guard.trackedKeys()).isLessThanOrEqualTo(6 * BOUND);
  }
}

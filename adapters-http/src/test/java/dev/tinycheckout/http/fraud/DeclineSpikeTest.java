package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tinycheckout.http.cache.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeclineSpikeTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final int ATTACKERS = 40;

  private final MutableClock clock = new MutableClock(T0);
  private final RecordingListener listener = new RecordingListener();
  private int buyers;

  private FraudGuard guard(FraudRules rules) {
    return FraudGuard.builder()
        .rules(rules)
        .clock(clock)
        .listener(listener)
        .executor(Runnable::run)
        .build();
  }

  /** One honest buyer with an address, email and card of their own; every 20th is declined. */
  private void honestBuyer(FraudGuard guard) {
    int n = buyers++;
    Attempt a =
        Attempt.of("10.1." + (n / 250) + "." + (n % 250), "b" + n + "@example.com", "t" + n);
    assertThat(guard.admit(a)).as("honest buyer %d", n).isEqualTo(Verdict.allow());
    guard.recordOutcome(a, n % 20 == 19 ? Outcome.DECLINED : Outcome.PAID);
  }

  /** Two hours of honest traffic, a buyer every 30 seconds, 5% declined. */
  private void baseline(FraudGuard guard) {
    honestTraffic(guard, 240, Duration.ofSeconds(30));
  }

  private void honestTraffic(FraudGuard guard, int count, Duration every) {
    for (int i = 0; i < count; i++) {
      honestBuyer(guard);
      clock.advance(every);
    }
  }

  private static Attempt attacker(int ip, int round) {
    return Attempt.of(
        "198.51.100." + ip,
        "card" + round + "." + ip + "@example.net",
        "stolen_" + round + "_" + ip);
  }

  /**
   * Every attacker address sends one declined attempt per round, three rounds, each below the
   * per-address limits; honest buyers keep coming.
   */
  private void distributedAttack(FraudGuard guard) {
    for (int round = 0; round < 3; round++) {
      for (int ip = 0; ip < ATTACKERS; ip++) {
        Attempt a = attacker(ip, round);
        assertThat(guard.admit(a)).as("attacker %d round %d", ip, round).isEqualTo(Verdict.allow());
        guard.recordOutcome(a, Outcome.DECLINED);
        clock.advance(Duration.ofSeconds(1));
        if (ip % 10 == 0) {
          honestBuyer(guard);
        }
      }
    }
  }

  @Test
  void honestTrafficAtItsUsualDeclineRatioRaisesNoSpike() {
    FraudGuard guard = guard(FraudRules.ofDefaults());

    // Four hours, 60 payments in every 5-minute window, 3 of them declined.
    honestTraffic(guard, 2880, Duration.ofSeconds(5));

    assertThat(listener.spikes).isEmpty();
    assertThat(guard.flags().flagged(FraudRule.DECLINE_SPIKE)).isZero();
  }

  @Test
  void aDistributedAttackBelowThePerAddressLimitsRaisesOneSpike() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    baseline(guard);

    distributedAttack(guard);

    assertThat(listener.spikes).hasSize(1);
    DeclineSpike spike = listener.spikes.get(0);
    assertThat(spike.payments()).isGreaterThanOrEqualTo(20);
    assertThat(spike.ratio()).isGreaterThan(0.20);
    assertThat(spike.baselineRatio()).isCloseTo(0.05, within(0.01));
    assertThat(spike.threshold()).isEqualTo(0.20);
    assertThat(guard.flags().flagged(FraudRule.DECLINE_SPIKE)).isEqualTo(1);
  }

  @Test
  void duringASpikeTheHalvedLimitsBlockTheDistributedAttackers() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    baseline(guard);

    distributedAttack(guard);

    for (int ip = 0; ip < ATTACKERS; ip++) {
      assertThat(guard.admit(attacker(ip, 3)).allowed()).as("attacker %d", ip).isFalse();
    }
    honestBuyer(guard);
  }

  @Test
  void withoutTighteningTheSpikeOnlyAlerts() {
    FraudRules rules =
        FraudRules.builder()
            .declineSpike(
                new FraudRules.Spike(
                    Duration.ofMinutes(5), Duration.ofHours(24), 3.0, 0.20, 20, false))
            .build();
    FraudGuard guard = guard(rules);
    baseline(guard);

    distributedAttack(guard);

    assertThat(listener.spikes).hasSize(1);
    for (int ip = 0; ip < ATTACKERS; ip++) {
      assertThat(guard.admit(attacker(ip, 3))).as("attacker %d", ip).isEqualTo(Verdict.allow());
    }
  }

  @Test
  void aSpikeIsAlertedOnceWhileItLastsAndAgainAfterItEnded() {
    FraudGuard guard =
        guard(
            FraudRules.builder()
                .disable(FraudRule.DECLINES_PER_IP)
                .disable(FraudRule.DISTINCT_TOKENS_PER_IP)
                .build());
    baseline(guard);
    distributedAttack(guard);
    distributedAttack(guard);
    assertThat(listener.spikes).hasSize(1);

    baseline(guard);
    distributedAttack(guard);

    assertThat(listener.spikes).hasSize(2);
    assertThat(guard.flags().flagged(FraudRule.DECLINE_SPIKE)).isEqualTo(2);
  }

  @Test
  void withoutABaselineTheMinimumRatioDecides() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 19; i++) {
      Attempt a = Attempt.of("10.2.0." + i, "c" + i + "@example.com", "t" + i);
      assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
      guard.recordOutcome(a, i % 2 == 0 ? Outcome.DECLINED : Outcome.PAID);
    }
    assertThat(listener.spikes).as("fewer than 20 payments").isEmpty();

    Attempt twentieth = Attempt.of("10.2.0.19", "c19@example.com", "t19");
    assertThat(guard.admit(twentieth)).isEqualTo(Verdict.allow());
    guard.recordOutcome(twentieth, Outcome.DECLINED);

    assertThat(listener.spikes).hasSize(1);
    assertThat(listener.spikes.get(0).baselineRatio()).isZero();
    assertThat(listener.spikes.get(0).declines()).isEqualTo(11);
  }
}

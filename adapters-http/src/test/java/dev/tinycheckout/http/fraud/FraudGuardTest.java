package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.http.fraud.FraudRules.Limit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FraudGuardTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");

  private final MutableClock clock = new MutableClock(T0);
  private final RecordingListener listener = new RecordingListener();

  private FraudGuard guard(FraudRules rules) {
    return FraudGuard.builder()
        .rules(rules)
        .clock(clock)
        .listener(listener)
        .executor(Runnable::run)
        .build();
  }

  private static Attempt attempt(String ip, String email, String token) {
    return Attempt.of(ip, email, token);
  }

  /** Admits the attempt (which must be allowed) and records its outcome. */
  private static void checkout(FraudGuard guard, Attempt attempt, Outcome outcome) {
    assertThat(guard.admit(attempt)).as("admit %s", attempt).isEqualTo(Verdict.allow());
    guard.recordOutcome(attempt, outcome);
  }

  @Test
  void fiveDeclinesFromOneAddressRefuseItsNextAttemptForTheRestOfTheHour() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      checkout(guard, a, Outcome.DECLINED);
      clock.advance(Duration.ofMinutes(1));
    }

    Verdict sixth = guard.admit(a);

    // Blocked for an hour at the fifth decline, one minute ago.
    assertThat(sixth)
        .isEqualTo(new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofMinutes(59)));
    assertThat(((Verdict.Refuse) sixth).retryAfterSeconds()).isEqualTo(59 * 60);
  }

  @Test
  void fourDeclinesWithinTheHourDoNotBlock() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 4; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }

    assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
  }

  @Test
  void aBlockedAddressDoesNotAffectAnotherAddress() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }

    assertThat(guard.admit(a).allowed()).isFalse();
    assertThat(guard.admit(attempt("203.0.113.8", "bob@example.com", "tok_2")))
        .isEqualTo(Verdict.allow());
  }

  @Test
  void theAddressIsAllowedAgainOnceTheHourIsOver() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }

    clock.advance(Duration.ofMinutes(59).plusSeconds(59));
    assertThat(guard.admit(a))
        .isEqualTo(new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(1));
    assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
  }

  @Test
  void declinesOlderThanTheWindowNoLongerCount() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 4; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }
    clock.advance(Duration.ofHours(1));
    checkout(guard, a, Outcome.DECLINED);

    assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
  }

  @Test
  void aBlockIsFlaggedOnceHoweverManyAttemptsItRefuses() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(guard.admit(a).allowed()).isFalse();
    }

    assertThat(listener.flags)
        .containsExactly(
            new FraudFlag(FraudRule.DECLINES_PER_IP, "203.0.113.7", T0, Duration.ofHours(1)));
    assertThat(guard.flags().flagged(FraudRule.DECLINES_PER_IP)).isEqualTo(1);
    assertThat(guard.flags().refused(FraudRule.DECLINES_PER_IP)).isEqualTo(3);
    assertThat(guard.flags().totalFlags()).isEqualTo(1);
  }

  @Test
  void aListenerThatThrowsDoesNotLiftTheBlockNorTheCount() {
    FraudGuard guard =
        FraudGuard.builder()
            .clock(clock)
            .executor(Runnable::run)
            .listener(
                new FraudListener() {
                  @Override
                  public void flagged(FraudFlag flag) {
                    throw new IllegalStateException("pager is down");
                  }
                })
            .build();
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      checkout(guard, a, Outcome.DECLINED);
    }

    assertThat(guard.admit(a).allowed()).isFalse();
    assertThat(guard.flags().flagged(FraudRule.DECLINES_PER_IP)).isEqualTo(1);
  }

  @Test
  void tenDeclinesForOneEmailFromManyAddressesRefuseThatEmailForTenMinutes() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 10; i++) {
      checkout(
          guard, attempt("198.51.100." + i, "victim@example.com", "tok_" + i), Outcome.DECLINED);
      clock.advance(Duration.ofSeconds(30));
    }

    Verdict refused = guard.admit(attempt("198.51.100.99", " Victim@Example.COM", "tok_x"));

    assertThat(refused)
        .isEqualTo(
            new Verdict.Refuse(
                FraudRule.DECLINES_PER_EMAIL, Duration.ofMinutes(10).minusSeconds(30)));
    assertThat(guard.admit(attempt("198.51.100.99", "other@example.com", "tok_y")))
        .isEqualTo(Verdict.allow());
    clock.advance(Duration.ofMinutes(10));
    assertThat(guard.admit(attempt("198.51.100.99", "victim@example.com", "tok_z")))
        .isEqualTo(Verdict.allow());
  }

  @Test
  void anEmailFlagNamesTheEmailOnlyByItsPseudonym() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 10; i++) {
      checkout(
          guard, attempt("198.51.100." + i, "victim@example.com", "tok_" + i), Outcome.DECLINED);
    }

    assertThat(listener.flags).hasSize(1);
    FraudFlag flag = listener.flags.get(0);
    assertThat(flag.rule()).isEqualTo(FraudRule.DECLINES_PER_EMAIL);
    assertThat(flag.subject()).matches("email#[0-9a-f]{16}").doesNotContain("victim");
    assertThat(flag.blockedFor()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void fiveDistinctTokensInFlightFromOneAddressBlockItBeforeAnyDeclineComesBack() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 5; i++) {
      assertThat(guard.admit(attempt("203.0.113.7", "x" + i + "@example.com", "tok_" + i)))
          .isEqualTo(Verdict.allow());
    }

    assertThat(guard.admit(attempt("203.0.113.7", "x5@example.com", "tok_5")))
        .isEqualTo(new Verdict.Refuse(FraudRule.DISTINCT_TOKENS_PER_IP, Duration.ofHours(1)));
    assertThat(listener.flags)
        .extracting(FraudFlag::rule)
        .containsExactly(FraudRule.DISTINCT_TOKENS_PER_IP);
  }

  @Test
  void retryingTheSameTokenCountsAsOneToken() {
    FraudGuard guard = guard(FraudRules.builder().disable(FraudRule.DECLINES_PER_IP).build());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 20; i++) {
      assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
    }
  }

  @Test
  void buyersBehindOneSharedAddressAreNeverThrottledByTheirPaidCheckouts() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 200; i++) {
      checkout(
          guard, attempt("100.64.0.1", "buyer" + i + "@example.com", "tok_" + i), Outcome.PAID);
      clock.advance(Duration.ofSeconds(3));
    }

    assertThat(guard.flags().totalFlags()).isZero();
  }

  @Test
  void checkoutsPerAddressIsOffByDefault() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 10; i++) {
      checkout(guard, attempt("100.64.0.1", "b" + i + "@example.com", "tok_" + i), Outcome.PAID);
    }

    assertThat(FraudRules.ofDefaults().checkoutsPerIp()).isEmpty();
    assertThat(guard.flags().totalFlags()).isZero();
  }

  @Test
  void checkoutsPerAddressWhenOnAllowsThreeAMinuteAndThenRefusesForAMinute() {
    FraudGuard guard =
        guard(FraudRules.builder().checkoutsPerIp(FraudRules.SUGGESTED_CHECKOUTS_PER_IP).build());
    for (int i = 0; i < 3; i++) {
      checkout(guard, attempt("100.64.0.1", "b" + i + "@example.com", "tok_" + i), Outcome.PAID);
      clock.advance(Duration.ofSeconds(10));
    }

    // Blocked for a minute from the third, ten seconds ago.
    assertThat(guard.admit(attempt("100.64.0.1", "b3@example.com", "tok_3")))
        .isEqualTo(new Verdict.Refuse(FraudRule.CHECKOUTS_PER_IP, Duration.ofSeconds(50)));
    clock.advance(Duration.ofSeconds(50));
    assertThat(guard.admit(attempt("100.64.0.1", "b3@example.com", "tok_3")))
        .isEqualTo(Verdict.allow());
  }

  @Test
  void otherOutcomesAreNotDeclines() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 20; i++) {
      checkout(guard, a, Outcome.OTHER);
    }

    assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
  }

  @Test
  void rulesThatAreOffRefuseNothingAndKeepNoState() {
    FraudGuard guard = guard(FraudRules.off());
    for (int i = 0; i < 100; i++) {
      checkout(guard, attempt("203.0.113.7", "ann@example.com", "tok_" + i), Outcome.DECLINED);
    }

    assertThat(guard.trackedKeys()).isZero();
    assertThat(guard.flags().totalFlags()).isZero();
    assertThat(listener.flags).isEmpty();
  }

  @Test
  void aQuietGuardForgetsEverythingOnceWindowsAndBlocksAreOver() {
    FraudGuard guard = guard(FraudRules.ofDefaults());
    for (int i = 0; i < 10; i++) {
      checkout(
          guard, attempt("198.51.100." + i, "victim@example.com", "tok_" + i), Outcome.DECLINED);
    }
    for (int i = 0; i < 5; i++) {
      checkout(guard, attempt("203.0.113.7", "ann@example.com", "tok_a"), Outcome.DECLINED);
    }
    guard.cleanUp();
    assertThat(guard.trackedKeys()).isPositive();

    clock.advance(Duration.ofHours(1));
    guard.cleanUp();

    assertThat(guard.trackedKeys()).isZero();
  }

  @Test
  void aLongerBlockOfAnotherRuleReplacesAShorterOneAndIsFlaggedToo() {
    FraudGuard guard =
        guard(
            FraudRules.builder()
                .checkoutsPerIp(Limit.of(2, Duration.ofMinutes(1)))
                .declinesPerIp(new Limit(2, Duration.ofHours(1), Duration.ofHours(2)))
                .build());
    Attempt a = attempt("203.0.113.7", "ann@example.com", "tok_1");
    assertThat(guard.admit(a)).isEqualTo(Verdict.allow());
    guard.recordOutcome(a, Outcome.DECLINED);
    assertThat(guard.admit(a)).isEqualTo(Verdict.allow()); // reaches 2 checkouts: blocked 1 min
    guard.recordOutcome(a, Outcome.DECLINED); // the in-flight attempt reaches 2 declines: 2 h

    assertThat(guard.admit(a))
        .isEqualTo(new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofHours(2)));
    assertThat(listener.flags)
        .extracting(FraudFlag::rule)
        .containsExactly(FraudRule.CHECKOUTS_PER_IP, FraudRule.DECLINES_PER_IP);
  }

  @Test
  void refuseRoundsRetryAfterUpToWholeSeconds() {
    assertThat(
            new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofMillis(1200))
                .retryAfterSeconds())
        .isEqualTo(2);
    assertThat(
            new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofNanos(1)).retryAfterSeconds())
        .isEqualTo(1);
    assertThat(
            new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ofMinutes(1))
                .retryAfterSeconds())
        .isEqualTo(60);
  }

  @Test
  void aRefusalWithoutTimeLeftIsRejected() {
    assertThatThrownBy(() -> new Verdict.Refuse(FraudRule.DECLINES_PER_IP, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryAfter must be positive, but was PT0S");
  }
}

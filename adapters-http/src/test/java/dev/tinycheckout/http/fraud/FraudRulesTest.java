package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.http.fraud.FraudRules.Limit;
import dev.tinycheckout.http.fraud.FraudRules.Spike;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FraudRulesTest {

  @Test
  void defaultsFollowPublishedPractice() {
    FraudRules rules = FraudRules.ofDefaults();

    assertThat(rules.declinesPerIp())
        .contains(new Limit(5, Duration.ofHours(1), Duration.ofHours(1)));
    assertThat(rules.declinesPerEmail()).contains(Limit.of(10, Duration.ofMinutes(10)));
    assertThat(rules.distinctTokensPerIp())
        .contains(new Limit(5, Duration.ofMinutes(10), Duration.ofHours(1)));
    assertThat(rules.checkoutsPerIp()).isEmpty();
    assertThat(rules.declineSpike()).contains(Spike.DEFAULT);
    assertThat(rules.maxTrackedKeys()).isEqualTo(10_000);
    assertThat(rules.isOff()).isFalse();
  }

  @Test
  void theSuggestedCheckoutLimitIsThreeAMinute() {
    assertThat(FraudRules.SUGGESTED_CHECKOUTS_PER_IP)
        .isEqualTo(new Limit(3, Duration.ofMinutes(1), Duration.ofMinutes(1)));
  }

  @Test
  void offDisablesEveryRule() {
    FraudRules off = FraudRules.off();

    assertThat(off.isOff()).isTrue();
    for (FraudRule rule : FraudRule.values()) {
      assertThat(off.isEnabled(rule)).as("%s", rule).isFalse();
    }
  }

  @Test
  void disablingOneRuleKeepsTheOthers() {
    FraudRules rules = FraudRules.builder().disable(FraudRule.DECLINES_PER_EMAIL).build();

    assertThat(rules.isEnabled(FraudRule.DECLINES_PER_EMAIL)).isFalse();
    assertThat(rules.isEnabled(FraudRule.DECLINES_PER_IP)).isTrue();
    assertThat(rules.isEnabled(FraudRule.DECLINE_SPIKE)).isTrue();
  }

  @Test
  void toBuilderKeepsEveryValueThatIsNotChanged() {
    FraudRules rules =
        FraudRules.builder()
            .checkoutsPerIp(FraudRules.SUGGESTED_CHECKOUTS_PER_IP)
            .disable(FraudRule.DECLINE_SPIKE)
            .maxTrackedKeys(42)
            .build();

    FraudRules copy = rules.toBuilder().declinesPerIp(Limit.of(3, Duration.ofMinutes(30))).build();

    assertThat(copy.checkoutsPerIp()).contains(FraudRules.SUGGESTED_CHECKOUTS_PER_IP);
    assertThat(copy.declineSpike()).isEmpty();
    assertThat(copy.maxTrackedKeys()).isEqualTo(42);
    assertThat(copy.declinesPerIp()).contains(Limit.of(3, Duration.ofMinutes(30)));
    assertThat(copy.toString()).isEqualTo(copy.toBuilder().build().toString());
  }

  @Test
  void aLimitOfZeroIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> Limit.of(0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be 1 to 1000, but was 0");
  }

  @Test
  void aZeroWindowIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> Limit.of(5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be positive and at most PT8784H, but was PT0S");
  }

  @Test
  void aNegativeBlockIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> Limit.of(5, Duration.ofMinutes(1)).blockingFor(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("blockFor must be positive and at most PT8784H, but was PT-1S");
  }

  @Test
  void aSpikeWindowBelowOneSecondIsRejected() {
    assertThatThrownBy(
            () -> new Spike(Duration.ofMillis(500), Duration.ofMinutes(1), 3, 0.2, 20, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be at least PT1S, but was PT0.5S");
  }

  @Test
  void aBaselineShorterThanTwoWindowsIsRejected() {
    assertThatThrownBy(
            () -> new Spike(Duration.ofMinutes(5), Duration.ofMinutes(9), 3, 0.2, 20, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "baseline must be 2 to 2000 times the window PT5M and at most PT8784H, but was PT9M");
  }

  @Test
  void aFactorBelowOneIsRejected() {
    assertThatThrownBy(
            () -> new Spike(Duration.ofMinutes(5), Duration.ofHours(1), 0.5, 0.2, 20, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factor must be at least 1 and finite, but was 0.5");
  }

  @Test
  void aMinimumRatioOfOneIsRejected() {
    assertThatThrownBy(
            () -> new Spike(Duration.ofMinutes(5), Duration.ofHours(1), 3, 1.0, 20, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minRatio must be at least 0 and below 1, but was 1.0");
  }

  @Test
  void maxTrackedKeysBelowOneIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> FraudRules.builder().maxTrackedKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTrackedKeys must be at least 1, but was 0");
  }
}

package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BurnRateRuleTest {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  private static BurnRateRule rule(double threshold, Duration longWindow, Duration shortWindow) {
    return new BurnRateRule("r", AlertSeverity.PAGE, threshold, longWindow, shortWindow, 0);
  }

  private static void refused(Runnable construction, String field, String reasonEnd) {
    assertThatThrownBy(construction::run)
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.reason()).endsWith(reasonEnd);
            });
  }

  @Test
  void theDefaultsAreTheSreWorkbooksFourRules() {
    assertThat(BurnRateRule.sreWorkbookDefaults())
        .extracting(
            BurnRateRule::name,
            BurnRateRule::severity,
            BurnRateRule::threshold,
            BurnRateRule::longWindow,
            BurnRateRule::shortWindow)
        .containsExactly(
            tuple("page-fast", AlertSeverity.PAGE, 14.4, HOUR, FIVE_MINUTES),
            tuple(
                "page-slow", AlertSeverity.PAGE, 6.0, Duration.ofHours(6), Duration.ofMinutes(30)),
            tuple(
                "ticket-fast", AlertSeverity.TICKET, 3.0, Duration.ofDays(1), Duration.ofHours(2)),
            tuple(
                "ticket-slow", AlertSeverity.TICKET, 1.0, Duration.ofDays(3), Duration.ofHours(6)));
  }

  @Test
  void theDefaultGuardsKeepOneBadEventBelowEveryThresholdOfANinetyNineNinePercentObjective() {
    double budget = ServiceLevelObjective.of("checkout-availability", 0.999).errorBudget();
    for (BurnRateRule rule : BurnRateRule.sreWorkbookDefaults()) {
      double oneBadAmongTheMinimum = (1.0 / rule.minEvents()) / budget;
      assertThat(oneBadAmongTheMinimum).as(rule.name()).isLessThan(rule.threshold());
    }
  }

  @Test
  void theDefaultGuardsKeepAShopWithEightCheckoutsAnHourFromEveryAlert() {
    for (BurnRateRule rule : BurnRateRule.sreWorkbookDefaults()) {
      long checkoutsInTheLongWindow = 8 * rule.longWindow().toHours();
      assertThat(checkoutsInTheLongWindow).as(rule.name()).isLessThan(rule.minEvents());
    }
  }

  @Test
  void withMinEventsChangesOnlyTheGuard() {
    BurnRateRule pageFast = BurnRateRule.sreWorkbookDefaults().get(0);

    BurnRateRule unguarded = pageFast.withMinEvents(0);

    assertThat(unguarded.minEvents()).isZero();
    assertThat(unguarded)
        .usingRecursiveComparison()
        .ignoringFields("minEvents")
        .isEqualTo(pageFast);
    refused(() -> pageFast.withMinEvents(-1), "minEvents", "but was -1");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void aThresholdThatIsNotPositiveAndFiniteIsRefusedWithTheValue(double threshold) {
    refused(() -> rule(threshold, HOUR, FIVE_MINUTES), "threshold", "but was " + threshold);
  }

  @Test
  void windowsMustBePositive() {
    refused(() -> rule(14.4, Duration.ZERO, Duration.ZERO), "longWindow", "but was PT0S");
    refused(() -> rule(14.4, HOUR, Duration.ofMinutes(-5)), "shortWindow", "but was PT-5M");
  }

  @Test
  void windowsMayBeAtMostThirtyOneDays() {
    assertThat(rule(1, BurnRateRule.MAX_WINDOW, HOUR).longWindow()).isEqualTo(Duration.ofDays(31));
    refused(() -> rule(1, Duration.ofDays(32), HOUR), "longWindow", "but was PT768H");
  }

  @Test
  void theShortWindowMustNotBeLongerThanTheLongOne() {
    assertThat(rule(2, HOUR, HOUR).shortWindow()).isEqualTo(HOUR);
    refused(
        () -> rule(2, FIVE_MINUTES, HOUR),
        "shortWindow",
        "must not be longer than longWindow (PT5M), but was PT1H");
  }

  @Test
  void aRuleNeedsATagFriendlyName() {
    refused(
        () -> new BurnRateRule("page fast", AlertSeverity.PAGE, 14.4, HOUR, FIVE_MINUTES, 0),
        "name",
        "but was \"page fast\"");
  }
}

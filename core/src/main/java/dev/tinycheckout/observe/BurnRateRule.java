package dev.tinycheckout.observe;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One multiwindow burn-rate alert of the SRE workbook: it fires while the error budget burns at
 * least {@code threshold} times as fast as the objective allows over both the long window (the
 * evidence) and the short window (the confirmation that it is still happening, so the alert stops
 * soon after the problem does), and the long window holds at least {@code minEvents} events.
 *
 * <p>The burn rate of a window is its error ratio divided by the {@linkplain
 * ServiceLevelObjective#errorBudget() error budget}: with a 99.9% objective, 1.44% bad events is a
 * burn rate of 14.4, which spends a 30-day budget in about two days.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name a stable name for logs, metric tags and alerts, unique within a {@link SloMonitor}: 1
 *     to 64 letters, digits, {@code .}, {@code _} or {@code -}, such as {@code page-fast}
 * @param severity whether a firing rule pages or opens a ticket
 * @param threshold the burn rate at or above which both windows must be, positive, such as {@code
 *     14.4}
 * @param longWindow the window over which the burn rate is measured, such as one hour; positive and
 *     at most 31 days
 * @param shortWindow the confirmation window, positive and no longer than {@code longWindow}; the
 *     workbook uses a twelfth of the long window
 * @param minEvents the fewest events the long window must hold for the rule to fire (zero or more):
 *     the guard for low traffic, where one bad event among a few is a huge error ratio but no
 *     emergency
 */
public record BurnRateRule(
    String name,
    AlertSeverity severity,
    double threshold,
    Duration longWindow,
    Duration shortWindow,
    long minEvents) {

  /** The longest window a rule may have: 31 days. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  /**
   * Validates.
   *
   * @param name 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter
   *     or digit
   * @param severity not null
   * @param threshold positive and finite
   * @param longWindow positive, at most {@link #MAX_WINDOW}
   * @param shortWindow positive, at most {@code longWindow}
   * @param minEvents zero or more
   * @throws ValidationException naming the bad value
   * @throws NullPointerException if an argument is null
   */
  public BurnRateRule {
    ServiceLevelObjective.checkName("name", name);
    Objects.requireNonNull(severity, "severity");
    if (!(threshold > 0 && threshold < Double.POSITIVE_INFINITY)) {
      throw new ValidationException(
          "threshold", "must be positive and finite, such as 14.4, but was " + threshold);
    }
    window("longWindow", longWindow);
    window("shortWindow", shortWindow);
    if (shortWindow.compareTo(longWindow) > 0) {
      throw new ValidationException(
          "shortWindow",
          "must not be longer than longWindow (" + longWindow + "), but was " + shortWindow);
    }
    if (minEvents < 0) {
      throw new ValidationException("minEvents", "must not be negative, but was " + minEvents);
    }
  }

  private static void window(String field, Duration window) {
    Objects.requireNonNull(window, field);
    if (window.isNegative() || window.isZero()) {
      throw new ValidationException(field, "must be positive, but was " + window);
    }
    if (window.compareTo(MAX_WINDOW) > 0) {
      throw new ValidationException(field, "must be at most " + MAX_WINDOW + ", but was " + window);
    }
  }

  /**
   * The four rules recommended by the SRE workbook (table 5-8) for a 30-day objective, each with a
   * low-traffic guard:
   *
   * <ul>
   *   <li>{@code page-fast}: {@link AlertSeverity#PAGE page} at 14.4x over 1 h, confirmed over 5
   *       min (2% of a 30-day budget spent in an hour), with at least 100 events in the hour;
   *   <li>{@code page-slow}: page at 6x over 6 h, confirmed over 30 min (5% of the budget in six
   *       hours), with at least 200 events;
   *   <li>{@code ticket-fast}: {@link AlertSeverity#TICKET ticket} at 3x over 1 day, confirmed over
   *       2 h (10% of the budget in a day), with at least 400 events;
   *   <li>{@code ticket-slow}: ticket at 1x over 3 days, confirmed over 6 h (10% of the budget in
   *       three days), with at least 1200 events.
   * </ul>
   *
   * <p>The minimum events are chosen so that, for a 99.9% objective, one bad event among them can
   * never reach the rule's threshold on its own (1/100 = 1% is below 14.4 x 0.1% = 1.44%; 1/200 is
   * below 0.6%; 1/400 below 0.3%; 1/1200 below 0.1%), while any shop with steady traffic above that
   * many checkouts per window is fully covered. A shop with eight checkouts an hour never has the
   * hundred events a page needs, so one failed checkout does not page anyone. For tighter
   * objectives (99.99%) raise the guards with {@link #withMinEvents}; for looser ones they are
   * merely conservative.
   *
   * @return the four rules, in the order above
   */
  public static List<BurnRateRule> sreWorkbookDefaults() {
    return List.of(
        new BurnRateRule(
            "page-fast", AlertSeverity.PAGE, 14.4, Duration.ofHours(1), Duration.ofMinutes(5), 100),
        new BurnRateRule(
            "page-slow", AlertSeverity.PAGE, 6, Duration.ofHours(6), Duration.ofMinutes(30), 200),
        new BurnRateRule(
            "ticket-fast", AlertSeverity.TICKET, 3, Duration.ofDays(1), Duration.ofHours(2), 400),
        new BurnRateRule(
            "ticket-slow", AlertSeverity.TICKET, 1, Duration.ofDays(3), Duration.ofHours(6), 1200));
  }

  /**
   * This rule with another low-traffic guard.
   *
   * @param minEvents the fewest events the long window must hold for the rule to fire, zero or more
   * @return a copy of this rule with the guard changed
   * @throws ValidationException if negative
   */
  public BurnRateRule withMinEvents(long minEvents) {
    return new BurnRateRule(name, severity, threshold, longWindow, shortWindow, minEvents);
  }
}

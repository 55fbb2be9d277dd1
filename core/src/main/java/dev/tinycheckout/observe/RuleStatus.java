package dev.tinycheckout.observe;

import java.util.Objects;

/**
 * One {@link BurnRateRule} at one evaluation: both windows' burn rates and whether the rule fires.
 *
 * <p>Immutable and thread-safe.
 *
 * @param rule the rule
 * @param longWindow the long window's events and burn rate
 * @param shortWindow the short window's events and burn rate
 * @param firing whether both burn rates are at or above the rule's threshold and the long window
 *     holds at least the rule's minimum events
 */
public record RuleStatus(
    BurnRateRule rule, WindowStatus longWindow, WindowStatus shortWindow, boolean firing) {

  /**
   * Validates.
   *
   * @param rule not null
   * @param longWindow not null
   * @param shortWindow not null
   * @param firing whether the rule fires
   * @throws NullPointerException if an argument is null
   */
  public RuleStatus {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(longWindow, "longWindow");
    Objects.requireNonNull(shortWindow, "shortWindow");
  }
}

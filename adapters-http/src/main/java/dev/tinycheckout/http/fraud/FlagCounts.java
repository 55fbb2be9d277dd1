package dev.tinycheckout.http.fraud;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The counters of a {@link FraudGuard} since it was built. Immutable; both maps hold every {@link
 * FraudRule}.
 *
 * @param flags per rule, how many blocks it started ({@link FraudListener#flagged}), or for {@link
 *     FraudRule#DECLINE_SPIKE} how many spikes started
 * @param refusals per rule, how many attempts its blocks refused; always 0 for {@link
 *     FraudRule#DECLINE_SPIKE}
 */
public record FlagCounts(Map<FraudRule, Long> flags, Map<FraudRule, Long> refusals) {

  /**
   * Copies the maps, filling rules that are missing with 0.
   *
   * @param flags blocks or spikes started per rule
   * @param refusals attempts refused per rule
   * @throws IllegalArgumentException if a count is negative
   */
  public FlagCounts {
    flags = complete("flags", flags);
    refusals = complete("refusals", refusals);
  }

  private static Map<FraudRule, Long> complete(String name, Map<FraudRule, Long> given) {
    Objects.requireNonNull(given, name);
    EnumMap<FraudRule, Long> m = new EnumMap<>(FraudRule.class);
    for (FraudRule r : FraudRule.values()) {
      long v = given.getOrDefault(r, 0L);
      if (v < 0) {
        throw new IllegalArgumentException(name + " must not be negative, but " + r + " was " + v);
      }
      m.put(r, v);
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * How many blocks (or spikes) a rule started.
   *
   * @param rule the rule
   * @return not negative
   */
  public long flagged(FraudRule rule) {
    return flags.getOrDefault(Objects.requireNonNull(rule, "rule"), 0L);
  }

  /**
   * How many attempts a rule's blocks refused.
   *
   * @param rule the rule
   * @return not negative
   */
  public long refused(FraudRule rule) {
    return refusals.getOrDefault(Objects.requireNonNull(rule, "rule"), 0L);
  }

  /**
   * All flags of every rule.
   *
   * @return the sum of {@link #flags()}
   */
  public long totalFlags() {
    return flags.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * All refused attempts.
   *
   * @return the sum of {@link #refusals()}
   */
  public long totalRefusals() {
    return refusals.values().stream().mapToLong(Long::longValue).sum();
  }
}

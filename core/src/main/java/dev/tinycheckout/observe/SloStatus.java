package dev.tinycheckout.observe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one {@link ServiceLevelObjective} at one evaluation: every rule's burn rates and
 * whether it fires. The source for metrics (one gauge per rule and window, one per firing flag).
 *
 * <p>Immutable and thread-safe.
 *
 * @param slo the objective
 * @param at the instant the windows end at (the evaluation time)
 * @param rules one status per rule, in the monitor's rule order; unmodifiable
 */
public record SloStatus(ServiceLevelObjective slo, Instant at, List<RuleStatus> rules) {

  /**
   * Validates and copies the list.
   *
   * @param slo not null
   * @param at not null
   * @param rules not null, without nulls
   * @throws NullPointerException if an argument or a rule status is null
   */
  public SloStatus {
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(at, "at");
    rules = List.copyOf(rules);
  }

  /**
   * The rules that fire: the open alerts.
   *
   * @return the firing rules' statuses, in rule order; empty when all is well
   */
  public List<RuleStatus> firing() {
    return rules.stream().filter(RuleStatus::firing).toList();
  }

  /**
   * Whether any rule of a severity fires.
   *
   * @param severity the severity
   * @return {@code true} if at least one rule of that severity fires
   */
  public boolean isFiring(AlertSeverity severity) {
    Objects.requireNonNull(severity, "severity");
    return rules.stream().anyMatch(r -> r.firing() && r.rule().severity() == severity);
  }

  /**
   * The status of one rule.
   *
   * @param name the rule's name, such as {@code page-fast}
   * @return its status, or empty if the monitor has no rule of that name
   */
  public Optional<RuleStatus> rule(String name) {
    Objects.requireNonNull(name, "name");
    return rules.stream().filter(r -> r.rule().name().equals(name)).findFirst();
  }
}

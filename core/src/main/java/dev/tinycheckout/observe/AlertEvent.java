package dev.tinycheckout.observe;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link BurnRateRule} that started or stopped firing, as given to an {@link AlertListener}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param slo the objective whose budget burns
 * @param status the rule's status at the evaluation that saw the change: burn rates at or above the
 *     threshold when it fired, below (or too few events) when it resolved
 * @param at the evaluation time
 */
public record AlertEvent(ServiceLevelObjective slo, RuleStatus status, Instant at) {

  /**
   * Validates.
   *
   * @param slo not null
   * @param status not null
   * @param at not null
   * @throws NullPointerException if an argument is null
   */
  public AlertEvent {
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
  }

  /**
   * The rule that changed.
   *
   * @return the rule
   */
  public BurnRateRule rule() {
    return status.rule();
  }

  /**
   * Whether the rule pages or opens a ticket.
   *
   * @return the rule's severity
   */
  public AlertSeverity severity() {
    return status.rule().severity();
  }

  /**
   * A one-line text for a pager or a chat message, such as {@code checkout-availability page-fast
   * (PAGE): burn rate 20.0x over PT1H and 100.0x over PT5M, threshold 14.4x; 73 of 3650 events bad
   * in PT1H, at 2026-11-25T10:00:00Z}. Holds no personal data.
   *
   * @return the summary
   */
  public String summary() {
    BurnRateRule rule = status.rule();
    WindowStatus longWindow = status.longWindow();
    return String.format(
        Locale.ROOT,
        "%s %s (%s): burn rate %.1fx over %s and %.1fx over %s, threshold %.1fx; %d of %d events"
            + " bad in %s, at %s",
        slo.name(),
        rule.name(),
        rule.severity(),
        longWindow.burnRate(),
        longWindow.window(),
        status.shortWindow().burnRate(),
        status.shortWindow().window(),
        rule.threshold(),
        longWindow.badEvents(),
        longWindow.events(),
        longWindow.window(),
        at);
  }
}

package dev.tinycheckout.http.fraud;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A key that a rule has just blocked. Immutable; safe to log: it names a client address, or an
 * email only by its pseudonym.
 *
 * @param rule the rule whose limit was reached
 * @param subject what is blocked: the client address key ({@link Attempt#clientKey()}) for the
 *     per-address rules, or {@code email#} and 16 hex digits of the email's keyed hash for {@link
 *     FraudRule#DECLINES_PER_EMAIL}
 * @param at when the limit was reached
 * @param blockedFor how long the subject is refused from then, positive
 */
public record FraudFlag(FraudRule rule, String subject, Instant at, Duration blockedFor) {

  /**
   * Checks that no part is missing.
   *
   * @param rule the rule
   * @param subject what is blocked
   * @param at when
   * @param blockedFor how long, positive
   * @throws IllegalArgumentException if the duration is not positive
   */
  public FraudFlag {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(blockedFor, "blockedFor");
    if (blockedFor.isNegative() || blockedFor.isZero()) {
      throw new IllegalArgumentException("blockedFor must be positive, but was " + blockedFor);
    }
  }
}

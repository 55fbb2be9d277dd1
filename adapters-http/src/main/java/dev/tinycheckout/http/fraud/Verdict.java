package dev.tinycheckout.http.fraud;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FraudGuard#admit} decided: {@link Allow} the checkout, or {@link Refuse} it.
 * Immutable.
 */
public sealed interface Verdict permits Verdict.Allow, Verdict.Refuse {

  /**
   * The checkout may go ahead.
   *
   * @return the one {@link Allow}
   */
  static Verdict allow() {
    return Allow.INSTANCE;
  }

  /**
   * Whether the checkout may go ahead.
   *
   * @return true for {@link Allow}
   */
  default boolean allowed() {
    return this instanceof Allow;
  }

  /** The checkout may go ahead; report its outcome with {@link FraudGuard#recordOutcome}. */
  record Allow() implements Verdict {
    static final Allow INSTANCE = new Allow();
  }

  /**
   * The checkout is refused: answer 429 with problem type {@code too-many-attempts} and {@code
   * Retry-After: }{@link #retryAfterSeconds()}, without calling the payment provider.
   *
   * @param rule the rule whose block refused it; never {@link FraudRule#DECLINE_SPIKE}
   * @param retryAfter how long the block still lasts, positive
   */
  record Refuse(FraudRule rule, Duration retryAfter) implements Verdict {

    /**
     * Validates the refusal.
     *
     * @param rule the rule whose block refused it
     * @param retryAfter how long the block still lasts, positive
     * @throws IllegalArgumentException if the duration is not positive
     */
    public Refuse {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isNegative() || retryAfter.isZero()) {
        throw new IllegalArgumentException("retryAfter must be positive, but was " + retryAfter);
      }
    }

    /**
     * The value of the {@code Retry-After} header: {@link #retryAfter()} rounded up to whole
     * seconds.
     *
     * @return at least 1
     */
    public long retryAfterSeconds() {
      long s = retryAfter.getSeconds();
      return retryAfter.getNano() > 0 ? s + 1 : s;
    }
  }
}

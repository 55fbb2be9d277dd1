package dev.tinycheckout.http.fraud;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which card-testing rules a {@link FraudGuard} applies, and their thresholds. Immutable and
 * thread-safe; take {@link #ofDefaults()} or {@link #off()}, or build one with {@link #builder()}.
 *
 * <p>The defaults follow published practice for small shops:
 *
 * <ul>
 *   <li>{@link #declinesPerIp()}: 5 declined payments from one address within an hour block it for
 *       an hour, as the Gravity Forms Stripe add-on does against card testing;
 *   <li>{@link #declinesPerEmail()}: 10 declined payments for one email within 10 minutes refuse
 *       that email, from any address, for 10 minutes ("deny above 10 failed attempts in 10
 *       minutes");
 *   <li>{@link #distinctTokensPerIp()}: 5 distinct payment tokens from one address within 10
 *       minutes that did not end paid block it for an hour. An honest buyer uses one card,
 *       sometimes a second after a decline; five different cards in ten minutes is what a card
 *       tester does, and this rule catches one that fires many attempts at once, before any decline
 *       comes back. Tokens that end {@link Outcome#PAID paid} stop counting, so buyers behind one
 *       shared (NAT) address are never throttled by their own successful checkouts;
 *   <li>{@link #checkoutsPerIp()}: off. {@link #SUGGESTED_CHECKOUTS_PER_IP} (3 a minute, as
 *       WooCommerce's checkout rate limit) is available, but many honest buyers share one address
 *       behind carrier-grade NAT, so it is not on by default;
 *   <li>{@link #declineSpike()}: on; see {@link Spike}. It refuses nobody by itself; while the
 *       site-wide decline ratio of the last 5 minutes is above 3 times its 24-hour baseline (and
 *       above 20%, over at least 20 payments), it alerts once and halves the per-address and
 *       per-email limits;
 *   <li>{@link #maxTrackedKeys()}: 10,000 keys per table, room for every address and email that a
 *       small shop sees within an hour, in about 10 MB at most. Beyond that the least used keys are
 *       dropped (Caffeine keeps the most used, such as an address that keeps trying), and the spike
 *       rule covers an attack spread over more addresses than that.
 * </ul>
 */
public final class FraudRules {
  /** The most events a {@link Limit} may count. */
  public static final int MAX_LIMIT = 1_000;

  /** The longest window, block or baseline: 366 days. */
  public static final Duration MAX_DURATION = Duration.ofDays(366);

  /** The checkouts-per-address limit that WooCommerce's checkout rate limiting uses: 3 a minute. */
  public static final Limit SUGGESTED_CHECKOUTS_PER_IP = Limit.of(3, Duration.ofMinutes(1));

  private static final long DEFAULT_MAX_TRACKED_KEYS = 10_000;
  private static final FraudRules DEFAULTS = builder().build();
  private static final FraudRules OFF =
      builder()
          .disable(FraudRule.DECLINES_PER_IP)
          .disable(FraudRule.DECLINES_PER_EMAIL)
          .disable(FraudRule.DISTINCT_TOKENS_PER_IP)
          .disable(FraudRule.CHECKOUTS_PER_IP)
          .disable(FraudRule.DECLINE_SPIKE)
          .build();

  private final @Nullable Limit declinesPerIp;
  private final @Nullable Limit declinesPerEmail;
  private final @Nullable Limit distinctTokensPerIp;
  private final @Nullable Limit checkoutsPerIp;
  private final @Nullable Spike declineSpike;
  private final long maxTrackedKeys;

  private FraudRules(Builder b) {
    this.declinesPerIp = b.declinesPerIp;
    this.declinesPerEmail = b.declinesPerEmail;
    this.distinctTokensPerIp = b.distinctTokensPerIp;
    this.checkoutsPerIp = b.checkoutsPerIp;
    this.declineSpike = b.declineSpike;
    this.maxTrackedKeys = b.maxTrackedKeys;
  }

  /**
   * The default rules, as listed above.
   *
   * @return the defaults
   */
  public static FraudRules ofDefaults() {
    return DEFAULTS;
  }

  /**
   * No rules at all: a guard with these admits every attempt and keeps no state.
   *
   * @return every rule disabled
   */
  public static FraudRules off() {
    return OFF;
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these rules, to change some of them.
   *
   * @return a new builder with these values
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.declinesPerIp = declinesPerIp;
    b.declinesPerEmail = declinesPerEmail;
    b.distinctTokensPerIp = distinctTokensPerIp;
    b.checkoutsPerIp = checkoutsPerIp;
    b.declineSpike = declineSpike;
    b.maxTrackedKeys = maxTrackedKeys;
    return b;
  }

  /**
   * Declined payments per client address.
   *
   * @return the limit, or empty if the rule is off
   */
  public Optional<Limit> declinesPerIp() {
    return Optional.ofNullable(declinesPerIp);
  }

  /**
   * Declined payments per email, whatever the address.
   *
   * @return the limit, or empty if the rule is off
   */
  public Optional<Limit> declinesPerEmail() {
    return Optional.ofNullable(declinesPerEmail);
  }

  /**
   * Distinct payment tokens per client address that did not end {@link Outcome#PAID paid}; a token
   * counts from its admitted attempt.
   *
   * @return the limit, or empty if the rule is off
   */
  public Optional<Limit> distinctTokensPerIp() {
    return Optional.ofNullable(distinctTokensPerIp);
  }

  /**
   * Admitted checkouts per client address, whatever their outcome.
   *
   * @return the limit, or empty if the rule is off (the default)
   */
  public Optional<Limit> checkoutsPerIp() {
    return Optional.ofNullable(checkoutsPerIp);
  }

  /**
   * The site-wide decline spike rule.
   *
   * @return the rule, or empty if it is off
   */
  public Optional<Spike> declineSpike() {
    return Optional.ofNullable(declineSpike);
  }

  /**
   * The most keys (addresses, emails, blocks) each of the guard's tables holds; beyond it the least
   * useful entries are evicted, which can only make the guard more lenient.
   *
   * @return at least 1
   */
  public long maxTrackedKeys() {
    return maxTrackedKeys;
  }

  /**
   * Whether a rule is on.
   *
   * @param rule the rule
   * @return whether it is configured
   */
  public boolean isEnabled(FraudRule rule) {
    Objects.requireNonNull(rule, "rule");
    return switch (rule) {
      case DECLINES_PER_IP -> declinesPerIp != null;
      case DECLINES_PER_EMAIL -> declinesPerEmail != null;
      case DISTINCT_TOKENS_PER_IP -> distinctTokensPerIp != null;
      case CHECKOUTS_PER_IP -> checkoutsPerIp != null;
      case DECLINE_SPIKE -> declineSpike != null;
    };
  }

  /**
   * Whether every rule is off.
   *
   * @return true for {@link #off()} and anything built like it
   */
  public boolean isOff() {
    return declinesPerIp == null
        && declinesPerEmail == null
        && distinctTokensPerIp == null
        && checkoutsPerIp == null
        && declineSpike == null;
  }

  @Override
  public String toString() {
    return "FraudRules[declinesPerIp="
        + declinesPerIp
        + ", declinesPerEmail="
        + declinesPerEmail
        + ", distinctTokensPerIp="
        + distinctTokensPerIp
        + ", checkoutsPerIp="
        + checkoutsPerIp
        + ", declineSpike="
        + declineSpike
        + ", maxTrackedKeys="
        + maxTrackedKeys
        + "]";
  }

  /**
   * A counting rule: once {@code max} events of one key fall within {@code window}, the key is
   * refused for {@code blockFor}. The event that reaches {@code max} is itself admitted; the next
   * attempt is refused. Counts are exact: the guard keeps the times of the last {@code max} events
   * of each key.
   *
   * @param max how many events reach the limit, 1 to {@value FraudRules#MAX_LIMIT}
   * @param window how far back events count, positive; an event at time {@code t} counts while
   *     {@code now - t < window}
   * @param blockFor how long the key is refused once the limit is reached, positive
   */
  public record Limit(int max, Duration window, Duration blockFor) {

    /**
     * Validates the limit.
     *
     * @param max how many events reach the limit, 1 to {@value FraudRules#MAX_LIMIT}
     * @param window how far back events count, positive
     * @param blockFor how long the key is refused, positive
     * @throws IllegalArgumentException if a value is out of range
     */
    public Limit {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(blockFor, "blockFor");
      if (max < 1 || max > MAX_LIMIT) {
        throw new IllegalArgumentException("max must be 1 to " + MAX_LIMIT + ", but was " + max);
      }
      requirePositive("window", window);
      requirePositive("blockFor", blockFor);
    }

    /**
     * A limit that refuses the key for as long as its window.
     *
     * @param max how many events reach the limit, 1 to {@value FraudRules#MAX_LIMIT}
     * @param window how far back events count, and how long the key is then refused; positive
     * @return the limit
     * @throws IllegalArgumentException if a value is out of range
     */
    public static Limit of(int max, Duration window) {
      return new Limit(max, window, window);
    }

    /**
     * The same limit with another block duration.
     *
     * @param blockFor how long the key is refused, positive
     * @return a new limit
     * @throws IllegalArgumentException if the duration is not positive
     */
    public Limit blockingFor(Duration blockFor) {
      return new Limit(max, window, blockFor);
    }
  }

  /**
   * The site-wide decline spike rule. Over payments with a decision ({@link Outcome#PAID} or {@link
   * Outcome#DECLINED}), the decline ratio of the last {@code window} is compared with the ratio
   * over the {@code baseline} before it; a spike starts when at least {@code minAttempts} payments
   * fell in the window and their decline ratio is above both {@code factor} times the baseline
   * ratio and {@code minRatio}. A spike is counted and alerted once, lasts at least one window, and
   * ends at the first payment outcome after that which no longer meets the condition. While it
   * lasts, if {@code tighten} is set, every per-address and per-email limit counts to half its
   * {@code max} (rounded up), so a distributed attack that keeps each address under the normal
   * limits is still stopped. Payments during a spike do not enter the baseline, so a long attack
   * does not become the new normal.
   *
   * <p>The window is counted in 5 buckets of a fifth of it each, so it covers between 80% and 100%
   * of {@code window}; the baseline is counted in buckets of the same width.
   *
   * @param window the short window, at least 1 second
   * @param baseline how far back before the window the baseline reaches; at least 2 and at most
   *     2,000 windows, and at most {@link FraudRules#MAX_DURATION}
   * @param factor how many times the baseline ratio the window's ratio must exceed, at least 1
   * @param minRatio the decline ratio the window must exceed whatever the baseline, 0 or more and
   *     below 1
   * @param minAttempts the fewest payments in the window that can make a spike, at least 1
   * @param tighten whether per-address and per-email limits are halved during a spike
   */
  public record Spike(
      Duration window,
      Duration baseline,
      double factor,
      double minRatio,
      int minAttempts,
      boolean tighten) {

    /**
     * The default: a 5-minute window against a 24-hour baseline, above 3 times the baseline and
     * above 20%, over at least 20 payments, tightening limits while it lasts.
     */
    public static final Spike DEFAULT =
        new Spike(Duration.ofMinutes(5), Duration.ofHours(24), 3.0, 0.20, 20, true);

    /**
     * Validates the rule.
     *
     * @param window the short window, at least 1 second
     * @param baseline the baseline's span, 2 to 2,000 windows
     * @param factor at least 1
     * @param minRatio 0 or more and below 1
     * @param minAttempts at least 1
     * @param tighten whether limits are halved during a spike
     * @throws IllegalArgumentException if a value is out of range
     */
    public Spike {
      Objects.requireNonNull(window, "window");
      Objects.requireNonNull(baseline, "baseline");
      if (window.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("window must be at least PT1S, but was " + window);
      }
      if (baseline.compareTo(window.multipliedBy(2)) < 0
          || baseline.compareTo(window.multipliedBy(2_000)) > 0
          || baseline.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            "baseline must be 2 to 2000 times the window "
                + window
                + " and at most "
                + MAX_DURATION
                + ", but was "
                + baseline);
      }
      if (!(factor >= 1.0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException(
            "factor must be at least 1 and finite, but was " + factor);
      }
      if (!(minRatio >= 0.0 && minRatio < 1.0)) {
        throw new IllegalArgumentException(
            "minRatio must be at least 0 and below 1, but was " + minRatio);
      }
      if (minAttempts < 1) {
        throw new IllegalArgumentException(
            "minAttempts must be at least 1, but was " + minAttempts);
      }
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          name + " must be positive and at most " + MAX_DURATION + ", but was " + d);
    }
  }

  /** Builds {@link FraudRules}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Limit declinesPerIp = new Limit(5, Duration.ofHours(1), Duration.ofHours(1));
    private @Nullable Limit declinesPerEmail = Limit.of(10, Duration.ofMinutes(10));
    private @Nullable Limit distinctTokensPerIp =
        new Limit(5, Duration.ofMinutes(10), Duration.ofHours(1));
    private @Nullable Limit checkoutsPerIp;
    private @Nullable Spike declineSpike = Spike.DEFAULT;
    private long maxTrackedKeys = DEFAULT_MAX_TRACKED_KEYS;

    private Builder() {}

    /**
     * Turns on the declines-per-address rule with this limit (default 5 in 1 hour, block 1 hour).
     *
     * @param limit the limit
     * @return this builder
     */
    public Builder declinesPerIp(Limit limit) {
      this.declinesPerIp = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Turns on the declines-per-email rule with this limit (default 10 in 10 minutes, block 10
     * minutes).
     *
     * @param limit the limit
     * @return this builder
     */
    public Builder declinesPerEmail(Limit limit) {
      this.declinesPerEmail = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Turns on the distinct-tokens-per-address rule with this limit (default 5 in 10 minutes, block
     * 1 hour).
     *
     * @param limit the limit
     * @return this builder
     */
    public Builder distinctTokensPerIp(Limit limit) {
      this.distinctTokensPerIp = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Turns on the checkouts-per-address rule with this limit (off by default; {@link
     * #SUGGESTED_CHECKOUTS_PER_IP} is 3 a minute).
     *
     * @param limit the limit
     * @return this builder
     */
    public Builder checkoutsPerIp(Limit limit) {
      this.checkoutsPerIp = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Turns on the decline spike rule with these settings (default {@link Spike#DEFAULT}).
     *
     * @param spike the settings
     * @return this builder
     */
    public Builder declineSpike(Spike spike) {
      this.declineSpike = Objects.requireNonNull(spike, "spike");
      return this;
    }

    /**
     * Turns a rule off.
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder disable(FraudRule rule) {
      Objects.requireNonNull(rule, "rule");
      switch (rule) {
        case DECLINES_PER_IP -> declinesPerIp = null;
        case DECLINES_PER_EMAIL -> declinesPerEmail = null;
        case DISTINCT_TOKENS_PER_IP -> distinctTokensPerIp = null;
        case CHECKOUTS_PER_IP -> checkoutsPerIp = null;
        case DECLINE_SPIKE -> declineSpike = null;
      }
      return this;
    }

    /**
     * Sets the most keys each table of the guard holds (default 10,000). An entry costs about 250
     * bytes with the default limits (8 bytes more per event a larger {@link Limit#max()} counts),
     * and there are up to six tables, so the default bounds the guard at about 10 to 15 MB however
     * many addresses an attack comes from.
     *
     * @param maxTrackedKeys at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is below 1
     */
    public Builder maxTrackedKeys(long maxTrackedKeys) {
      if (maxTrackedKeys < 1) {
        throw new IllegalArgumentException(
            "maxTrackedKeys must be at least 1, but was " + maxTrackedKeys);
      }
      this.maxTrackedKeys = maxTrackedKeys;
      return this;
    }

    /**
     * Builds the rules.
     *
     * @return the rules
     */
    public FraudRules build() {
      return new FraudRules(this);
    }
  }
}

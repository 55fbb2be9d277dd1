package dev.tinycheckout.checkout;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the checkout's idempotency, retries and withdrawal period. Immutable; build with {@link
 * #builder()}, start from {@link #ofDefaults()}, change with {@link #toBuilder()}. Every setter
 * validates at once.
 *
 * @param lease how long an attempt holds its key before a retry may take over (default 30 s); must
 *     exceed the payment provider's timeout
 * @param retention how long a key and its stored answer are kept (default 24 h)
 * @param transactionAttempts how many times a unit of work is tried when storage fails transiently,
 *     such as a deadlock victim (default 3)
 * @param withdrawalPeriod how long after an order was placed its customer may withdraw it (default
 *     14 days, the EU minimum); at most {@link #MAX_WITHDRAWAL_PERIOD}
 */
public record CheckoutConfig(
    Duration lease, Duration retention, int transactionAttempts, Duration withdrawalPeriod) {
  /** The longest lease accepted: one day. */
  public static final Duration MAX_LEASE = Duration.ofDays(1);

  /** The longest retention accepted: 400 days, so stored times stay in every database's range. */
  public static final Duration MAX_RETENTION = Duration.ofDays(400);

  /** The default withdrawal period: 14 days, the minimum of the EU Consumer Rights Directive. */
  public static final Duration DEFAULT_WITHDRAWAL_PERIOD = Duration.ofDays(14);

  /** The longest withdrawal period accepted: 365 days. */
  public static final Duration MAX_WITHDRAWAL_PERIOD = Duration.ofDays(365);

  /**
   * Validates.
   *
   * @param lease how long an attempt holds its key before a retry may take over (default 30 s);
   *     must exceed the payment provider's timeout
   * @param retention how long a key and its stored answer are kept (default 24 h)
   * @param transactionAttempts how many times a unit of work is tried when storage fails
   *     transiently, such as a deadlock victim (default 3)
   * @param withdrawalPeriod how long after an order was placed its customer may withdraw it
   *     (default 14 days); positive and at most {@link #MAX_WITHDRAWAL_PERIOD}
   * @throws ValidationException naming the bad value
   */
  public CheckoutConfig {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(withdrawalPeriod, "withdrawalPeriod");
    if (lease.isNegative() || lease.isZero() || lease.compareTo(MAX_LEASE) > 0) {
      throw new ValidationException(
          "lease", "must be positive and at most " + MAX_LEASE + ", but was " + lease);
    }
    if (retention.compareTo(MAX_RETENTION) > 0) {
      throw new ValidationException(
          "retention", "must be at most " + MAX_RETENTION + ", but was " + retention);
    }
    if (retention.compareTo(lease) <= 0) {
      throw new ValidationException(
          "retention", "must be longer than the lease (" + lease + "), but was " + retention);
    }
    if (transactionAttempts < 1 || transactionAttempts > 100) {
      throw new ValidationException(
          "transactionAttempts", "must be 1-100, but was " + transactionAttempts);
    }
    checkWithdrawalPeriod(withdrawalPeriod);
  }

  /**
   * A configuration with the default withdrawal period, for callers that tune only the idempotency
   * and retries.
   *
   * @param lease how long an attempt holds its key before a retry may take over
   * @param retention how long a key and its stored answer are kept
   * @param transactionAttempts how many times a unit of work is tried when storage fails
   *     transiently
   * @throws ValidationException naming the bad value
   */
  public CheckoutConfig(Duration lease, Duration retention, int transactionAttempts) {
    this(lease, retention, transactionAttempts, DEFAULT_WITHDRAWAL_PERIOD);
  }

  private static Duration checkWithdrawalPeriod(Duration period) {
    Objects.requireNonNull(period, "withdrawalPeriod");
    if (period.isNegative() || period.isZero() || period.compareTo(MAX_WITHDRAWAL_PERIOD) > 0) {
      throw new ValidationException(
          "withdrawalPeriod",
          "must be positive and at most " + MAX_WITHDRAWAL_PERIOD + ", but was " + period);
    }
    return period;
  }

  /**
   * The defaults: 30 s lease, 24 h retention, 3 transaction attempts, 14 days to withdraw.
   *
   * @return the default configuration
   */
  public static CheckoutConfig ofDefaults() {
    return new CheckoutConfig(
        Duration.ofSeconds(30), Duration.ofHours(24), 3, DEFAULT_WITHDRAWAL_PERIOD);
  }

  /**
   * A builder holding the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return ofDefaults().toBuilder();
  }

  /**
   * A builder holding this configuration.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link CheckoutConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration lease;
    private Duration retention;
    private int transactionAttempts;
    private Duration withdrawalPeriod;

    private Builder(CheckoutConfig from) {
      this.lease = from.lease;
      this.retention = from.retention;
      this.transactionAttempts = from.transactionAttempts;
      this.withdrawalPeriod = from.withdrawalPeriod;
    }

    /**
     * Sets the lease.
     *
     * @param lease positive
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.isNegative() || lease.isZero()) {
        throw new ValidationException("lease", "must be positive, but was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * Sets the retention.
     *
     * @param retention positive, and longer than the lease when built
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new ValidationException("retention", "must be positive, but was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Sets the number of attempts per unit of work.
     *
     * @param attempts 1 to 100
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder transactionAttempts(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new ValidationException("transactionAttempts", "must be 1-100, but was " + attempts);
      }
      this.transactionAttempts = attempts;
      return this;
    }

    /**
     * Sets how long after an order was placed its customer may withdraw it.
     *
     * @param period positive and at most {@link CheckoutConfig#MAX_WITHDRAWAL_PERIOD} (365 days)
     * @return this builder
     * @throws ValidationException if not positive or too long
     */
    public Builder withdrawalPeriod(Duration period) {
      this.withdrawalPeriod = checkWithdrawalPeriod(period);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws ValidationException if the retention is not longer than the lease
     */
    public CheckoutConfig build() {
      return new CheckoutConfig(lease, retention, transactionAttempts, withdrawalPeriod);
    }
  }
}

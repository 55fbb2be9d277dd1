package dev.tinycheckout.fulfilment;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link FulfilmentDispatcher}. Immutable; build with {@link #builder()}, start from
 * {@link #ofDefaults()}, change with {@link #toBuilder()}. Every setter validates at once and the
 * message carries the bad value.
 *
 * @param baseBackoff the backoff ceiling after a first failed attempt (default 2 s); the ceiling
 *     doubles with every attempt, and the actual delay is drawn uniformly between zero and the
 *     ceiling ("full jitter")
 * @param maxBackoff the largest backoff ceiling (default 10 min)
 * @param maxAttempts attempts before a delivery becomes a dead letter (default 12)
 * @param lease how long a claimed delivery stays with its dispatcher before another may take it
 *     over (default 2 min); must exceed the longest hook timeout
 * @param batchSize the most deliveries claimed at once, and the most handlers one dispatcher runs
 *     at once (default 16)
 * @param minPollInterval the first wait when there is nothing to do (default 200 ms); a commit in
 *     the same process wakes the dispatcher at once
 * @param maxPollInterval the longest wait when there is nothing to do (default 5 s); the wait
 *     doubles from the minimum while the dispatcher stays idle, and is also the backoff while
 *     storage is down
 * @param doneRetention how long done deliveries are kept before they are pruned (default 7 days)
 * @param pruneBatch the most done deliveries deleted in one unit of work (default 500)
 */
public record DispatchConfig(
    Duration baseBackoff,
    Duration maxBackoff,
    int maxAttempts,
    Duration lease,
    int batchSize,
    Duration minPollInterval,
    Duration maxPollInterval,
    Duration doneRetention,
    int pruneBatch) {

  /**
   * Validates.
   *
   * @param baseBackoff positive
   * @param maxBackoff at least baseBackoff
   * @param maxAttempts 1 to 1000
   * @param lease positive, at most one day
   * @param batchSize 1 to 1000
   * @param minPollInterval positive
   * @param maxPollInterval at least minPollInterval
   * @param doneRetention not negative
   * @param pruneBatch 1 to 100000
   * @throws ValidationException naming the bad value
   */
  public DispatchConfig {
    positive("baseBackoff", baseBackoff);
    positive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(baseBackoff) < 0) {
      throw new ValidationException(
          "maxBackoff",
          "must be at least baseBackoff (" + baseBackoff + "), but was " + maxBackoff);
    }
    range("maxAttempts", maxAttempts, 1, 1000);
    positive("lease", lease);
    if (lease.compareTo(Duration.ofDays(1)) > 0) {
      throw new ValidationException("lease", "must be at most PT24H, but was " + lease);
    }
    range("batchSize", batchSize, 1, 1000);
    positive("minPollInterval", minPollInterval);
    positive("maxPollInterval", maxPollInterval);
    if (maxPollInterval.compareTo(minPollInterval) < 0) {
      throw new ValidationException(
          "maxPollInterval",
          "must be at least minPollInterval (" + minPollInterval + "), but was " + maxPollInterval);
    }
    Objects.requireNonNull(doneRetention, "doneRetention");
    if (doneRetention.isNegative()) {
      throw new ValidationException(
          "doneRetention", "must not be negative, but was " + doneRetention);
    }
    range("pruneBatch", pruneBatch, 1, 100_000);
  }

  private static Duration positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new ValidationException(field, "must be positive, but was " + value);
    }
    return value;
  }

  private static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ValidationException(field, "must be " + min + "-" + max + ", but was " + value);
    }
    return value;
  }

  /**
   * The defaults: backoff 2 s doubling to 10 min with full jitter, 12 attempts, a 2 min lease,
   * batches of 16, polling every 200 ms to 5 s, done deliveries kept 7 days and pruned 500 at a
   * time.
   *
   * @return the default configuration
   */
  public static DispatchConfig ofDefaults() {
    return new DispatchConfig(
        Duration.ofSeconds(2),
        Duration.ofMinutes(10),
        12,
        Duration.ofMinutes(2),
        16,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Duration.ofDays(7),
        500);
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

  /**
   * The backoff ceiling after a failed attempt: {@code min(maxBackoff, baseBackoff * 2^(attempt -
   * 1))}. The next attempt starts at a uniformly random point between now and now plus this.
   *
   * @param attempt the number of the attempt that failed, at least 1
   * @return the ceiling
   * @throws IllegalArgumentException if attempt is below 1
   */
  public Duration backoffCeiling(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, but was " + attempt);
    }
    if (attempt - 1 >= 62) {
      return maxBackoff;
    }
    long factor = 1L << (attempt - 1);
    long baseMillis = baseBackoff.toMillis();
    if (baseMillis > Long.MAX_VALUE / factor) {
      return maxBackoff;
    }
    Duration ceiling = Duration.ofMillis(baseMillis * factor);
    return ceiling.compareTo(maxBackoff) > 0 ? maxBackoff : ceiling;
  }

  /** Builds a {@link DispatchConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration baseBackoff;
    private Duration maxBackoff;
    private int maxAttempts;
    private Duration lease;
    private int batchSize;
    private Duration minPollInterval;
    private Duration maxPollInterval;
    private Duration doneRetention;
    private int pruneBatch;

    private Builder(DispatchConfig from) {
      this.baseBackoff = from.baseBackoff;
      this.maxBackoff = from.maxBackoff;
      this.maxAttempts = from.maxAttempts;
      this.lease = from.lease;
      this.batchSize = from.batchSize;
      this.minPollInterval = from.minPollInterval;
      this.maxPollInterval = from.maxPollInterval;
      this.doneRetention = from.doneRetention;
      this.pruneBatch = from.pruneBatch;
    }

    /**
     * Sets the backoff ceiling after a first failure.
     *
     * @param baseBackoff positive
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder baseBackoff(Duration baseBackoff) {
      this.baseBackoff = positive("baseBackoff", baseBackoff);
      return this;
    }

    /**
     * Sets the largest backoff ceiling.
     *
     * @param maxBackoff positive, and at least the base backoff when built
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive("maxBackoff", maxBackoff);
      return this;
    }

    /**
     * Sets the attempts before a delivery becomes a dead letter.
     *
     * @param maxAttempts 1 to 1000
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = range("maxAttempts", maxAttempts, 1, 1000);
      return this;
    }

    /**
     * Sets the lease of a claimed delivery.
     *
     * @param lease positive, at most one day, and longer than every hook's timeout
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder lease(Duration lease) {
      this.lease = positive("lease", lease);
      return this;
    }

    /**
     * Sets the batch size, which also bounds the handlers running at once.
     *
     * @param batchSize 1 to 1000
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = range("batchSize", batchSize, 1, 1000);
      return this;
    }

    /**
     * Sets the shortest idle wait.
     *
     * @param minPollInterval positive
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder minPollInterval(Duration minPollInterval) {
      this.minPollInterval = positive("minPollInterval", minPollInterval);
      return this;
    }

    /**
     * Sets the longest idle wait.
     *
     * @param maxPollInterval positive, and at least the shortest when built
     * @return this builder
     * @throws ValidationException if not positive
     */
    public Builder maxPollInterval(Duration maxPollInterval) {
      this.maxPollInterval = positive("maxPollInterval", maxPollInterval);
      return this;
    }

    /**
     * Sets how long done deliveries are kept.
     *
     * @param doneRetention zero or more
     * @return this builder
     * @throws ValidationException if negative
     */
    public Builder doneRetention(Duration doneRetention) {
      Objects.requireNonNull(doneRetention, "doneRetention");
      if (doneRetention.isNegative()) {
        throw new ValidationException(
            "doneRetention", "must not be negative, but was " + doneRetention);
      }
      this.doneRetention = doneRetention;
      return this;
    }

    /**
     * Sets the most done deliveries deleted in one unit of work.
     *
     * @param pruneBatch 1 to 100000
     * @return this builder
     * @throws ValidationException if out of range
     */
    public Builder pruneBatch(int pruneBatch) {
      this.pruneBatch = range("pruneBatch", pruneBatch, 1, 100_000);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws ValidationException if the values do not fit together
     */
    public DispatchConfig build() {
      return new DispatchConfig(
          baseBackoff,
          maxBackoff,
          maxAttempts,
          lease,
          batchSize,
          minPollInterval,
          maxPollInterval,
          doneRetention,
          pruneBatch);
    }
  }
}

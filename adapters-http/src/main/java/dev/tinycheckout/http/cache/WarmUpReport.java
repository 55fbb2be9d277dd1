package dev.tinycheckout.http.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ProductReadCache#warm()} did. Immutable.
 *
 * @param count products put into the cache, not negative
 * @param duration how long the bulk load took, measured with the cache's clock, not negative
 */
public record WarmUpReport(int count, Duration duration) {

  /**
   * Validates the report.
   *
   * @param count products put into the cache
   * @param duration how long the bulk load took
   * @throws IllegalArgumentException if the count or the duration is negative
   */
  public WarmUpReport {
    Objects.requireNonNull(duration, "duration");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, but was " + count);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, but was " + duration);
    }
  }
}

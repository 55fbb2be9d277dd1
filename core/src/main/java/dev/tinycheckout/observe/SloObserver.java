package dev.tinycheckout.observe;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Feeds an {@link SloMonitor} from the checkout's signals: give it to the checkout as (part of) its
 * {@link CheckoutObserver}.
 *
 * <p>Which checkouts count: every attempt that {@linkplain CheckoutSignal#isClientError() the
 * client did not get refused on purpose}. A paid, declined, out-of-stock or replayed checkout is an
 * event, and so is a server-side failure; a malformed request, a throttled card-testing attempt, a
 * reused key or a concurrent duplicate is not, so an attack's flood of refused requests neither
 * burns nor dilutes the error budget.
 *
 * <p>Thread-safe; recording is one atomic increment ({@link SloMonitor#record(boolean)}).
 */
public final class SloObserver implements CheckoutObserver {
  private final SloMonitor monitor;
  private final long thresholdNanos; // Long.MAX_VALUE for availability

  private SloObserver(SloMonitor monitor, long thresholdNanos) {
    this.monitor = monitor;
    this.thresholdNanos = thresholdNanos;
  }

  /**
   * An availability objective, such as "99.9% of checkouts succeed without a server error": a bad
   * event is a {@linkplain CheckoutSignal#isServerError() server-side failure} (the payment
   * provider unavailable, the storage failing).
   *
   * @param monitor the monitor of that objective
   * @return an observer that records every counted checkout into it
   */
  public static SloObserver availability(SloMonitor monitor) {
    Objects.requireNonNull(monitor, "monitor");
    return new SloObserver(monitor, Long.MAX_VALUE);
  }

  /**
   * A latency objective, such as "99% of checkouts finish within 300 ms": a bad event is a checkout
   * that took longer than the threshold, or failed on the server side (a failure is not a fast
   * answer).
   *
   * @param monitor the monitor of that objective
   * @param threshold the longest good duration, positive
   * @return an observer that records every counted checkout into it
   * @throws ValidationException if the threshold is not positive
   */
  public static SloObserver latency(SloMonitor monitor, Duration threshold) {
    Objects.requireNonNull(monitor, "monitor");
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new ValidationException("threshold", "must be positive, but was " + threshold);
    }
    long nanos;
    try {
      nanos = threshold.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE - 1;
    }
    return new SloObserver(monitor, nanos);
  }

  /**
   * The monitor this observer feeds.
   *
   * @return the monitor
   */
  public SloMonitor monitor() {
    return monitor;
  }

  @Override
  public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
    if (signal.isClientError()) {
      return;
    }
    monitor.record(!signal.isServerError() && durationNanos <= thresholdNanos);
  }

  @Override
  public String toString() {
    return "SloObserver["
        + monitor.slo().name()
        + (thresholdNanos == Long.MAX_VALUE
            ? ", availability]"
            : ", latency under " + Duration.ofNanos(thresholdNanos) + "]");
  }
}

package dev.tinycheckout.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that stands still until a test moves it, for driving leases, retention and expiry without
 * sleeping. Pass it wherever tinycheckout takes a {@link Clock}, such as {@code
 * Checkout.builder().clock(clock)}.
 *
 * <p>Thread-safe: many threads may read it while a test thread moves it; every reader sees the
 * latest time set. Clocks made by {@link #withZone} share the time of the clock they came from.
 */
public final class TestClock extends Clock {
  private final Time time;
  private final ZoneId zone;

  private TestClock(Time time, ZoneId zone) {
    this.time = time;
    this.zone = zone;
  }

  /**
   * A clock standing at the given instant, in UTC.
   *
   * @param start the time the clock shows until moved
   * @return a new clock
   */
  public static TestClock at(Instant start) {
    return new TestClock(new Time(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * Moves the clock forward (or, with a negative duration, back).
   *
   * @param duration how far to move it
   * @return the new time
   * @throws java.time.DateTimeException if the result is out of the {@link Instant} range
   */
  public Instant advance(Duration duration) {
    return time.advance(Objects.requireNonNull(duration, "duration"));
  }

  /**
   * Sets the clock to an instant.
   *
   * @param instant the new time
   */
  public void set(Instant instant) {
    time.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return time.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * A view of this clock in another zone, sharing its time: moving either moves both.
   *
   * @param zone the zone
   * @return the view
   */
  @Override
  public Clock withZone(ZoneId zone) {
    return new TestClock(time, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    return "TestClock[" + time.get() + ", " + zone + "]";
  }

  /** The time shared by a clock and its zone views. */
  private static final class Time {
    private Instant now;

    Time(Instant now) {
      this.now = now;
    }

    synchronized Instant get() {
      return now;
    }

    synchronized void set(Instant instant) {
      now = instant;
    }

    synchronized Instant advance(Duration duration) {
      now = now.plus(duration);
      return now;
    }
  }
}

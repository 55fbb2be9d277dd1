package dev.tinycheckout.http.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test advances by hand; the HTTP adapter's tests share it. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  /**
   * A clock at a fixed instant.
   *
   * @param start the first instant
   */
  public MutableClock(Instant start) {
    this.now = start;
  }

  /**
   * Moves the clock on.
   *
   * @param d how far
   */
  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}

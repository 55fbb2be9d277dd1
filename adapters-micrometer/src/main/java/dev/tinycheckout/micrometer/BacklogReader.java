package dev.tinycheckout.micrometer;

import dev.tinycheckout.fulfilment.DeliveryBacklog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the delivery backlog for the backlog gauges at most once per refresh period, keeping the
 * last good reading when a read fails. Thread-safe: one reader at a time, under a lock.
 */
final class BacklogReader {
  private static final Logger LOG = LoggerFactory.getLogger(BacklogReader.class);
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);

  private final Supplier<DeliveryBacklog> supplier;
  private final Clock clock;
  private final Duration refresh;
  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable DeliveryBacklog last; // guarded by lock
  private @Nullable Instant attemptedAt; // guarded by lock
  private @Nullable Instant warnedAt; // guarded by lock

  BacklogReader(Supplier<DeliveryBacklog> supplier, Clock clock, Duration refresh) {
    this.supplier = supplier;
    this.clock = clock;
    this.refresh = refresh;
  }

  double pending() {
    DeliveryBacklog backlog = current();
    return backlog == null ? Double.NaN : backlog.pending();
  }

  double dead() {
    DeliveryBacklog backlog = current();
    return backlog == null ? Double.NaN : backlog.dead();
  }

  double oldestAgeSeconds() {
    DeliveryBacklog backlog = current();
    if (backlog == null) {
      return Double.NaN;
    }
    Instant now = clock.instant();
    return backlog
        .oldestPendingSince()
        .map(since -> Math.max(0, Duration.between(since, now).toNanos() / 1e9))
        .orElse(0.0);
  }

  private @Nullable DeliveryBacklog current() {
    lock.lock();
    try {
      Instant now = clock.instant();
      Instant previous = attemptedAt;
      if (previous == null
          || now.isBefore(previous)
          || Duration.between(previous, now).compareTo(refresh) >= 0) {
        attemptedAt = now;
        read(now);
      }
      return last;
    } finally {
      lock.unlock();
    }
  }

  private void read(Instant now) {
    try {
      last = supplier.get();
    } catch (RuntimeException e) {
      Instant warned = warnedAt;
      if (warned == null
          || now.isBefore(warned)
          || Duration.between(warned, now).compareTo(LOG_EVERY) >= 0) {
        warnedAt = now;
        LOG.warn(
            "reading the fulfilment backlog failed; the backlog gauges keep their last value", e);
      }
    }
  }
}

package dev.tinycheckout.fulfilment;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How much delivery work is waiting, for health checks and metrics. Immutable.
 *
 * @param pending deliveries not yet done nor dead (pending or claimed)
 * @param oldestPendingSince the {@link OutboxEvent#createdAt()} of the event of the oldest of them
 *     (the time the write path enqueued it), if any
 * @param dead dead letters waiting for a replay
 */
public record DeliveryBacklog(long pending, Optional<Instant> oldestPendingSince, long dead) {

  /**
   * Checks the parts.
   *
   * @param pending the pending count
   * @param oldestPendingSince the oldest pending enqueue time
   * @param dead the dead letter count
   * @throws IllegalArgumentException if a count is negative
   */
  public DeliveryBacklog {
    Objects.requireNonNull(oldestPendingSince, "oldestPendingSince");
    if (pending < 0 || dead < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}

package dev.tinycheckout.fulfilment;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A delivery that ran out of attempts (or was given up), kept with its last error until it is
 * replayed. Immutable.
 *
 * @param deliveryId the delivery's stable id
 * @param hook the hook's name
 * @param attempts how many attempts were made
 * @param lastError the last failure, as text (at most 2000 characters)
 * @param deadAt when it was given up
 * @param event the event
 */
public record DeadLetter(
    UUID deliveryId,
    String hook,
    int attempts,
    String lastError,
    Instant deadAt,
    OutboxEvent event) {

  /**
   * Checks the parts.
   *
   * @param deliveryId the delivery's id
   * @param hook the hook's name
   * @param attempts the attempts made
   * @param lastError the last failure
   * @param deadAt when it was given up
   * @param event the event
   */
  public DeadLetter {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(deadAt, "deadAt");
    Objects.requireNonNull(event, "event");
  }
}

package dev.tinycheckout.fulfilment;

import java.util.Objects;
import java.util.UUID;

/**
 * One attempt to hand one event to one {@link FulfilmentHook}. Immutable.
 *
 * @param deliveryId the delivery's id, the same on every attempt and on a replay; de-duplicate on
 *     it, since delivery is at least once
 * @param hook the hook's name
 * @param attempt this attempt's number, 1 for the first (back to 1 after a replay)
 * @param event the event
 */
public record Delivery(UUID deliveryId, String hook, int attempt, OutboxEvent event) {

  /**
   * Checks the parts.
   *
   * @param deliveryId the delivery's id
   * @param hook the hook's name
   * @param attempt the attempt number, at least 1
   * @param event the event
   * @throws IllegalArgumentException if attempt is below 1
   */
  public Delivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(event, "event");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt starts at 1, but was " + attempt);
    }
  }
}

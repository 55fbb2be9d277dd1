package dev.tinycheckout.fulfilment;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A delivery claimed by one dispatcher for one attempt. The claim version fences the attempt: the
 * completing, retrying or dead-lettering update only applies while the stored row still carries
 * this version, so a worker whose lease ran out can never overwrite a newer attempt. Immutable.
 *
 * @param deliveryId the delivery's stable id
 * @param hook the hook's name
 * @param attempt this attempt's number, 1 for the first
 * @param claimVersion the fence: the row's claim counter after this claim
 * @param owner who claimed it (a dispatcher's id)
 * @param leaseUntil when the claim runs out and another dispatcher may take the delivery over
 * @param event the event to deliver
 */
public record DeliveryClaim(
    UUID deliveryId,
    String hook,
    int attempt,
    long claimVersion,
    String owner,
    Instant leaseUntil,
    OutboxEvent event) {

  /**
   * Checks the parts.
   *
   * @param deliveryId the delivery's id
   * @param hook the hook's name
   * @param attempt the attempt number, at least 1
   * @param claimVersion the fence, at least 1
   * @param owner the claimant
   * @param leaseUntil the end of the lease
   * @param event the event
   * @throws IllegalArgumentException if attempt or claimVersion is below 1
   */
  public DeliveryClaim {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    Objects.requireNonNull(event, "event");
    if (attempt < 1 || claimVersion < 1) {
      throw new IllegalArgumentException(
          "attempt and claimVersion start at 1, but were " + attempt + " and " + claimVersion);
    }
  }
}

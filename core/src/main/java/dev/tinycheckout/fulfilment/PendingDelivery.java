package dev.tinycheckout.fulfilment;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One delivery of one outbox event to one hook, as the write path enqueues it: the row of the
 * transactional outbox that a dispatcher later claims. Immutable.
 *
 * @param deliveryId the delivery's stable id, the same on every attempt; hooks use it to
 *     de-duplicate
 * @param eventId the {@link OutboxEvent#id()} of the event, enqueued in the same transaction
 * @param hook the {@linkplain #HOOK_NAME name} of the hook
 * @param orderingKey present for a hook that needs ordering: deliveries of one hook with the same
 *     key run one at a time, in enqueue order (the key is usually the order id)
 * @param availableAt the earliest time the delivery may be claimed
 */
public record PendingDelivery(
    UUID deliveryId, UUID eventId, String hook, Optional<String> orderingKey, Instant availableAt) {

  /** What a hook name looks like: 1-64 lower-case letters, digits, dots and dashes. */
  public static final Pattern HOOK_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

  /**
   * Checks the parts.
   *
   * @param deliveryId the delivery's id
   * @param eventId the event's id
   * @param hook the hook's name
   * @param orderingKey the ordering key, if any
   * @param availableAt the earliest claim time
   * @throws ValidationException if the hook name or the ordering key is malformed
   */
  public PendingDelivery {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(orderingKey, "orderingKey");
    Objects.requireNonNull(availableAt, "availableAt");
    requireHookName(hook);
    if (orderingKey.isPresent()
        && (orderingKey.get().isEmpty() || orderingKey.get().length() > 64)) {
      throw new ValidationException("orderingKey", "must be 1-64 characters");
    }
  }

  /**
   * Checks a hook name.
   *
   * @param hook the name
   * @return the name
   * @throws ValidationException if it is not 1-64 of {@code [a-z0-9.-]} starting with a letter or
   *     digit
   */
  public static String requireHookName(String hook) {
    if (!HOOK_NAME.matcher(hook).matches()) {
      throw new ValidationException(
          "hook",
          "must be 1-64 of a-z 0-9 . - starting with a letter or digit, but was '" + hook + "'");
    }
    return hook;
  }
}

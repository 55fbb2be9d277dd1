package dev.tinycheckout.fulfilment;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An event written to the transactional outbox in the same transaction as the change it reports,
 * for the fulfilment hooks (shipping, email, analytics) to handle after commit. Immutable.
 *
 * @param id a unique id, stable across redeliveries, for consumers' de-duplication
 * @param type the event type, such as {@value #ORDER_PLACED}
 * @param aggregateId the id of what the event is about, such as an order id
 * @param payload the event body as JSON text
 * @param createdAt when the event was written
 */
public record OutboxEvent(
    UUID id, String type, String aggregateId, String payload, Instant createdAt) {
  /** A paid order: ship it, send the receipt. */
  public static final String ORDER_PLACED = "order.placed";

  /** A payment was declined; the order was cancelled and its stock returned. */
  public static final String PAYMENT_FAILED = "payment.failed";

  /**
   * A paid order was withdrawn by the customer (EU withdrawal right): its stock is back; refund the
   * total and send the customer the confirmation on a durable medium. The payload holds {@code
   * orderId}, {@code receiptId}, {@code withdrawnAt}, {@code refund} (money) and {@code email}, and
   * {@code name} when the customer gave one.
   */
  public static final String ORDER_WITHDRAWN = "order.withdrawn";

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  /**
   * Validates the event.
   *
   * @param id a unique id, stable across redeliveries, for consumers' de-duplication
   * @param type the event type, such as {@value #ORDER_PLACED}
   * @param aggregateId the id of what the event is about, such as an order id
   * @param payload the event body as JSON text
   * @param createdAt when the event was written
   * @throws ValidationException if the type is not dotted lower-case words or the ids are empty
   */
  public OutboxEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(createdAt, "createdAt");
    if (type.length() > 64 || !TYPE.matcher(type).matches()) {
      throw new ValidationException(
          "type", "must be dotted lower-case words, but was '" + type + "'");
    }
    if (aggregateId.isEmpty() || aggregateId.length() > 64) {
      throw new ValidationException("aggregateId", "must be 1-64 characters");
    }
  }
}

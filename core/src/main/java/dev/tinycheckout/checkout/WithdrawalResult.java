package dev.tinycheckout.checkout;

import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.order.OrderId;
import java.util.Objects;

/**
 * The answer to a withdrawal: the stored answer to send (identical, byte for byte, for every
 * replay), whether this is a replay, the withdrawn order and the receipt id. Immutable.
 *
 * <p>Only a successful withdrawal has a result; the refusals (not found, already withdrawn, period
 * expired) are exceptions and store nothing.
 *
 * @param response the stored answer: status 200, {@code Content-Type: application/json}, and the
 *     body {@code {"orderId","status":"WITHDRAWN","withdrawnAt","receiptId"}}; an HTTP adapter adds
 *     {@code Idempotent-Replayed} from {@link #replayed()}
 * @param replayed {@code true} if this answer was stored by an earlier request with the same key
 * @param orderId the withdrawn order
 * @param receiptId the unique id of this withdrawal, as in the body and the {@code order.withdrawn}
 *     event
 */
public record WithdrawalResult(
    StoredResponse response, boolean replayed, OrderId orderId, String receiptId) {

  /**
   * Validates that the parts agree.
   *
   * @param response the stored answer, status 200
   * @param replayed whether this is a replay
   * @param orderId the withdrawn order
   * @param receiptId the unique id of this withdrawal, not empty
   * @throws IllegalArgumentException if the status is not 200 or the receipt id is empty
   */
  public WithdrawalResult {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(receiptId, "receiptId");
    if (response.status() != 200) {
      throw new IllegalArgumentException(
          "a withdrawal answers 200, but the response has " + response.status());
    }
    if (receiptId.isEmpty()) {
      throw new IllegalArgumentException("receiptId must not be empty");
    }
  }
}

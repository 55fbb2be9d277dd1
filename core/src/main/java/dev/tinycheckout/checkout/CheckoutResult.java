package dev.tinycheckout.checkout;

import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.order.OrderId;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a checkout: how it ended, the stored answer to send (identical, byte for byte, for
 * every replay), whether this is a replay, and the order id when an order was placed. Immutable.
 *
 * @param outcome how the checkout ended
 * @param response the stored answer: status, headers ({@code Content-Type}, {@code Location}) and
 *     JSON body; an HTTP adapter adds {@code Idempotent-Replayed} from {@link #replayed()}
 * @param replayed {@code true} if this answer was stored by an earlier request with the same key
 * @param orderId the placed order's id, present only for {@link CheckoutOutcome#PLACED}
 */
public record CheckoutResult(
    CheckoutOutcome outcome, StoredResponse response, boolean replayed, Optional<OrderId> orderId) {

  /**
   * Validates that the parts agree.
   *
   * @param outcome how the checkout ended
   * @param response the stored answer
   * @param replayed whether this is a replay
   * @param orderId the placed order's id, present only for {@link CheckoutOutcome#PLACED}
   * @throws IllegalArgumentException if the status does not match the outcome, or an order id is
   *     present without an order
   */
  public CheckoutResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(orderId, "orderId");
    if (outcome.status() != response.status()) {
      throw new IllegalArgumentException(
          "outcome "
              + outcome
              + " needs status "
              + outcome.status()
              + ", but was "
              + response.status());
    }
    if (orderId.isPresent() != (outcome == CheckoutOutcome.PLACED)) {
      throw new IllegalArgumentException("an order id comes with PLACED and only with PLACED");
    }
  }

  /**
   * Whether an order was placed.
   *
   * @return {@code outcome() == PLACED}
   */
  public boolean isPlaced() {
    return outcome == CheckoutOutcome.PLACED;
  }
}

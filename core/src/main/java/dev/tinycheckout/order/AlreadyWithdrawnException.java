package dev.tinycheckout.order;

import dev.tinycheckout.TinyCheckoutException;
import java.util.Objects;

/**
 * The order was already withdrawn by an earlier request under another idempotency key (HTTP 409,
 * problem {@code already-withdrawn}). Nothing was done for this request and nothing was stored
 * under its key: the first withdrawal stands, with its own receipt, and the stock was returned
 * once. A client that lost the first answer gets it again by resending the first request with the
 * first key.
 */
public final class AlreadyWithdrawnException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The withdrawn order. */
  private final OrderId orderId;

  /**
   * Creates the conflict.
   *
   * @param orderId the order, already {@link OrderStatus#WITHDRAWN}
   */
  public AlreadyWithdrawnException(OrderId orderId) {
    super(
        "already-withdrawn",
        "order "
            + Objects.requireNonNull(orderId, "orderId")
            + " is already withdrawn; to get the first answer again, resend the first request with"
            + " its Idempotency-Key ("
            + DOCS
            + "already-withdrawn)",
        null);
    this.orderId = orderId;
  }

  /**
   * The order that is already withdrawn.
   *
   * @return the id
   */
  public OrderId orderId() {
    return orderId;
  }
}

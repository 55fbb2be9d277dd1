package dev.tinycheckout.order;

import dev.tinycheckout.TinyCheckoutException;
import java.util.Objects;

/**
 * No order the caller may act on has this id (HTTP 404, problem {@code not-found}): the order does
 * not exist, it was placed with another email, or it is not one a customer can see (still awaiting
 * payment, or cancelled after a declined payment). The three cases are deliberately one, so that an
 * answer never tells a stranger whether an order id exists.
 *
 * <p>Nothing was stored under the idempotency key: the caller may correct the order id or the email
 * and send the request again with the same key.
 */
public final class OrderNotFoundException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The id that was asked for. */
  private final OrderId orderId;

  /**
   * Creates the failure.
   *
   * @param orderId the order id that was asked for
   */
  public OrderNotFoundException(OrderId orderId) {
    super(
        "not-found",
        "no order "
            + Objects.requireNonNull(orderId, "orderId")
            + " with this email; check the order id and use the email the order was placed with ("
            + DOCS
            + "not-found)",
        null);
    this.orderId = orderId;
  }

  /**
   * The order id that was asked for.
   *
   * @return the id
   */
  public OrderId orderId() {
    return orderId;
  }
}

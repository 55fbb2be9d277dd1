package dev.tinycheckout.order;

import dev.tinycheckout.TinyCheckoutException;

/**
 * An order was asked to move to a status its {@link OrderStatus state machine} does not allow from
 * where it stands, such as withdrawing an order that is already withdrawn.
 */
public final class IllegalOrderTransitionException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The order. */
  private final OrderId orderId;

  /** Its status. */
  private final OrderStatus from;

  /** The refused status. */
  private final OrderStatus to;

  /**
   * Creates the failure.
   *
   * @param orderId the order
   * @param from its current status
   * @param to the refused target status
   */
  public IllegalOrderTransitionException(OrderId orderId, OrderStatus from, OrderStatus to) {
    super(
        "illegal-order-transition",
        "order "
            + orderId
            + " cannot move from "
            + from
            + " to "
            + to
            + "; allowed from "
            + from
            + ": "
            + from.successors(),
        null);
    this.orderId = orderId;
    this.from = from;
    this.to = to;
  }

  /**
   * Returns the order.
   *
   * @return the order id
   */
  public OrderId orderId() {
    return orderId;
  }

  /**
   * Returns the status the order is in.
   *
   * @return the current status
   */
  public OrderStatus from() {
    return from;
  }

  /**
   * Returns the status that was refused.
   *
   * @return the target status
   */
  public OrderStatus to() {
    return to;
  }
}

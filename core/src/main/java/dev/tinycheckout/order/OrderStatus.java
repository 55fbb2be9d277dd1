package dev.tinycheckout.order;

import java.util.Objects;
import java.util.Set;

/**
 * Where an order stands. The legal transitions form a small state machine:
 *
 * <pre>
 * PENDING_PAYMENT ──► PAID ──► WITHDRAWN
 *        │
 *        └────────► CANCELLED
 * </pre>
 *
 * <p>An order is created {@link #PENDING_PAYMENT} with its stock reserved, becomes {@link #PAID}
 * when the payment provider approves, or {@link #CANCELLED} (stock returned) when it declines. A
 * paid order can be {@link #WITHDRAWN} by the customer (EU withdrawal right). Customers only ever
 * see {@code PAID} and {@code WITHDRAWN} orders.
 */
public enum OrderStatus {
  /** Stock reserved, payment not yet decided. */
  PENDING_PAYMENT,
  /** Payment approved; fulfilment is under way. */
  PAID,
  /** Payment declined; the stock went back. Terminal. */
  CANCELLED,
  /** Withdrawn by the customer after payment; the stock went back. Terminal. */
  WITHDRAWN;

  /**
   * Whether an order in this status may move to the next one.
   *
   * @param next the target status
   * @return {@code true} for the transitions drawn above, {@code false} for any other (including a
   *     status to itself)
   */
  public boolean canTransitionTo(OrderStatus next) {
    Objects.requireNonNull(next, "next");
    return successors().contains(next);
  }

  /**
   * The statuses this one may move to.
   *
   * @return an immutable set, empty for terminal statuses
   */
  public Set<OrderStatus> successors() {
    return switch (this) {
      case PENDING_PAYMENT -> Set.of(PAID, CANCELLED);
      case PAID -> Set.of(WITHDRAWN);
      case CANCELLED, WITHDRAWN -> Set.of();
    };
  }

  /**
   * Whether no transition leaves this status.
   *
   * @return {@code true} for {@link #CANCELLED} and {@link #WITHDRAWN}
   */
  public boolean isTerminal() {
    return successors().isEmpty();
  }
}

package dev.tinycheckout.order;

import dev.tinycheckout.TinyCheckoutException;
import java.time.Instant;
import java.util.Objects;

/**
 * The withdrawal period of the order has ended (HTTP 409, problem {@code
 * withdrawal-period-expired}): the order stays paid. Nothing was stored under the idempotency key.
 * The period runs from the order's creation for {@code CheckoutConfig.withdrawalPeriod()} (14 days
 * by default); a return after it is a matter for the shop's own returns policy.
 */
public final class WithdrawalPeriodExpiredException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The order. */
  private final OrderId orderId;

  /** The last instant at which the order could be withdrawn. */
  private final Instant deadline;

  /**
   * Creates the failure.
   *
   * @param orderId the order
   * @param deadline the last instant at which it could be withdrawn
   */
  public WithdrawalPeriodExpiredException(OrderId orderId, Instant deadline) {
    super(
        "withdrawal-period-expired",
        "the withdrawal period of order "
            + Objects.requireNonNull(orderId, "orderId")
            + " ended at "
            + Objects.requireNonNull(deadline, "deadline")
            + "; the order stays paid ("
            + DOCS
            + "withdrawal-period-expired)",
        null);
    this.orderId = orderId;
    this.deadline = deadline;
  }

  /**
   * The order.
   *
   * @return the id
   */
  public OrderId orderId() {
    return orderId;
  }

  /**
   * The last instant at which the order could be withdrawn: its creation plus the withdrawal
   * period.
   *
   * @return the deadline
   */
  public Instant deadline() {
    return deadline;
  }
}

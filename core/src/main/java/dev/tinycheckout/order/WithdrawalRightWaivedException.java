package dev.tinycheckout.order;

import dev.tinycheckout.TinyCheckoutException;
import java.util.Objects;

/**
 * The customer gave up the right of withdrawal for this order (HTTP 409, problem {@code
 * withdrawal-right-waived}): at checkout they expressly consented to the immediate performance of a
 * contract for digital content and acknowledged that they thereby lose the right of withdrawal
 * (Directive 2011/83/EU, Art. 16(m)); both statements are in the consent trail with the order. The
 * order stays paid and nothing was stored under the idempotency key; a refund is a matter for the
 * shop's own policy.
 */
public final class WithdrawalRightWaivedException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The order. */
  private final OrderId orderId;

  /**
   * Creates the failure.
   *
   * @param orderId the order whose withdrawal right was waived
   */
  public WithdrawalRightWaivedException(OrderId orderId) {
    super(
        "withdrawal-right-waived",
        "order "
            + Objects.requireNonNull(orderId, "orderId")
            + " cannot be withdrawn: the customer consented to immediate performance of digital"
            + " content and acknowledged losing the right of withdrawal; the order stays paid ("
            + DOCS
            + "withdrawal-right-waived)",
        null);
    this.orderId = orderId;
  }

  /**
   * The order.
   *
   * @return the id
   */
  public OrderId orderId() {
    return orderId;
  }
}

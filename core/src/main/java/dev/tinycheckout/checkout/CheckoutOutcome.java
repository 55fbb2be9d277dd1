package dev.tinycheckout.checkout;

/** How a checkout ended. Each outcome is stored under the key and replayed. */
public enum CheckoutOutcome {
  /** The order was paid and placed (HTTP 201). */
  PLACED(201),
  /** Not enough stock for a line; nothing was taken (HTTP 409, problem {@code out-of-stock}). */
  OUT_OF_STOCK(409),
  /**
   * The payment provider declined (HTTP 402, {@code payment-declined}): nothing was charged, the
   * pending order was cancelled and its stock returned, so the customer has no order.
   */
  PAYMENT_DECLINED(402);

  private final int status;

  CheckoutOutcome(int status) {
    this.status = status;
  }

  /**
   * The HTTP status of the stored answer.
   *
   * @return 201, 409 or 402
   */
  public int status() {
    return status;
  }

  static CheckoutOutcome ofStatus(int status) {
    for (CheckoutOutcome o : values()) {
      if (o.status == status) {
        return o;
      }
    }
    throw new IllegalStateException("no checkout outcome has status " + status);
  }
}

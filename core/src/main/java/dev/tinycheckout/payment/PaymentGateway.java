package dev.tinycheckout.payment;

/**
 * SPI to the payment provider that charges the customer (Stripe, Adyen, Mollie...). <b>Shops and
 * plug-in authors implement this.</b>
 *
 * <p>The checkout calls it outside any database transaction, and may call it <em>more than once for
 * the same order</em>: when a checkout crashed after charging but before recording the outcome, the
 * retry that takes over charges again with the same {@link PaymentRequest#idempotencyKey()}. An
 * implementation must therefore pass that key to the provider's own idempotency mechanism (Stripe's
 * {@code Idempotency-Key} header, for example), so that the provider charges once and returns the
 * first outcome again. That is what makes "never charged twice" hold end to end.
 *
 * <p>Implementations must be thread-safe, should bound their own time (a provider timeout well
 * below the checkout's lease), and must never return {@code null}.
 */
public interface PaymentGateway {

  /**
   * Authorizes and captures a payment, idempotently on the request's key.
   *
   * @param request what to charge
   * @return {@link PaymentResult.Approved} or {@link PaymentResult.Declined}
   * @throws PaymentUnavailableException when the outcome is unknown (timeout, provider down); the
   *     checkout then keeps the order pending and a retry asks again with the same key
   */
  PaymentResult charge(PaymentRequest request);
}

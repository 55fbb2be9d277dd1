package dev.tinycheckout.payment;

import dev.tinycheckout.TinyCheckoutException;
import org.jspecify.annotations.Nullable;

/**
 * The payment provider could not be asked, or did not answer in time, so the outcome of a charge is
 * unknown. The checkout keeps the order pending with its stock reserved and releases the key's
 * lease; the client's retry with the same idempotency key asks the provider again with the same
 * payment key, so the customer is charged at most once.
 */
public final class PaymentUnavailableException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure.
   *
   * @param message what failed
   * @param cause the provider client's exception, or {@code null}
   */
  public PaymentUnavailableException(String message, @Nullable Throwable cause) {
    super("payment-unavailable", message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}

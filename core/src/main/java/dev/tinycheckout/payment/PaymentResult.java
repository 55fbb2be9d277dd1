package dev.tinycheckout.payment;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/** The outcome of a charge: approved with the provider's payment id, or declined with a reason. */
public sealed interface PaymentResult {

  /**
   * The provider took the money.
   *
   * @param paymentId the provider's reference of the payment
   */
  record Approved(String paymentId) implements PaymentResult {
    /**
     * Validates.
     *
     * @param paymentId the provider's reference of the payment, not blank
     */
    public Approved {
      Objects.requireNonNull(paymentId, "paymentId");
      if (paymentId.isBlank()) {
        throw new ValidationException("paymentId", "must not be blank");
      }
    }
  }

  /**
   * The provider refused. Declines are business outcomes: stored and replayed, never retried with
   * the same idempotency key.
   *
   * @param reason a short machine-readable reason such as {@code card_declined}
   */
  record Declined(String reason) implements PaymentResult {
    /**
     * Validates.
     *
     * @param reason a short machine-readable reason, not blank
     */
    public Declined {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank()) {
        throw new ValidationException("reason", "must not be blank");
      }
    }
  }
}

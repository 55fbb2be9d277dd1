package dev.tinycheckout.payment;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderId;
import java.util.Objects;

/**
 * One charge. Immutable. {@link #toString()} never shows the payment token.
 *
 * @param idempotencyKey stable for the order across retries; pass it to the provider
 * @param orderId the order being paid
 * @param amount the amount to charge, positive
 * @param paymentToken the provider's token for the customer's payment method (never a card number)
 */
public record PaymentRequest(
    String idempotencyKey, OrderId orderId, Money amount, String paymentToken) {

  /**
   * Validates the request.
   *
   * @param idempotencyKey stable for the order across retries; pass it to the provider
   * @param orderId the order being paid
   * @param amount the amount to charge, positive
   * @param paymentToken the provider's token for the customer's payment method (never a card
   *     number)
   * @throws ValidationException if the amount is not positive or a text is empty
   */
  public PaymentRequest {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(paymentToken, "paymentToken");
    if (idempotencyKey.isEmpty()) {
      throw new ValidationException("idempotencyKey", "must not be empty");
    }
    if (amount.isNegative() || amount.isZero()) {
      throw new ValidationException("amount", "must be positive, but was " + amount);
    }
    if (paymentToken.isBlank()) {
      throw new ValidationException("paymentToken", "must not be blank");
    }
  }

  @Override
  public String toString() {
    return "PaymentRequest[idempotencyKey="
        + idempotencyKey
        + ", orderId="
        + orderId
        + ", amount="
        + amount
        + ", paymentToken=***]";
  }
}

package dev.tinycheckout.checkout;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.util.Objects;
import java.util.Optional;

/**
 * A customer's withdrawal from a paid order (the EU withdrawal function, {@code POST
 * /orders/{id}/withdrawal}). Immutable; validated on construction. Whether the order exists, is the
 * customer's and may still be withdrawn is decided by {@link Checkout#withdraw}.
 *
 * <p>{@link #toString()} masks the email and never shows the name.
 *
 * @param orderId the order to withdraw
 * @param email the email the order was placed with; it proves that the order is the customer's
 * @param name the customer's name, if given: 1 to {@value #MAX_NAME_LENGTH} characters, not blank,
 *     no control characters; it goes into the confirmation
 */
public record WithdrawalRequest(OrderId orderId, Email email, Optional<String> name) {
  /** The longest name accepted, in UTF-16 code units. */
  public static final int MAX_NAME_LENGTH = 200;

  /**
   * Validates the request.
   *
   * @param orderId the order to withdraw
   * @param email the email the order was placed with
   * @param name the customer's name, if given: 1 to {@value #MAX_NAME_LENGTH} characters, not
   *     blank, no control characters
   * @throws ValidationException with field {@code name} if the name is empty, blank, too long, or
   *     holds a control character or an unpaired surrogate
   */
  public WithdrawalRequest {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    name.ifPresent(WithdrawalRequest::requireValidName);
  }

  /**
   * A request without a name.
   *
   * @param orderId the order to withdraw
   * @param email the email the order was placed with
   * @return the request
   */
  public static WithdrawalRequest of(OrderId orderId, Email email) {
    return new WithdrawalRequest(orderId, email, Optional.empty());
  }

  private static void requireValidName(String name) {
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new ValidationException(
          "name",
          "must be 1-"
              + MAX_NAME_LENGTH
              + " characters and not blank, but had "
              + name.length()
              + " characters");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new ValidationException("name", "must not contain control characters");
    }
    if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      // An unpaired surrogate: UTF-8 cannot encode it, so two names could share a fingerprint.
      throw new ValidationException("name", "must be valid Unicode text");
    }
  }

  /**
   * The fingerprint of this request for the idempotency engine: the method {@code POST}, the route
   * {@code /orders/{id}/withdrawal} with the actual id, and every field. Two requests that differ
   * in any field differ, and no withdrawal has the fingerprint of a checkout, so a key used for one
   * and then for the other is a reused key.
   *
   * @return the SHA-256 fingerprint
   */
  public RequestFingerprint fingerprint() {
    String id = orderId.toString();
    return RequestFingerprint.of(
        "POST",
        "/orders/" + id + "/withdrawal",
        id,
        email.value(),
        name.isPresent() ? "name" : "no-name",
        name.orElse(""));
  }

  @Override
  public String toString() {
    return "WithdrawalRequest[orderId="
        + orderId
        + ", email="
        + email
        + ", name="
        + (name.isPresent() ? "***" : "none")
        + "]";
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What one customer agreed to (or withdrew), under which terms version, with which order, and when.
 * Immutable.
 *
 * @param email the customer
 * @param action granted or withdrawn
 * @param purpose the single purpose this entry is about
 * @param termsVersion the version of the terms or notice shown, 1 to 64 printable characters
 * @param orderId the order the consent came with
 * @param recordedAt when it was recorded
 */
public record ConsentEvidence(
    Email email,
    ConsentAction action,
    ConsentPurpose purpose,
    String termsVersion,
    OrderId orderId,
    Instant recordedAt) {

  /**
   * Validates the evidence.
   *
   * @param email the customer
   * @param action granted or withdrawn
   * @param purpose the single purpose this entry is about
   * @param termsVersion the version of the terms or notice shown, 1 to 64 printable characters
   * @param orderId the order the consent came with
   * @param recordedAt when it was recorded
   * @throws ValidationException if the terms version is empty, too long or not printable ASCII
   */
  public ConsentEvidence {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(recordedAt, "recordedAt");
    requireValidTermsVersion(termsVersion);
  }

  /**
   * Checks a terms version: 1 to 64 printable ASCII characters.
   *
   * @param termsVersion the version
   * @return the version
   * @throws ValidationException with field {@code termsVersion} otherwise
   */
  public static String requireValidTermsVersion(String termsVersion) {
    Objects.requireNonNull(termsVersion, "termsVersion");
    if (termsVersion.isEmpty()
        || termsVersion.length() > 64
        || termsVersion.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ValidationException(
          "termsVersion", "must be 1-64 printable ASCII characters without spaces");
    }
    return termsVersion;
  }

  /**
   * The purposes of this entry, as a set.
   *
   * @return a one-element set
   */
  public Set<ConsentPurpose> purposes() {
    return Set.of(purpose);
  }
}

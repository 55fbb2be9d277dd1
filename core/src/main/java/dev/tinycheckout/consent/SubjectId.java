package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/**
 * The pseudonymous identifier of a data subject (a customer) in the consent trail, so the trail
 * itself holds no email address: 64 lower-case hex digits of {@code HMAC-SHA256(shop secret,
 * normalised email)}, where the normalised email is the UTF-8 bytes of the address in lower case
 * (see {@link ConsentAudit#subjectId}). Without the shop's secret nobody can tell whose id it is or
 * test a guessed address against it; with it, the shop finds all entries of one customer.
 * Immutable.
 *
 * @param value 64 lower-case hex digits
 */
public record SubjectId(String value) {
  /**
   * Validates the value.
   *
   * @param value 64 lower-case hex digits
   * @throws ValidationException with field {@code subjectId} otherwise
   */
  public SubjectId {
    Objects.requireNonNull(value, "value");
    if (value.length() != 64 || !value.chars().allMatch(SubjectId::isLowerHex)) {
      throw new ValidationException("subjectId", "must be 64 lower-case hex digits");
    }
  }

  /**
   * Parses a subject id.
   *
   * @param value 64 lower-case hex digits
   * @return the id
   * @throws ValidationException with field {@code subjectId} if malformed
   */
  public static SubjectId of(String value) {
    return new SubjectId(value);
  }

  private static boolean isLowerHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** Returns the hex value. */
  @Override
  public String toString() {
    return value;
  }
}

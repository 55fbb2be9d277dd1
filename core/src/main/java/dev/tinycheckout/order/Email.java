package dev.tinycheckout.order;

import dev.tinycheckout.ValidationException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A customer's email address, checked with the pragmatic rules that mail providers accept in
 * practice (an RFC 5321 mailbox without quoted local parts, comments or IP literals): at most 254
 * characters; a local part of 1 to 64 characters from the RFC 5322 {@code atext} set with single
 * dots inside; a domain of LDH labels with a top-level label of letters. The domain is kept in
 * lower case, the local part as given. Immutable.
 *
 * <p>{@link #toString()} masks the address ({@code j***@example.com}) so an email does not end up
 * in a log by accident; {@link #value()} gives it whole.
 *
 * @param value the address
 */
public record Email(String value) {
  private static final Pattern LOCAL =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  // Matched before lower-casing, and ASCII-only: a Kelvin sign (U+212A) would lower-case to 'k'.
  private static final Pattern DOMAIN =
      Pattern.compile(
          "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?",
          Pattern.CASE_INSENSITIVE);

  /**
   * Validates the address and lower-cases its domain.
   *
   * @param value the address
   * @throws ValidationException with field {@code email} if the address is not acceptable
   */
  public Email {
    Objects.requireNonNull(value, "value");
    int at = value.lastIndexOf('@');
    if (value.length() > 254) {
      throw invalid("must be at most 254 characters, but had " + value.length());
    }
    if (at <= 0 || at == value.length() - 1) {
      throw invalid("must look like name@example.com");
    }
    String local = value.substring(0, at);
    String domain = value.substring(at + 1);
    if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
      throw invalid("has an invalid part before the @");
    }
    if (!DOMAIN.matcher(domain).matches()) {
      throw invalid("has an invalid domain after the @");
    }
    value = local + "@" + domain.toLowerCase(Locale.ROOT);
  }

  private static ValidationException invalid(String reason) {
    return new ValidationException("email", reason);
  }

  /**
   * Parses an address.
   *
   * @param value the address text
   * @return the address
   * @throws ValidationException with field {@code email} if the address is not acceptable
   */
  public static Email of(String value) {
    return new Email(value);
  }

  /**
   * The address with all but the first character of the local part masked.
   *
   * @return for example {@code j***@example.com}
   */
  @Override
  public String toString() {
    int at = value.lastIndexOf('@');
    return value.charAt(0) + "***" + value.substring(at);
  }
}

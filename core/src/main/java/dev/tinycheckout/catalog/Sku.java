package dev.tinycheckout.catalog;

import dev.tinycheckout.ValidationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stock-keeping unit: the shop's identifier of a product, such as {@code one-dollar-item}.
 *
 * <p>1 to 64 characters of ASCII letters, digits, {@code -}, {@code _} and {@code .}, starting with
 * a letter or digit. That keeps SKUs safe in URL paths, headers, logs and file names without
 * escaping. SKUs are case-sensitive. Immutable.
 *
 * @param value the SKU text
 */
public record Sku(String value) implements Comparable<Sku> {
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * Validates the SKU.
   *
   * @param value the SKU text
   * @throws ValidationException with field {@code sku} if the text breaks the format
   */
  public Sku {
    Objects.requireNonNull(value, "value");
    if (!FORMAT.matcher(value).matches()) {
      throw new ValidationException(
          "sku",
          "must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit, but was '"
              + printable(value)
              + "'");
    }
  }

  /**
   * Parses a SKU.
   *
   * @param value the SKU text
   * @return the SKU
   * @throws ValidationException if the text breaks the format
   */
  public static Sku of(String value) {
    return new Sku(value);
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(80)
        .forEach(
            c ->
                b.append(
                    c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : Character.toString(c)));
    return s.length() > 80 ? b + "..." : b.toString();
  }

  @Override
  public int compareTo(Sku other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}

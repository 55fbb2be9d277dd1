package dev.tinycheckout.catalog;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.money.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * A product as the store holds it: its SKU, display name, unit price, the units in stock, and a
 * version that the store increments on every change (name, price or stock).
 *
 * <p>The version and the time of the last change are what HTTP caching derives strong entity tags
 * and {@code Last-Modified} from. Immutable.
 *
 * @param sku the identifier
 * @param name the display name, 1 to 200 characters, no control characters
 * @param price the unit price, not negative
 * @param stock units available, not negative
 * @param version starts at 1 and grows by one with each change
 * @param updatedAt when the product last changed
 */
public record Product(
    Sku sku, String name, Money price, long stock, long version, Instant updatedAt) {

  /**
   * Validates the product.
   *
   * @param sku the identifier
   * @param name the display name, 1 to 200 characters, no control characters
   * @param price the unit price, not negative
   * @param stock units available, not negative
   * @param version starts at 1 and grows by one with each change
   * @param updatedAt when the product last changed
   * @throws ValidationException naming the field that is out of range
   */
  public Product {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(price, "price");
    Objects.requireNonNull(updatedAt, "updatedAt");
    requireValidName(name);
    if (price.isNegative()) {
      throw new ValidationException("price", "must not be negative, but was " + price);
    }
    if (stock < 0) {
      throw new ValidationException("stock", "must not be negative, but was " + stock);
    }
    if (version < 1) {
      throw new ValidationException("version", "must be at least 1, but was " + version);
    }
  }

  /**
   * Checks a display name: 1 to 200 characters, not blank, no control characters.
   *
   * @param name the name to check
   * @return the name
   * @throws ValidationException with field {@code name} otherwise
   */
  public static String requireValidName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new ValidationException(
          "name", "must be 1-200 characters and not blank, but had " + name.length());
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new ValidationException(
          "name", "must not contain control characters, but was '" + Sku.printable(name) + "'");
    }
    return name;
  }
}

package dev.tinycheckout.order;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.util.Objects;

/**
 * One line of an order: a SKU, how many units, the unit price at the time of purchase, and the line
 * total. Immutable.
 *
 * @param sku the product
 * @param quantity units, 1 to {@value #MAX_QUANTITY}
 * @param unitPrice the price of one unit when the order was placed
 * @param lineTotal {@code unitPrice * quantity}, exactly
 */
public record OrderLine(Sku sku, int quantity, Money unitPrice, Money lineTotal) {
  /** The most units of one SKU in one order. */
  public static final int MAX_QUANTITY = 100;

  /**
   * Validates the line.
   *
   * @param sku the product
   * @param quantity units, 1 to {@value #MAX_QUANTITY}
   * @param unitPrice the price of one unit when the order was placed
   * @param lineTotal {@code unitPrice * quantity}, exactly
   * @throws ValidationException if the quantity is out of range or the total does not match
   */
  public OrderLine {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(unitPrice, "unitPrice");
    Objects.requireNonNull(lineTotal, "lineTotal");
    requireValidQuantity(quantity);
    if (!unitPrice.times(quantity).equals(lineTotal)) {
      throw new ValidationException(
          "lineTotal",
          "must be unitPrice * quantity = " + unitPrice.times(quantity) + ", but was " + lineTotal);
    }
  }

  /**
   * A line whose total is computed from the unit price.
   *
   * @param sku the product
   * @param quantity units, 1 to {@value #MAX_QUANTITY}
   * @param unitPrice the price of one unit
   * @return the line
   * @throws dev.tinycheckout.money.MoneyArithmeticException if the total overflows
   */
  public static OrderLine of(Sku sku, int quantity, Money unitPrice) {
    requireValidQuantity(quantity);
    return new OrderLine(sku, quantity, unitPrice, unitPrice.times(quantity));
  }

  /**
   * Checks a quantity.
   *
   * @param quantity the quantity
   * @throws ValidationException with field {@code quantity} unless 1 to {@value #MAX_QUANTITY}
   */
  public static void requireValidQuantity(int quantity) {
    if (quantity < 1 || quantity > MAX_QUANTITY) {
      throw new ValidationException(
          "quantity", "must be between 1 and " + MAX_QUANTITY + ", but was " + quantity);
    }
  }
}

package dev.tinycheckout.checkout;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.order.OrderLine;
import java.util.Objects;

/**
 * One line of a checkout request: which product and how many. Immutable.
 *
 * @param sku the product
 * @param quantity units, 1 to {@value OrderLine#MAX_QUANTITY}
 */
public record LineItem(Sku sku, int quantity) {
  /**
   * Validates the quantity.
   *
   * @param sku the product
   * @param quantity units, 1 to {@value OrderLine#MAX_QUANTITY}
   * @throws dev.tinycheckout.ValidationException with field {@code quantity} if out of range
   */
  public LineItem {
    Objects.requireNonNull(sku, "sku");
    OrderLine.requireValidQuantity(quantity);
  }
}

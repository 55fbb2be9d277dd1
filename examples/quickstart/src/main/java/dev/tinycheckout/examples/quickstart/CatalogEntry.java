package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.util.Objects;

/**
 * One product of the quickstart's catalog, as the built-in catalog or a catalog file declares it.
 *
 * @param sku the SKU
 * @param name the display name
 * @param price the unit price, not negative
 * @param stock the units in stock when the product is first created, not negative
 */
record CatalogEntry(Sku sku, String name, Money price, long stock) {

  /** The built-in catalog: one product. */
  static final CatalogEntry ONE_DOLLAR_ITEM =
      new CatalogEntry(
          Sku.of("one-dollar-item"), "The One Dollar Item", Money.of(100, "USD"), 1_000_000);

  CatalogEntry {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(price, "price");
    Product.requireValidName(name);
    if (price.isNegative()) {
      throw new IllegalArgumentException("price must not be negative, but was " + price);
    }
    if (stock < 0) {
      throw new IllegalArgumentException("stock must not be negative, but was " + stock);
    }
  }
}

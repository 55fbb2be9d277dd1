package dev.tinycheckout.catalog;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/**
 * A request names a SKU that the catalog does not hold. Nothing was stored: the caller can correct
 * the request and send it again with the same idempotency key.
 */
public final class UnknownProductException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /** The unknown SKU. */
  private final Sku sku;

  /**
   * Creates the failure.
   *
   * @param field where the SKU appeared, such as {@code items[0].sku}
   * @param sku the unknown SKU
   */
  public UnknownProductException(String field, Sku sku) {
    super("unknown-product", field, "no product with SKU '" + sku + "' in the catalog");
    this.sku = Objects.requireNonNull(sku, "sku");
  }

  @Override
  public UnknownProductException under(String path) {
    return new UnknownProductException(path + "." + field(), sku);
  }

  /**
   * The SKU that is not in the catalog.
   *
   * @return the SKU
   */
  public Sku sku() {
    return sku;
  }
}

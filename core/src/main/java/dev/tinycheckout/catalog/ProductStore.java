package dev.tinycheckout.catalog;

import dev.tinycheckout.money.Money;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage SPI for the catalog and its stock. <b>Plug-in authors implement this</b> (with the other
 * stores of a {@link dev.tinycheckout.store.CheckoutStorage}); {@code ProductStoreContract} in
 * {@code tinycheckout-testkit} pins every rule below.
 *
 * <p>An instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction} and is used
 * by one thread, inside that transaction only: every change becomes visible to others when, and
 * only when, the transaction commits, and disappears if it rolls back.
 *
 * <p>Stock is changed only by conditional updates ({@link #reserve}, {@link #release}); a store
 * must never read the stock, compute a new value and write it back, or two concurrent checkouts
 * could both sell the last unit. Every change increments {@link Product#version()} and sets {@link
 * Product#updatedAt()}.
 *
 * <p>Implementations throw {@link dev.tinycheckout.StorageException} when the underlying storage
 * fails, and never return {@code null}.
 */
public interface ProductStore {

  /**
   * Finds one product.
   *
   * @param sku the SKU
   * @return the product, or empty if the catalog does not hold it
   */
  Optional<Product> find(Sku sku);

  /**
   * Lists the whole catalog.
   *
   * @return every product, ordered by SKU; an immutable list
   */
  List<Product> findAll();

  /**
   * Creates a product or replaces its name, price and stock. A new product gets version 1; an
   * existing one gets its version plus one, even if nothing changed.
   *
   * @param sku the SKU
   * @param name the display name (see {@link Product#requireValidName})
   * @param price the unit price, not negative
   * @param stock the units in stock, not negative
   * @param now the time of the change
   * @return the product as stored
   * @throws dev.tinycheckout.ValidationException if a value is out of range
   */
  Product upsert(Sku sku, String name, Money price, long stock, Instant now);

  /**
   * Takes {@code quantity} units out of stock if, and only if, at least that many are in stock, as
   * one atomic conditional update.
   *
   * @param sku the SKU
   * @param quantity units to take, at least 1
   * @param now the time of the change
   * @return {@code true} if the units were taken; {@code false} if the stock was too low or the
   *     product does not exist (nothing changed then)
   * @throws IllegalArgumentException if quantity is below 1
   */
  boolean reserve(Sku sku, int quantity, Instant now);

  /**
   * Puts {@code quantity} units back into stock, after a declined payment or a withdrawal.
   *
   * @param sku the SKU
   * @param quantity units to return, at least 1
   * @param now the time of the change
   * @return {@code true} if the product exists and its stock grew; {@code false} if it does not
   *     exist
   * @throws IllegalArgumentException if quantity is below 1
   */
  boolean release(Sku sku, int quantity, Instant now);
}

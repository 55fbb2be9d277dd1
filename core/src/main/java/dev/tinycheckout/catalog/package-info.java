/**
 * The catalog: {@link dev.tinycheckout.catalog.Product products}, their prices and stock, and the
 * {@link dev.tinycheckout.catalog.ProductStore} SPI that storage adapters implement.
 */
@NullMarked
package dev.tinycheckout.catalog;

import org.jspecify.annotations.NullMarked;

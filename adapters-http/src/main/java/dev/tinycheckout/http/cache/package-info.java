/**
 * The product read cache: a Caffeine cache in front of the {@link
 * dev.tinycheckout.catalog.ProductStore} that serves product pages and the product list.
 *
 * <p>{@link dev.tinycheckout.http.cache.ProductReadCache} keeps price and stock for a short,
 * configurable time ({@link dev.tinycheckout.http.cache.ProductCacheConfig}), loads each missing
 * product once however many requests miss it at the same moment, refreshes hot products ahead of
 * expiry, remembers unknown SKUs briefly, and is warmed in bulk before the server accepts traffic.
 * Its {@link dev.tinycheckout.http.cache.ProductReadCache#invalidatingStorage() invalidating
 * storage} drops every product a committed unit of work changed, so the instance that sold an item
 * never shows the old stock.
 */
@NullMarked
package dev.tinycheckout.http.cache;

import org.jspecify.annotations.NullMarked;

/**
 * Contract test kits for storage adapters. An adapter's test class extends a kit and implements its
 * one factory method, {@code newStorage()}, returning a fresh, empty {@link
 * dev.tinycheckout.store.CheckoutStorage}; the kit then runs every rule the storage SPI's Javadoc
 * states, including the concurrency ones, against it.
 *
 * <ul>
 *   <li>{@link dev.tinycheckout.testkit.CheckoutStorageContract}: atomic units of work;
 *   <li>{@link dev.tinycheckout.testkit.ProductStoreContract}: catalog and conditional stock;
 *   <li>{@link dev.tinycheckout.testkit.OrderStoreContract}: orders and compare-and-set status;
 *   <li>{@link dev.tinycheckout.testkit.IdempotencyStoreContract}: records, fences and expiry;
 *   <li>{@link dev.tinycheckout.testkit.OutboxContract}: the transactional outbox;
 *   <li>{@link dev.tinycheckout.testkit.DeliveryStoreContract}: claims, leases, fences and ordering
 *       keys of the outbox's deliveries;
 *   <li>{@link dev.tinycheckout.testkit.ConsentLogContract}: the consent hash chain, gap-free and
 *       unforked under concurrency, and the subject keys;
 *   <li>{@link dev.tinycheckout.testkit.ConsentTamperContract}: tampering with the stored consent
 *       trail (edits, deletions, swaps, renumbering, truncation, forgeries) is caught and named; it
 *       also needs a {@link dev.tinycheckout.testkit.ConsentTamperContract.Tamperer} with raw
 *       access to the store's rows;
 *   <li>{@link dev.tinycheckout.testkit.CheckoutContract}: the whole idempotent checkout over the
 *       storage.
 * </ul>
 *
 * <p>{@link dev.tinycheckout.testkit.TestClock} is a settable clock for adapter authors' own tests.
 */
@NullMarked
package dev.tinycheckout.testkit;

import org.jspecify.annotations.NullMarked;

package dev.tinycheckout.order;

import java.time.Instant;
import java.util.Optional;

/**
 * Storage SPI for orders. <b>Plug-in authors implement this</b> (with the other stores of a {@link
 * dev.tinycheckout.store.CheckoutStorage}); {@code OrderStoreContract} in {@code
 * tinycheckout-testkit} pins every rule below.
 *
 * <p>An instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction} and used by
 * one thread inside that transaction only. Orders are never deleted; their status changes only
 * through {@link #updateStatus}, which is a compare-and-set on the current status, so two
 * concurrent withdrawals cannot both succeed.
 */
public interface OrderStore {

  /**
   * Stores a new order exactly as given.
   *
   * @param order the order
   * @throws IllegalStateException if an order with the same id exists (ids are random; this is a
   *     bug)
   */
  void insert(Order order);

  /**
   * Finds an order.
   *
   * @param id the id
   * @return the order as last stored, or empty
   */
  Optional<Order> find(OrderId id);

  /**
   * Moves an order from an expected status to another, if and only if it is in the expected status.
   *
   * @param id the order
   * @param expected the status the order must be in now
   * @param next the new status; the transition must be legal ({@link OrderStatus#canTransitionTo})
   * @param now the time of the change, stored as {@link Order#updatedAt()}
   * @return the updated order, or empty if the order does not exist or is not in {@code expected}
   * @throws IllegalOrderTransitionException if {@code expected -> next} is not a legal transition
   */
  Optional<Order> updateStatus(OrderId id, OrderStatus expected, OrderStatus next, Instant now);
}

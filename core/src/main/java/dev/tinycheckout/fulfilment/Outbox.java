package dev.tinycheckout.fulfilment;

import java.util.List;

/**
 * Storage SPI for the enqueue side of the transactional outbox. <b>Plug-in authors implement
 * this</b> (with the other stores of a {@link dev.tinycheckout.store.CheckoutStorage}); {@code
 * OutboxContract} in {@code tinycheckout-testkit} pins the rules.
 *
 * <p>An instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction}: an event
 * enqueued there exists if and only if the transaction commits, which is what lets a checkout
 * promise that every paid order gets its fulfilment events and no unpaid order does.
 */
public interface Outbox {

  /**
   * Adds an event.
   *
   * @param event the event
   * @throws IllegalStateException if an event with the same id exists
   */
  void enqueue(OutboxEvent event);

  /**
   * The events about one aggregate, such as an order.
   *
   * @param aggregateId the aggregate's id
   * @return its events in the order they were enqueued; an immutable list
   */
  List<OutboxEvent> findByAggregate(String aggregateId);
}

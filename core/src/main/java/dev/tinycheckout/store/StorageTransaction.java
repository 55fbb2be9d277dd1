package dev.tinycheckout.store;

import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.order.OrderStore;

/**
 * The stores as seen from inside one transaction. Every store returned here acts in the same
 * transaction; none of them may be used after the unit of work returns (implementations throw
 * {@link IllegalStateException} if they are). Not thread-safe: one transaction, one thread.
 */
public interface StorageTransaction {

  /**
   * The catalog and stock.
   *
   * @return the store, acting in this transaction
   */
  ProductStore products();

  /**
   * The orders.
   *
   * @return the store, acting in this transaction
   */
  OrderStore orders();

  /**
   * The idempotency records.
   *
   * @return the store, acting in this transaction
   */
  IdempotencyStore idempotency();

  /**
   * The enqueue side of the outbox.
   *
   * @return the store, acting in this transaction
   */
  Outbox outbox();

  /**
   * The consent audit trail: the append-only hash chain and the subject keys.
   *
   * @return the store, acting in this transaction
   */
  ConsentLog consents();

  /**
   * The deliveries of the outbox to the fulfilment hooks.
   *
   * @return the store, acting in this transaction
   */
  DeliveryStore deliveries();
}

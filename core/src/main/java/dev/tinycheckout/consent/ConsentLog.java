package dev.tinycheckout.consent;

import dev.tinycheckout.order.OrderId;
import java.util.List;

/**
 * Storage SPI for the append side of the consent audit trail. <b>Plug-in authors implement this</b>
 * (with the other stores of a {@link dev.tinycheckout.store.CheckoutStorage}); {@code
 * ConsentLogContract} in {@code tinycheckout-testkit} pins the rules.
 *
 * <p>The log is append-only: entries are never changed or removed. Sequence numbers are consecutive
 * from 1 in commit order, with no gaps from rolled-back transactions visible to readers. An
 * instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction} and used inside it
 * only.
 */
public interface ConsentLog {

  /**
   * Appends one entry.
   *
   * @param evidence what the customer agreed to
   * @return the entry with its sequence number
   */
  ConsentEntry append(ConsentEvidence evidence);

  /**
   * The entries recorded with one order.
   *
   * @param orderId the order
   * @return its entries by ascending sequence; an immutable list
   */
  List<ConsentEntry> findByOrder(OrderId orderId);
}

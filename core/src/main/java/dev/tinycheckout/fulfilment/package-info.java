/**
 * Fulfilment: the transactional {@link dev.tinycheckout.fulfilment.Outbox} that the checkout writes
 * {@link dev.tinycheckout.fulfilment.OutboxEvent events} to, in the same transaction as the order.
 */
@NullMarked
package dev.tinycheckout.fulfilment;

import org.jspecify.annotations.NullMarked;

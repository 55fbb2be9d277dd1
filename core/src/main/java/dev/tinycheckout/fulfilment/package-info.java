/**
 * Fulfilment: the transactional {@link dev.tinycheckout.fulfilment.Outbox} that the checkout writes
 * {@link dev.tinycheckout.fulfilment.OutboxEvent events} to, in the same transaction as the order,
 * with one {@link dev.tinycheckout.fulfilment.PendingDelivery delivery} per subscribed {@link
 * dev.tinycheckout.fulfilment.FulfilmentHook hook}; and the {@link
 * dev.tinycheckout.fulfilment.FulfilmentDispatcher} that runs the hooks after commit, at least
 * once, with retries, dead letters and fencing.
 *
 * <p>Storage plug-in authors implement {@link dev.tinycheckout.fulfilment.Outbox} and {@link
 * dev.tinycheckout.fulfilment.DeliveryStore}; shops implement {@link
 * dev.tinycheckout.fulfilment.FulfilmentHook}.
 */
@NullMarked
package dev.tinycheckout.fulfilment;

import org.jspecify.annotations.NullMarked;

/**
 * Fulfilment hooks that ship with the examples, to copy into a shop or use as they are: {@link
 * dev.tinycheckout.examples.hooks.WebhookHook} POSTs events to a shop's URL, signed the Standard
 * Webhooks way, and {@link dev.tinycheckout.examples.hooks.WebhookSignature} signs and verifies
 * such requests, for receivers too; {@link dev.tinycheckout.examples.hooks.EmailHook} emails the
 * customer the order receipt and the withdrawal acknowledgement over SMTP, STARTTLS or SMTPS;
 * {@link dev.tinycheckout.examples.hooks.RabbitMqHook} and {@link
 * dev.tinycheckout.examples.hooks.NatsJetStreamHook} publish events to the RabbitMQ or NATS
 * JetStream a shop already runs, with the delivery id as message id.
 */
@NullMarked
package dev.tinycheckout.examples.hooks;

import org.jspecify.annotations.NullMarked;

/**
 * Idempotency keys as in the IETF httpapi {@code Idempotency-Key} draft and Stripe: {@link
 * dev.tinycheckout.idempotency.IdempotencyKey keys} and scopes, {@link
 * dev.tinycheckout.idempotency.RequestFingerprint request fingerprints}, {@link
 * dev.tinycheckout.idempotency.IdempotencyRecord records} with leases and recovery points, and the
 * {@link dev.tinycheckout.idempotency.IdempotencyStore} SPI.
 */
@NullMarked
package dev.tinycheckout.idempotency;

import org.jspecify.annotations.NullMarked;

package dev.tinycheckout.idempotency;

import dev.tinycheckout.TinyCheckoutException;

/**
 * The idempotency key was already used for a different request: another body, another route, or
 * another operation (HTTP 422, problem {@code idempotency-key-reused}). Nothing was done. A client
 * that means a new operation must send a new key.
 */
public final class IdempotencyKeyReusedException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** Creates the mismatch. */
  public IdempotencyKeyReusedException() {
    super(
        "idempotency-key-reused",
        "this Idempotency-Key was already used with a different request; use a new key for a new"
            + " request ("
            + DOCS
            + "idempotency-key-reused)",
        null);
  }
}

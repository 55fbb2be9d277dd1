package dev.tinycheckout.idempotency;

import dev.tinycheckout.ValidationException;

/** An idempotency key or scope that is empty, too long or not printable ASCII. */
public final class InvalidIdempotencyKeyException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure for the {@code Idempotency-Key} field.
   *
   * @param reason what is wrong with the key
   */
  public InvalidIdempotencyKeyException(String reason) {
    super("idempotency-key-invalid", "Idempotency-Key", reason);
  }
}

package dev.tinycheckout.idempotency;

import dev.tinycheckout.TinyCheckoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Another request with the same idempotency key and the same payload is still running (HTTP 409,
 * problem {@code idempotency-key-in-use}). Nothing was done for this one; send it again after
 * {@link #retryAfter()} and it gets the stored answer, or takes over if the first attempt died.
 */
public final class IdempotencyKeyInUseException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** How long to wait. */
  private final Duration retryAfter;

  /**
   * Creates the conflict.
   *
   * @param retryAfter how long to wait before trying again, positive
   */
  public IdempotencyKeyInUseException(Duration retryAfter) {
    super(
        "idempotency-key-in-use",
        "a request with this Idempotency-Key is still being processed; retry after "
            + Objects.requireNonNull(retryAfter, "retryAfter").toSeconds()
            + " s to get its answer ("
            + DOCS
            + "idempotency-key-in-use)",
        null);
    this.retryAfter = retryAfter;
  }

  /**
   * How long the client should wait before sending the request again.
   *
   * @return a positive duration, whole seconds
   */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}

package dev.tinycheckout;

import org.jspecify.annotations.Nullable;

/**
 * A store could not do what was asked: the database is unreachable, a connection died
 * mid-transaction, the database picked this transaction as a deadlock victim, or the schema is not
 * migrated. Storage adapters wrap their own exceptions ({@code SQLException} and the like) in this
 * one at their edge.
 *
 * <p>When this escapes a checkout, the unit of work that failed was rolled back: nothing partial is
 * visible. If {@link #isRetryable()} is true, the same request may simply be sent again.
 */
public class StorageException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** Whether trying again may succeed. */
  private final boolean retryable;

  /**
   * Creates a storage failure.
   *
   * @param message what failed and what to do about it
   * @param retryable whether the operation may succeed if simply tried again
   * @param cause the adapter's own exception, or {@code null}
   */
  public StorageException(String message, boolean retryable, @Nullable Throwable cause) {
    super("storage-unavailable", message, cause);
    this.retryable = retryable;
  }

  @Override
  public boolean isRetryable() {
    return retryable;
  }
}

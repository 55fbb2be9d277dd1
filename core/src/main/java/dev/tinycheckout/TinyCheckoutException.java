package dev.tinycheckout;

import java.util.Objects;

/**
 * The root of every exception that tinycheckout throws on purpose.
 *
 * <p>All tinycheckout exceptions are unchecked. Each one names its {@linkplain #problem() problem}:
 * a short, stable, kebab-case identifier that adapters use as the last path segment of an RFC 9457
 * problem type (for example {@code validation-failed}), and that Java callers can branch on instead
 * of parsing messages. Subclasses exist only where a caller is expected to branch, and carry
 * structured accessors for what the caller needs (the offending field, a retry delay, ...).
 *
 * <p>Bad arguments that are programming errors rather than user input (a {@code null} where the API
 * takes none) fail with {@link NullPointerException} naming the parameter, as the JDK does.
 */
public abstract class TinyCheckoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Base of the documentation anchors that messages point to. */
  protected static final String DOCS = "https://tinycheckout.dev/docs/errors#";

  /** The stable problem name. */
  private final String problem;

  /**
   * Creates an exception.
   *
   * @param problem the stable problem name, kebab-case
   * @param message what went wrong and what to do next
   * @param cause the underlying cause, or {@code null}
   */
  protected TinyCheckoutException(
      String problem, String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /**
   * The stable problem name of this failure, such as {@code idempotency-key-in-use}.
   *
   * @return a kebab-case identifier, never empty
   */
  public final String problem() {
    return problem;
  }

  /**
   * Whether sending the same request again later may succeed without changing it.
   *
   * @return {@code true} for transient failures (storage or payment provider unavailable, a key in
   *     use); {@code false} when the request itself must change
   */
  public boolean isRetryable() {
    return false;
  }
}

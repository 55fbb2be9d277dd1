package dev.tinycheckout;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Input that tinycheckout refuses: a value out of range, a malformed identifier, a request that
 * breaks a rule. Nothing was stored or changed when this is thrown, so the caller can correct the
 * input and try again (with the same idempotency key, for a checkout).
 *
 * <p>{@link #field()} names the offending input in the caller's terms (a record component, a JSON
 * path such as {@code items[2].quantity}, or a header such as {@code Idempotency-Key}); {@link
 * #reason()} says what is wrong with it.
 */
public class ValidationException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The offending field. */
  private final String field;

  /** What is wrong with it. */
  private final String reason;

  /**
   * Creates a validation failure with problem name {@code validation-failed}.
   *
   * @param field the offending field, never empty
   * @param reason what is wrong, including the rejected value where that is safe to show
   */
  public ValidationException(String field, String reason) {
    this("validation-failed", field, reason);
  }

  /**
   * Creates a validation failure with a more specific problem name, for subclasses.
   *
   * @param problem the problem name
   * @param field the offending field
   * @param reason what is wrong
   */
  protected ValidationException(String problem, String field, String reason) {
    this(problem, field, reason, null);
  }

  /**
   * Creates a validation failure with a specific problem name and the failure that revealed it,
   * such as a JSON parser's exception, for subclasses.
   *
   * @param problem the problem name
   * @param field the offending field
   * @param reason what is wrong
   * @param cause the underlying failure, or {@code null}
   */
  protected ValidationException(
      String problem, String field, String reason, @Nullable Throwable cause) {
    super(problem, Objects.requireNonNull(field, "field") + ": " + reason, cause);
    this.field = field;
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * The offending input.
   *
   * @return a field name or path, never empty
   */
  public String field() {
    return field;
  }

  /**
   * What is wrong with the field.
   *
   * @return a human-readable reason
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns a copy of this failure whose field is prefixed with a path, such as {@code items[2]}.
   * Subclasses with accessors of their own override it to keep their type.
   *
   * @param path the path of the enclosing object
   * @return a failure of the same problem naming {@code path + "." + field()}
   */
  public ValidationException under(String path) {
    return new ValidationException(problem(), path + "." + field, reason);
  }
}

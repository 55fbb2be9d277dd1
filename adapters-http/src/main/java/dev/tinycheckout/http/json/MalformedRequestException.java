package dev.tinycheckout.http.json;

import dev.tinycheckout.ValidationException;

/**
 * A request body that is not JSON or does not have the shape of the HTTP contract: invalid syntax,
 * trailing content, a duplicate key, an unknown field, a missing required field, or a value of the
 * wrong JSON type (a string where a number belongs, a fraction or an out-of-range number where an
 * integer belongs, {@code null} where a value is required).
 *
 * <p>Its problem name is {@code malformed-request}, which the HTTP contract answers with status
 * 400; well-typed values that break a rule raise a plain {@link ValidationException} ({@code
 * validation-failed}, 422) instead. {@link #field()} is the JSON path of the offending member, such
 * as {@code items[1].quantity}, or {@value #ROOT} for the body as a whole. Nothing was stored when
 * this is thrown: the client corrects the body and may retry with the same idempotency key.
 */
public final class MalformedRequestException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /** The field path that stands for the whole body. */
  public static final String ROOT = "$";

  /**
   * Creates a failure with problem name {@code malformed-request}.
   *
   * @param field the JSON path of the offending member, or {@value #ROOT}; never empty
   * @param reason what is wrong with it
   */
  public MalformedRequestException(String field, String reason) {
    super("malformed-request", field, reason);
  }

  /**
   * Creates a failure with problem name {@code malformed-request} and the parser's exception.
   *
   * @param field the JSON path of the offending member, or {@value #ROOT}; never empty
   * @param reason what is wrong with it
   * @param cause the parser's exception
   */
  public MalformedRequestException(String field, String reason, Throwable cause) {
    super("malformed-request", field, reason, cause);
  }

  /**
   * Returns a copy of this failure whose path is prefixed with the path of an enclosing object.
   *
   * @param path the path of the enclosing object, such as {@code items[2]}
   * @return a {@code malformed-request} failure naming {@code path + "." + field()}
   */
  @Override
  public MalformedRequestException under(String path) {
    return new MalformedRequestException(path + "." + field(), reason());
  }
}

package dev.tinycheckout.http.json;

import dev.tinycheckout.TinyCheckoutException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.UnknownProductException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An RFC 9457 problem detail as the HTTP contract sends it: {@code type} (derived from the {@link
 * #name()}), {@code title}, {@code status}, {@code detail}, and extension members such as {@code
 * field} or {@code sku}. {@link ContractJsonWriter#problem(Problem)} renders it.
 *
 * <p>Immutable and thread-safe; extension members keep the order in which they were added.
 *
 * @param name the problem name, kebab-case, such as {@code out-of-stock}; the last path segment of
 *     {@link #type()}
 * @param title a short, human-readable summary that does not change between occurrences
 * @param status the HTTP status code, 400 to 599
 * @param detail what went wrong this time and what to do next
 * @param extensions extension members; values are {@link String}, {@link Integer}, {@link Long} or
 *     {@link Boolean}
 */
public record Problem(
    String name, String title, int status, String detail, Map<String, Object> extensions) {

  /** The URI that every problem {@link #type()} starts with. */
  public static final String TYPE_BASE = "https://tinycheckout.dev/problems/";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Set<String> STANDARD_MEMBERS =
      Set.of("type", "title", "status", "detail", "instance");

  /**
   * Validates the problem and copies the extensions.
   *
   * @param name the problem name, kebab-case
   * @param title a short summary
   * @param status the HTTP status code, 400 to 599
   * @param detail what went wrong this time
   * @param extensions extension members with {@link String}, {@link Integer}, {@link Long} or
   *     {@link Boolean} values
   * @throws IllegalArgumentException if the name is not kebab-case, the status is not an error
   *     status, or an extension clashes with a standard member or has a value of another type
   */
  public Problem {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(extensions, "extensions");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be kebab-case, but was '" + name + "'");
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 400 to 599, but was " + status);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    extensions.forEach(
        (member, value) -> {
          Objects.requireNonNull(member, "extension member");
          Objects.requireNonNull(value, "extension value");
          if (member.isEmpty() || STANDARD_MEMBERS.contains(member)) {
            throw new IllegalArgumentException(
                "extension member must not be empty or a standard member, but was '"
                    + member
                    + "'");
          }
          if (!(value instanceof String
              || value instanceof Integer
              || value instanceof Long
              || value instanceof Boolean)) {
            throw new IllegalArgumentException(
                "extension '"
                    + member
                    + "' must be a String, Integer, Long or Boolean, but was "
                    + value.getClass().getName());
          }
          copy.put(member, value);
        });
    extensions = Collections.unmodifiableMap(copy);
  }

  /**
   * A problem without extension members.
   *
   * @param name the problem name, kebab-case
   * @param title a short summary
   * @param status the HTTP status code, 400 to 599
   * @param detail what went wrong this time
   * @return the problem
   * @throws IllegalArgumentException if the name is not kebab-case or the status is not 400 to 599
   */
  public static Problem of(String name, String title, int status, String detail) {
    return new Problem(name, title, status, detail, Map.of());
  }

  /**
   * A problem for a tinycheckout failure: its {@linkplain TinyCheckoutException#problem() problem
   * name}, its message as the detail, and the structured accessors as extensions ({@code field} for
   * a {@link ValidationException}, and also {@code sku} for an {@link UnknownProductException}).
   *
   * @param failure the failure
   * @param status the HTTP status code the contract gives it, 400 to 599
   * @param title a short summary
   * @return the problem
   */
  public static Problem from(TinyCheckoutException failure, int status, String title) {
    Objects.requireNonNull(failure, "failure");
    Problem problem =
        of(
            failure.problem(),
            title,
            status,
            Objects.requireNonNullElse(failure.getMessage(), failure.problem()));
    if (failure instanceof ValidationException invalid) {
      problem = problem.with("field", invalid.field());
    }
    if (failure instanceof UnknownProductException unknown) {
      problem = problem.with("sku", unknown.sku().value());
    }
    return problem;
  }

  /**
   * The problem the HTTP contract answers refused input with, naming the field in {@code field}:
   * 400 for {@code malformed-request} (a {@link MalformedRequestException}) and {@code
   * idempotency-key-invalid}; 422 for {@code validation-failed}, {@code unknown-product} (with
   * {@code sku}), {@code consent-required} and any other validation failure.
   *
   * @param failure the failure from reading or validating the request
   * @return the problem
   */
  public static Problem from(ValidationException failure) {
    Objects.requireNonNull(failure, "failure");
    return switch (failure.problem()) {
      case "malformed-request" -> from(failure, 400, "Malformed request");
      case "idempotency-key-invalid" -> from(failure, 400, "Invalid idempotency key");
      case "validation-failed" -> from(failure, 422, "Validation failed");
      case "unknown-product" -> from(failure, 422, "Unknown product");
      case "consent-required" -> from(failure, 422, "Consent required");
      default -> from(failure, 422, "Invalid request");
    };
  }

  /**
   * A copy of this problem with one more extension member, or with that member replaced.
   *
   * @param member the member name, not a standard member
   * @param value a {@link String}, {@link Integer}, {@link Long} or {@link Boolean}
   * @return the new problem
   * @throws IllegalArgumentException if the member or value is not acceptable
   */
  public Problem with(String member, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(Objects.requireNonNull(member, "member"), Objects.requireNonNull(value, "value"));
    return new Problem(name, title, status, detail, more);
  }

  /**
   * The problem type URI.
   *
   * @return {@value #TYPE_BASE} followed by the name
   */
  public String type() {
    return TYPE_BASE + name;
  }
}

package dev.tinycheckout.idempotency;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The answer stored under an idempotency key and replayed, byte for byte, to every later request
 * with the same key and fingerprint: an HTTP-style status, the selected headers that belong to the
 * answer (such as {@code Location} and {@code Content-Type}), and the body. Immutable: the body is
 * copied in and out.
 *
 * @param status a status code, 100 to 599
 * @param headers header names (case as given, compared case-insensitively) to values; no CR or LF
 * @param body the body bytes, possibly empty
 */
@SuppressWarnings("ArrayRecordComponent") // copied in and out; equals compares contents
public record StoredResponse(int status, Map<String, String> headers, byte[] body) {

  /**
   * Validates and copies.
   *
   * @param status a status code, 100 to 599
   * @param headers header names to values; no CR or LF
   * @param body the body bytes, copied
   * @throws ValidationException if the status is out of range or a header holds CR, LF or NUL
   */
  public StoredResponse {
    if (status < 100 || status > 599) {
      throw new ValidationException("status", "must be 100-599, but was " + status);
    }
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "header name");
          Objects.requireNonNull(value, "header value");
          if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw new ValidationException("headers", "invalid header name '" + name + "'");
          }
          if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new ValidationException("headers", "header " + name + " holds CR, LF or NUL");
          }
          if (copy.put(name, value) != null) {
            throw new ValidationException("headers", "header " + name + " given twice");
          }
        });
    headers = Collections.unmodifiableSortedMap(copy);
    body = body.clone();
  }

  /**
   * A copy of the body.
   *
   * @return the body bytes
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /**
   * The body decoded as UTF-8.
   *
   * @return the body text
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * One header.
   *
   * @param name the header name, compared case-insensitively
   * @return its value, or empty
   */
  public java.util.Optional<String> header(String name) {
    return java.util.Optional.ofNullable(headers.get(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse that
        && status == that.status
        && headers.equals(that.headers)
        && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    // Header names compare case-insensitively in equals, so they must hash that way too.
    int headersHash = 0;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      headersHash +=
          header.getKey().toLowerCase(Locale.ROOT).hashCode() ^ header.getValue().hashCode();
    }
    return Objects.hash(status, headersHash, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "StoredResponse[status="
        + status
        + ", headers="
        + headers
        + ", body="
        + body.length
        + " bytes]";
  }
}

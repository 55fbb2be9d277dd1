package dev.tinycheckout.http;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer an {@link ApiHandler} gives; a mount writes it to its server as it is.
 *
 * <p>The body is sent as given. A response to {@code HEAD}, a 204 and a 304 have an empty body and
 * a mount sends none; {@code Content-Length} is the mount's business and is never among the
 * headers. Immutable; the body array is owned by the response and must not be changed.
 *
 * @param status the status code, 100 to 599
 * @param headers the header fields to send, in order; names as they should appear on the wire
 * @param body the content, possibly empty
 */
// The body is handed over, not copied: responses are built per request on the hot path.
@SuppressWarnings("ArrayRecordComponent")
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  /**
   * Checks and freezes the parts.
   *
   * @param status the status code
   * @param headers the header fields
   * @param body the content
   * @throws IllegalArgumentException if the status is out of range or a header value holds CR or LF
   */
  public ApiResponse {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100 to 599, but was " + status);
    }
    Map<String, String> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "header name");
          Objects.requireNonNull(value, "header value");
          if (name.indexOf('\r') >= 0
              || name.indexOf('\n') >= 0
              || value.indexOf('\r') >= 0
              || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header " + name + " must not contain CR or LF");
          }
          copy.put(name, value);
        });
    headers = Collections.unmodifiableMap(copy);
  }

  /**
   * The value of a header field of this response.
   *
   * @param name the field name, compared case-insensitively
   * @return the value, or empty when the response has no such field
   */
  public Optional<String> header(String name) {
    Objects.requireNonNull(name, "name");
    for (Map.Entry<String, String> field : headers.entrySet()) {
      if (field.getKey().equalsIgnoreCase(name)) {
        return Optional.of(field.getValue());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiResponse other
        && status == other.status
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * status + headers.hashCode()) + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "ApiResponse[status="
        + status
        + ", headers="
        + headers
        + ", body="
        + body.length
        + " bytes]";
  }
}

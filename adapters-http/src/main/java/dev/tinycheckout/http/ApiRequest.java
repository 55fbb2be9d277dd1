package dev.tinycheckout.http;

import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as a server mount hands it to an {@link ApiHandler}.
 *
 * <p>The body is the server's raw stream: the handler reads it, and enforces the body limit while
 * reading, so a mount must not buffer it first. A mount passes an empty stream when there is no
 * body.
 *
 * @param method the request method, as received (methods are case-sensitive)
 * @param path the request path, still percent-encoded, starting with {@code /}, without the mount
 *     prefix and without the query
 * @param query the raw query string without the {@code ?}, if the target had one
 * @param headers the request's header fields
 * @param body the request body stream
 */
public record ApiRequest(
    String method, String path, Optional<String> query, RequestHeaders headers, InputStream body) {

  /**
   * Checks that no part is missing.
   *
   * @param method the request method
   * @param path the request path, starting with {@code /}
   * @param query the raw query, if any
   * @param headers the header fields
   * @param body the body stream
   * @throws IllegalArgumentException if the method is empty or the path does not start with {@code
   *     /}
   */
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', but was '" + path + "'");
    }
  }
}

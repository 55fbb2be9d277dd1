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
 * <p>The client address is the IP address of the peer the server accepted the connection from (the
 * mounts this library ships fill it in: {@code HttpExchange.getRemoteAddress()}, {@code
 * ServletRequest.getRemoteAddr()}). {@link CheckoutApi}'s card-testing guard counts attempts per
 * client address; a custom mount that leaves it empty makes every such request count under one
 * shared address, {@value #UNKNOWN_CLIENT}, so fill it in (see {@code docs/mounting.md}).
 *
 * @param method the request method, as received (methods are case-sensitive)
 * @param path the request path, still percent-encoded, starting with {@code /}, without the mount
 *     prefix and without the query
 * @param query the raw query string without the {@code ?}, if the target had one
 * @param headers the request's header fields
 * @param body the request body stream
 * @param clientAddress the peer's IP address as text, such as {@code 203.0.113.7} or {@code
 *     2001:db8::1}, if the mount knows it; never blank
 */
public record ApiRequest(
    String method,
    String path,
    Optional<String> query,
    RequestHeaders headers,
    InputStream body,
    Optional<String> clientAddress) {

  /** The client address that requests without one count under. */
  public static final String UNKNOWN_CLIENT = "unknown";

  /**
   * Checks that no part is missing.
   *
   * @param method the request method
   * @param path the request path, starting with {@code /}
   * @param query the raw query, if any
   * @param headers the header fields
   * @param body the body stream
   * @param clientAddress the peer's IP address, if known
   * @throws IllegalArgumentException if the method is empty, the path does not start with {@code
   *     /}, or the client address is blank
   */
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(clientAddress, "clientAddress");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', but was '" + path + "'");
    }
    if (clientAddress.isPresent() && clientAddress.get().isBlank()) {
      throw new IllegalArgumentException(
          "clientAddress must not be blank, but was '" + clientAddress.get() + "'");
    }
  }

  /**
   * A request whose client address is not known; see {@link #withClientAddress(String)}.
   *
   * @param method the request method
   * @param path the request path, starting with {@code /}
   * @param query the raw query, if any
   * @param headers the header fields
   * @param body the body stream
   * @throws IllegalArgumentException if the method is empty or the path does not start with {@code
   *     /}
   */
  public ApiRequest(
      String method,
      String path,
      Optional<String> query,
      RequestHeaders headers,
      InputStream body) {
    this(method, path, query, headers, body, Optional.empty());
  }

  /**
   * The same request from this client address.
   *
   * @param clientAddress the peer's IP address as text, such as {@code 203.0.113.7}
   * @return a new request with the address
   * @throws IllegalArgumentException if the address is blank
   */
  public ApiRequest withClientAddress(String clientAddress) {
    Objects.requireNonNull(clientAddress, "clientAddress");
    return new ApiRequest(method, path, query, headers, body, Optional.of(clientAddress));
  }
}

package dev.tinycheckout.benchmarks.http;

import java.nio.charset.StandardCharsets;

/**
 * The fixed answer of the bare servers: a 60-byte JSON body with a strong ETag.
 *
 * <p>Both bare servers answer any path the same way: 304 with the ETag and no body to a GET whose
 * {@code If-None-Match} is exactly the ETag, 201 with the body to a POST (after reading the request
 * body to its end), and 200 with the body to anything else. The status codes mirror the
 * tinycheckout scenarios, so one set of checks serves both; the work is the least a server can do.
 */
final class BareResponse {
  /** The body: 60 bytes of JSON, about the size of a product representation. */
  static final byte[] BODY =
      "{\"sku\":\"bench-read\",\"name\":\"Bare item\",\"stock\":100000000000}"
          .getBytes(StandardCharsets.US_ASCII);

  /** The strong entity tag sent with every answer. */
  static final String ETAG = "\"bare-60-v1\"";

  /** The content type sent with the body. */
  static final String CONTENT_TYPE = "application/json";

  static {
    if (BODY.length != 60) {
      throw new AssertionError("the bare body must be 60 bytes, but is " + BODY.length);
    }
  }

  private BareResponse() {}

  /**
   * The status the bare servers answer.
   *
   * @param method the request method
   * @param ifNoneMatch the request's {@code If-None-Match}, or {@code null}
   * @return 304, 201 or 200
   */
  static int status(String method, @org.jspecify.annotations.Nullable String ifNoneMatch) {
    if (method.equals("POST")) {
      return 201;
    }
    if (ETAG.equals(ifNoneMatch) && (method.equals("GET") || method.equals("HEAD"))) {
      return 304;
    }
    return 200;
  }
}

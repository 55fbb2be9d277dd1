package dev.tinycheckout.httpcache;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Builds conditional requests for tests, through the adapter entry point {@code from}. */
final class Requests {
  private final String method;
  private final Map<String, String> headers = new HashMap<>();

  private Requests(String method) {
    this.method = method;
  }

  static Requests method(String method) {
    return new Requests(method);
  }

  static Requests get() {
    return new Requests("GET");
  }

  Requests ifMatch(String value) {
    headers.put("If-Match", value);
    return this;
  }

  Requests ifNoneMatch(String value) {
    headers.put("If-None-Match", value);
    return this;
  }

  Requests ifModifiedSince(String value) {
    headers.put("If-Modified-Since", value);
    return this;
  }

  Requests ifUnmodifiedSince(String value) {
    headers.put("If-Unmodified-Since", value);
    return this;
  }

  ConditionalRequest build() {
    return ConditionalRequest.from(method, name -> Optional.ofNullable(headers.get(name)));
  }
}

package dev.tinycheckout.benchmarks.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The request patterns measured, each against every server. */
enum Scenario {
  /** {@code GET /products/{sku}} answered 200 with the product. */
  PRODUCT_200("GET product, 200", 200),
  /** {@code GET /products/{sku}} with {@code If-None-Match} holding the current ETag: 304. */
  PRODUCT_304("GET product, If-None-Match, 304", 304),
  /** {@code POST /checkout} with a completed key and the same body: the stored answer again. */
  REPLAY("POST /checkout, replayed", 201),
  /** {@code POST /checkout} with a new key per request: a new paid order each time. */
  NEW_CHECKOUT("POST /checkout, new key", 201);

  private final String label;
  private final int expectedStatus;

  Scenario(String label, int expectedStatus) {
    this.label = label;
    this.expectedStatus = expectedStatus;
  }

  /**
   * The scenario's name in the report.
   *
   * @return the label
   */
  String label() {
    return label;
  }

  /**
   * The status every request of the scenario must get.
   *
   * @return 200, 304 or 201
   */
  int expectedStatus() {
    return expectedStatus;
  }

  /**
   * The requests of this scenario for one server.
   *
   * @param etag the server's current ETag of the product (only {@link #PRODUCT_304} uses it)
   * @param keyPrefix the prefix of the fresh keys of {@link #NEW_CHECKOUT}, unique to this run and
   *     server
   * @return the plan the drivers follow
   */
  RequestPlan plan(String etag, String keyPrefix) {
    String product = "/products/" + BenchmarkShop.READ_SKU;
    Map<String, String> json = new LinkedHashMap<>();
    json.put("Content-Type", "application/json");
    byte[] none = new byte[0];
    return switch (this) {
      case PRODUCT_200 -> new RequestPlan(this, "GET", product, Map.of(), none, Optional.empty());
      case PRODUCT_304 ->
          new RequestPlan(
              this, "GET", product, Map.of("If-None-Match", etag), none, Optional.empty());
      case REPLAY -> {
        json.put("Idempotency-Key", BenchmarkShop.REPLAY_KEY);
        yield new RequestPlan(
            this, "POST", "/checkout", json, BenchmarkShop.checkoutBody(), Optional.empty());
      }
      case NEW_CHECKOUT ->
          new RequestPlan(
              this,
              "POST",
              "/checkout",
              json,
              BenchmarkShop.checkoutBody(),
              Optional.of(keyPrefix));
    };
  }

  /**
   * What a driver sends for a scenario.
   *
   * @param scenario the scenario
   * @param method the request method
   * @param path the request path
   * @param headers the header fields, the same on every request
   * @param body the request body, possibly empty
   * @param freshKeyPrefix when present, every request carries {@code Idempotency-Key:
   *     <prefix><unique suffix>}
   */
  @SuppressWarnings("ArrayRecordComponent") // never compared; shared read-only by the drivers
  record RequestPlan(
      Scenario scenario,
      String method,
      String path,
      Map<String, String> headers,
      byte[] body,
      Optional<String> freshKeyPrefix) {

    /**
     * Freezes the headers.
     *
     * @param scenario the scenario
     * @param method the request method
     * @param path the request path
     * @param headers the header fields
     * @param body the body
     * @param freshKeyPrefix the prefix of fresh keys, if any
     */
    RequestPlan {
      headers = Map.copyOf(headers);
    }

    /**
     * The status every request must get.
     *
     * @return the expected status
     */
    int expectedStatus() {
      return scenario.expectedStatus();
    }

    /**
     * The body as text, for drivers that take text.
     *
     * @return the body in UTF-8
     */
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}

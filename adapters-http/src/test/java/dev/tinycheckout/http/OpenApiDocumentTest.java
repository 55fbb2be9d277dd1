package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.http.openapi.GatedPaymentGateway;
import dev.tinycheckout.http.openapi.OpenApiDocument;
import dev.tinycheckout.http.openapi.ResponseChecker;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Checks {@code openapi.json} against the live {@link CheckoutApi}: every documented operation is
 * served, every served route is documented, and representative answers of each operation (success
 * and the main errors) have a documented status, Content-Type, headers and body.
 */
class OpenApiDocumentTest {
  private static final OpenApiDocument DOCUMENT = OpenApiDocument.load();
  private static final ResponseChecker CHECKER = new ResponseChecker(DOCUMENT);
  private static final String TERMS = "2026-11-01";
  private static final String ADMIN_TOKEN = "openapi-test-admin-token";
  private static final String EMAIL = "ada@example.com";
  private static final List<String> PROBE_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  private GatedPaymentGateway gateway;
  private CheckoutApi api;
  private String deadLetterId = "";

  @BeforeEach
  void startApi() {
    InMemoryStorage storage = InMemoryStorage.create();
    Instant now = Instant.parse("2026-11-25T20:00:00Z");
    storage.inTransaction(
        tx -> {
          tx.products()
              .upsert(
                  Sku.of("one-dollar-item"),
                  "The One Dollar Item",
                  Money.of(100, "USD"),
                  1_000,
                  now);
          tx.products().upsert(Sku.of("scarce-item"), "The Last One", Money.of(500, "USD"), 1, now);
          return null;
        });
    deadLetterId = seedDeadLetter(storage, now).toString();
    gateway = new GatedPaymentGateway();
    api =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(TERMS, "These are the terms of sale.")
            .adminToken(ADMIN_TOKEN)
            .executor(Runnable::run)
            .build();
    api.warmUp();
  }

  /** A delivery that gave up, so the dead-letter routes have something to list and replay. */
  private static UUID seedDeadLetter(InMemoryStorage storage, Instant now) {
    UUID deliveryId = UUID.randomUUID();
    storage.inTransaction(
        tx -> {
          OutboxEvent event =
              new OutboxEvent(UUID.randomUUID(), "order.placed", "seeded-order", "{}", now);
          tx.outbox().enqueue(event);
          tx.deliveries()
              .enqueue(new PendingDelivery(deliveryId, event.id(), "email", Optional.empty(), now));
          return null;
        });
    storage.inTransaction(
        tx -> {
          DeliveryClaim claim =
              tx.deliveries().claim("openapi-test", now, Duration.ofMinutes(1), 1).get(0);
          return tx.deliveries().deadLetter(claim, now, "seeded failure");
        });
    return deliveryId;
  }

  // ---- the document itself -----------------------------------------------------------------

  @Test
  void theDocumentIsOpenApi31WithJsonSchema202012AndUniqueOperationIds() {
    JsonNode root = DOCUMENT.root();
    assertThat(root.path("openapi").asString()).isEqualTo("3.1.0");
    assertThat(root.path("jsonSchemaDialect").asString())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(root.path("info").path("title").asString()).isNotBlank();
    assertThat(root.path("servers").isArray()).isTrue();
    List<String> ids = DOCUMENT.operations().stream().map(OpenApiDocument.Operation::id).toList();
    assertThat(ids).doesNotContain("").doesNotHaveDuplicates();
    for (String component : List.of("Problem", "Money", "Product", "Order", "Withdrawal")) {
      assertThat(root.path("components").path("schemas").has(component)).as(component).isTrue();
    }
    assertThat(root.path("components").path("schemas").has("ConsentRecord")).isTrue();
  }

  @Test
  void everyPathParameterIsDeclaredAndEveryAdminOperationNeedsTheBearerToken() {
    for (OpenApiDocument.Operation op : DOCUMENT.operations()) {
      Set<String> declared = new HashSet<>();
      for (JsonNode parameter : op.node().path("parameters").values()) {
        JsonNode p = DOCUMENT.deref(parameter);
        if (p.path("in").asString().equals("path")) {
          assertThat(p.path("required").asBoolean()).as(op + " " + p).isTrue();
          declared.add(p.path("name").asString());
        }
      }
      Set<String> inTemplate =
          Arrays.stream(op.path().split("/"))
              .filter(s -> s.startsWith("{"))
              .map(s -> s.substring(1, s.length() - 1))
              .collect(Collectors.toSet());
      assertThat(declared).as(op.toString()).isEqualTo(inTemplate);
      boolean bearer = op.node().path("security").toString().contains("adminToken");
      assertThat(bearer).as(op.toString()).isEqualTo(op.path().startsWith("/admin/"));
      if (bearer) {
        assertThat(op.node().path("responses").has("401")).as(op.toString()).isTrue();
      }
    }
  }

  @Test
  void everySchemaUsesOnlyKeywordsTheCheckerChecksAndEveryReferenceResolves() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> schema :
        DOCUMENT.root().path("components").path("schemas").properties()) {
      problems.addAll(
          DOCUMENT
              .validator()
              .checkSchema(schema.getValue(), "#/components/schemas/" + schema.getKey()));
    }
    forEachSchema(
        (where, schema, example) ->
            problems.addAll(DOCUMENT.validator().checkSchema(schema, where)));
    assertThat(problems).isEmpty();
  }

  @Test
  void everyExampleInTheDocumentValidatesAgainstItsSchema() {
    List<String> problems = new ArrayList<>();
    int[] examples = {0};
    forEachSchema(
        (where, schema, example) -> {
          if (example.isPresent()) {
            examples[0]++;
            DOCUMENT.validator().validate(schema, example.get()).stream()
                .map(e -> where + " example " + e)
                .forEach(problems::add);
          }
        });
    for (Map.Entry<String, JsonNode> schema :
        DOCUMENT.root().path("components").path("schemas").properties()) {
      JsonNode example = schema.getValue().get("example");
      if (example != null) {
        examples[0]++;
        problems.addAll(DOCUMENT.validator().validate(schema.getValue(), example));
      }
    }
    assertThat(examples[0]).isGreaterThanOrEqualTo(10);
    assertThat(problems).isEmpty();
  }

  private interface SchemaVisitor {
    void visit(String where, JsonNode schema, Optional<JsonNode> example);
  }

  /** Every schema of a parameter, request body, response body or response header. */
  private static void forEachSchema(SchemaVisitor visitor) {
    for (OpenApiDocument.Operation op : DOCUMENT.operations()) {
      for (JsonNode parameter : op.node().path("parameters").values()) {
        JsonNode p = DOCUMENT.deref(parameter);
        visitor.visit(
            op + " parameter " + p.path("name").asString(),
            p.path("schema"),
            Optional.ofNullable(p.get("example")));
      }
      for (Map.Entry<String, JsonNode> media :
          op.node().path("requestBody").path("content").properties()) {
        visitor.visit(
            op + " request " + media.getKey(),
            media.getValue().path("schema"),
            Optional.ofNullable(media.getValue().get("example")));
      }
      for (Map.Entry<String, JsonNode> response : op.node().path("responses").properties()) {
        JsonNode r = DOCUMENT.deref(response.getValue());
        for (Map.Entry<String, JsonNode> media : r.path("content").properties()) {
          visitor.visit(
              op + " " + response.getKey() + " " + media.getKey(),
              media.getValue().path("schema"),
              Optional.ofNullable(media.getValue().get("example")));
        }
        for (Map.Entry<String, JsonNode> header : r.path("headers").properties()) {
          visitor.visit(
              op + " " + response.getKey() + " header " + header.getKey(),
              DOCUMENT.deref(header.getValue()).path("schema"),
              Optional.empty());
        }
      }
    }
  }

  // ---- routes: the document and the API serve the same set ---------------------------------

  @Test
  void everyDocumentedOperationIsServed() {
    String orderId = placeOrder("served-order");
    for (OpenApiDocument.Operation op : DOCUMENT.operations()) {
      String id = op.path().contains("dead-letters") ? deadLetterId : orderId;
      String path = op.path().replace("{sku}", "one-dollar-item").replace("{id}", id);
      String target = path.equals("/admin/consents") ? path + "?email=" + EMAIL : path;
      ApiResponse response = send(op.method(), target, exampleHeaders(op), exampleBody(op));
      assertThat(response.status()).as(op + " answered").isNotIn(404, 405);
    }
  }

  @Test
  void everyRouteTheApiServesIsDocumentedWithTheMethodsItAllows() {
    String orderId = placeOrder("probe-order");
    List<String> probes =
        List.of(
            "/",
            "/health",
            "/terms",
            "/products",
            "/products/one-dollar-item",
            "/products/one-dollar-item/stock",
            "/checkout",
            "/orders",
            "/orders/" + orderId,
            "/orders/" + orderId + "/withdrawal",
            "/admin",
            "/admin/audit/verify",
            "/admin/consents",
            "/admin/fulfilment/dead-letters",
            "/admin/fulfilment/dead-letters/" + deadLetterId + "/retry",
            "/metrics",
            "/openapi.json",
            "/assets/app.js");
    for (String path : probes) {
      Optional<String> template = DOCUMENT.templateFor(path);
      for (String method : PROBE_METHODS) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + ADMIN_TOKEN);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", "probe-" + UUID.randomUUID());
        ApiResponse response = send(method, path, headers, "{}");
        String what = method + " " + path;
        if (template.isEmpty()) {
          assertThat(response.status())
              .as(what + " is not documented, so not served")
              .isEqualTo(404);
          assertThat(problemName(response)).as(what).isEqualTo("not-found");
        } else if (DOCUMENT.methods(template.get()).contains(method)) {
          assertThat(response.status()).as(what + " is documented, so served").isNotIn(404, 405);
        } else {
          assertThat(response.status()).as(what + " is not documented").isEqualTo(405);
          assertThat(problemName(response)).as(what).isEqualTo("method-not-allowed");
          Set<String> allow =
              Arrays.stream(response.header("Allow").orElse("").split(","))
                  .map(String::trim)
                  .collect(Collectors.toSet());
          assertThat(allow).as(what + " Allow").isEqualTo(DOCUMENT.methods(template.get()));
        }
      }
    }
  }

  // ---- reads ---------------------------------------------------------------------------------

  @Test
  void healthAnswersAsDocumented() {
    ApiResponse up = exchange("GET", "/health", Map.of(), "");
    assertThat(up.status()).isEqualTo(200);
    assertThat(json(up).path("status").asString()).isEqualTo("UP");
    assertThat(exchange("HEAD", "/health", Map.of(), "").status()).isEqualTo(200);
  }

  @Test
  void termsAnswerAsDocumentedIncludingConditionalRequests() {
    ApiResponse terms = exchange("GET", "/terms", Map.of(), "");
    assertThat(terms.status()).isEqualTo(200);
    assertThat(json(terms).path("version").asString()).isEqualTo(TERMS);
    String etag = terms.header("ETag").orElseThrow();
    assertThat(exchange("HEAD", "/terms", Map.of(), "").status()).isEqualTo(200);
    assertThat(exchange("GET", "/terms", Map.of("If-None-Match", etag), "").status())
        .isEqualTo(304);
    assertThat(exchange("HEAD", "/terms", Map.of("If-None-Match", etag), "").status())
        .isEqualTo(304);
    assertThat(exchange("GET", "/terms", Map.of("If-Match", "\"other\""), "").status())
        .isEqualTo(412);
  }

  @Test
  void theProductListAnswersAsDocumentedIncludingConditionalRequests() {
    ApiResponse list = exchange("GET", "/products", Map.of(), "");
    assertThat(list.status()).isEqualTo(200);
    assertThat(json(list).path("products").size()).isEqualTo(2);
    assertThat(exchange("HEAD", "/products", Map.of(), "").status()).isEqualTo(200);
    String etag = list.header("ETag").orElseThrow();
    assertThat(exchange("GET", "/products", Map.of("If-None-Match", "W/" + etag), "").status())
        .isEqualTo(304);
    assertThat(exchange("GET", "/products", Map.of("If-Match", "\"stale\""), "").status())
        .isEqualTo(412);
  }

  @Test
  void aProductAnswersAsDocumentedIncludingConditionalRequestsAndNotFound() {
    String path = "/products/one-dollar-item";
    ApiResponse product = exchange("GET", path, Map.of(), "");
    assertThat(product.status()).isEqualTo(200);
    assertThat(exchange("HEAD", path, Map.of(), "").status()).isEqualTo(200);
    String etag = product.header("ETag").orElseThrow();
    String lastModified = product.header("Last-Modified").orElseThrow();
    assertThat(exchange("GET", path, Map.of("If-None-Match", "\"x\", " + etag), "").status())
        .isEqualTo(304);
    assertThat(exchange("GET", path, Map.of("If-Modified-Since", lastModified), "").status())
        .isEqualTo(304);
    assertThat(exchange("GET", path, Map.of("If-Match", "\"x\""), "").status()).isEqualTo(412);
    assertThat(exchange("GET", "/products/no-such-item", Map.of(), "").status()).isEqualTo(404);
    assertThat(exchange("HEAD", "/products/no-such-item", Map.of(), "").status()).isEqualTo(404);
  }

  @Test
  void aMalformedEntityTagListIsABadRequest() {
    for (String path : List.of("/terms", "/products", "/products/one-dollar-item")) {
      assertProblem(
          exchange("GET", path, Map.of("If-None-Match", "not-a-tag"), ""),
          400,
          "validation-failed");
      assertProblem(
          exchange("GET", path, Map.of("If-Match", "\"a\" \"b\""), ""), 400, "validation-failed");
    }
  }

  @Test
  void anOrderAnswersAsDocumented() {
    String id = placeOrder("order-read");
    ApiResponse order = exchange("GET", "/orders/" + id, Map.of(), "");
    assertThat(order.status()).isEqualTo(200);
    assertThat(json(order).path("id").asString()).isEqualTo(id);
    assertThat(exchange("HEAD", "/orders/" + id, Map.of(), "").status()).isEqualTo(200);
    assertThat(exchange("GET", "/orders/" + UUID.randomUUID(), Map.of(), "").status())
        .isEqualTo(404);
    assertThat(exchange("GET", "/orders/not-an-id", Map.of(), "").status()).isEqualTo(404);
  }

  // ---- checkout ------------------------------------------------------------------------------

  @Test
  void aCheckoutAndItsReplayAnswerAsDocumented() {
    String body = checkoutBody("one-dollar-item", 2, "tok_ok");
    ApiResponse first = exchange("POST", "/checkout", keyed("\"replay-me\""), body);
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).contains("false");
    // The bare key is the same key, and the same JSON in another order is the same request.
    String reordered =
        "{ \"paymentToken\": \"tok_ok\", \"email\": \""
            + EMAIL
            + "\", \"acceptedTerms\": \""
            + TERMS
            + "\", \"items\": [ {\"quantity\": 2, \"sku\": \"one-dollar-item\"} ] }";
    ApiResponse replay = exchange("POST", "/checkout", keyed("replay-me"), reordered);
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).contains("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
  }

  @Test
  void refusedCheckoutRequestsAnswerAsDocumented() {
    String ok = checkoutBody("one-dollar-item", 1, "tok_ok");
    assertProblem(exchange("POST", "/checkout", json(), ok), 400, "idempotency-key-missing");
    assertProblem(
        exchange("POST", "/checkout", keyed("\"unterminated"), ok), 400, "idempotency-key-invalid");
    assertProblem(
        exchange("POST", "/checkout", keyed("k-" + "x".repeat(300)), ok),
        400,
        "idempotency-key-invalid");
    assertProblem(
        exchange("POST", "/checkout", keyed("k1"), ok.replace("\"email\"", "\"mail\"")),
        400,
        "malformed-request");
    assertProblem(
        exchange("POST", "/checkout", keyed("k2"), checkoutBody("one-dollar-item", 0, "tok_ok")),
        422,
        "validation-failed");
    assertProblem(
        exchange("POST", "/checkout", keyed("k3"), checkoutBody("no-such-item", 1, "tok_ok")),
        422,
        "unknown-product");
    assertProblem(
        exchange("POST", "/checkout", keyed("k4"), ok.replace(TERMS, "1999-01-01")),
        422,
        "consent-required");
    Map<String, String> text = new LinkedHashMap<>(keyed("k5"));
    text.put("Content-Type", "text/plain");
    assertProblem(exchange("POST", "/checkout", text, ok), 415, "unsupported-media-type");
    String huge =
        ok.replace("\"tok_ok\"", "\"tok_ok\", \"pad\": \"" + "x".repeat(17 * 1024) + "\"");
    assertProblem(exchange("POST", "/checkout", keyed("k6"), huge), 413, "payload-too-large");
  }

  @Test
  void businessOutcomesOfACheckoutAnswerAsDocumented() {
    assertProblem(
        exchange(
            "POST",
            "/checkout",
            keyed("declined"),
            checkoutBody("one-dollar-item", 1, "tok_declined")),
        402,
        "payment-declined");
    assertProblem(
        exchange("POST", "/checkout", keyed("too-many"), checkoutBody("scarce-item", 2, "tok_ok")),
        409,
        "out-of-stock");
    assertProblem(
        exchange(
            "POST",
            "/checkout",
            keyed("provider-down"),
            checkoutBody("one-dollar-item", 1, "tok_unavailable")),
        503,
        "payment-unavailable");
    exchange("POST", "/checkout", keyed("used"), checkoutBody("one-dollar-item", 1, "tok_ok"));
    assertProblem(
        exchange("POST", "/checkout", keyed("used"), checkoutBody("one-dollar-item", 3, "tok_ok")),
        422,
        "idempotency-key-reused");
  }

  @Test
  void aKeyStillInFlightAnswersAsDocumented() throws Exception {
    String body = checkoutBody("one-dollar-item", 1, GatedPaymentGateway.HOLD);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<ApiResponse> first =
          CompletableFuture.supplyAsync(
              () -> send("POST", "/checkout", keyed("in-flight"), body), executor);
      gateway.awaitHeld();
      ApiResponse second = exchange("POST", "/checkout", keyed("in-flight"), body);
      assertProblem(second, 409, "idempotency-key-in-use");
      assertThat(second.header("Retry-After")).isPresent();
      gateway.release();
      ApiResponse done = first.get(30, TimeUnit.SECONDS);
      assertThat(check("POST", "/checkout", done)).isEmpty();
      assertThat(done.status()).isEqualTo(201);
    } finally {
      gateway.release();
      executor.shutdownNow();
    }
  }

  @Test
  void theRequestSchemaAcceptsWhatTheApiTakesAndRefusesWhatItRefuses() {
    JsonNode schema =
        DOCUMENT
            .operation("POST", "/checkout")
            .orElseThrow()
            .node()
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("schema");
    String ok = checkoutBody("one-dollar-item", 1, "tok_ok");
    assertThat(DOCUMENT.validator().validate(schema, OpenApiDocument.parse(ok))).isEmpty();
    assertThat(send("POST", "/checkout", keyed("schema-ok"), ok).status()).isEqualTo(201);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 21; i++) {
      lines
          .append(i == 0 ? "" : ",")
          .append("{\"sku\":\"item-")
          .append(i)
          .append("\",\"quantity\":1}");
    }
    List<String> refused =
        List.of(
            ok.replace("\"marketingOptIn\":false", "\"marketingOptIn\":false,\"coupon\":\"X\""),
            ok.replace("\"quantity\":1", "\"quantity\":\"1\""),
            ok.replace("\"quantity\":1", "\"quantity\":0"),
            ok.replace("\"quantity\":1", "\"quantity\":101"),
            ok.replace("{\"sku\":\"one-dollar-item\",\"quantity\":1}", ""),
            ok.replace("{\"sku\":\"one-dollar-item\",\"quantity\":1}", lines.toString()),
            ok.replace("\"sku\":\"one-dollar-item\"", "\"sku\":\"-bad sku\""),
            ok.replace(",\"paymentToken\":\"tok_ok\"", ""),
            ok.replace("\"tok_ok\"", "\"\""));
    int n = 0;
    for (String body : refused) {
      assertThat(DOCUMENT.validator().validate(schema, OpenApiDocument.parse(body)))
          .as("schema on " + body)
          .isNotEmpty();
      ApiResponse response = exchange("POST", "/checkout", keyed("schema-" + n++), body);
      assertThat(response.status()).as("API on " + body).isIn(400, 422);
    }
  }

  // ---- withdrawal ----------------------------------------------------------------------------

  @Test
  void withdrawalRequestsRefusedBeforeTheEngineAnswerAsDocumented() {
    String id = placeOrder("withdraw-refused");
    String path = "/orders/" + id + "/withdrawal";
    String body = "{\"email\":\"" + EMAIL + "\"}";
    assertProblem(exchange("POST", path, json(), body), 400, "idempotency-key-missing");
    Map<String, String> text = new LinkedHashMap<>(keyed("w-text"));
    text.put("Content-Type", "text/plain");
    assertProblem(exchange("POST", path, text, body), 415, "unsupported-media-type");
    assertProblem(
        exchange("POST", "/orders/not-an-id/withdrawal", keyed("w-bad-id"), body),
        404,
        "not-found");
  }

  @Test
  void aWithdrawalAndItsReplayAnswerAsDocumented() {
    String id = placeOrder("withdraw-me");
    String path = "/orders/" + id + "/withdrawal";
    String body = "{\"email\":\"" + EMAIL + "\",\"name\":\"Ada Lovelace\"}";
    ApiResponse first = exchange("POST", path, keyed("w-1"), body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(json(first).path("orderId").asString()).isEqualTo(id);
    ApiResponse replay = exchange("POST", path, keyed("\"w-1\""), body);
    assertThat(replay.header("Idempotent-Replayed")).contains("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(json(exchange("GET", "/orders/" + id, Map.of(), "")).path("status").asString())
        .isEqualTo("WITHDRAWN");
    assertProblem(exchange("POST", path, keyed("w-2"), body), 409, "already-withdrawn");
  }

  @Test
  void withdrawalsTheEngineRefusesAnswerAsDocumented() {
    String id = placeOrder("withdraw-errors");
    String path = "/orders/" + id + "/withdrawal";
    ApiResponse wrongEmail =
        exchange("POST", path, keyed("w-3"), "{\"email\":\"someone.else@example.com\"}");
    assertProblem(wrongEmail, 404, "not-found");
    assertProblem(
        exchange(
            "POST",
            "/orders/" + UUID.randomUUID() + "/withdrawal",
            keyed("w-4"),
            "{\"email\":\"" + EMAIL + "\"}"),
        404,
        "not-found");
    assertProblem(
        exchange("POST", path, keyed("withdraw-errors"), "{\"email\":\"" + EMAIL + "\"}"),
        422,
        "idempotency-key-reused");
    assertProblem(
        exchange("POST", path, keyed("w-5"), "{\"email\":\"" + EMAIL + "\",\"x\":1}"),
        400,
        "malformed-request");
  }

  // ---- admin ---------------------------------------------------------------------------------

  @Test
  void adminRoutesWithoutTheTokenAnswerAsDocumented() {
    for (String path : List.of("/admin/audit/verify", "/admin/consents?email=" + EMAIL)) {
      ApiResponse none = exchange("GET", path, Map.of(), "");
      assertProblem(none, 401, "unauthorized");
      ApiResponse wrong =
          exchange("GET", path, Map.of("Authorization", "Bearer not-the-token-at-all"), "");
      assertProblem(wrong, 401, "unauthorized");
    }
  }

  @Test
  void headOnAnAdminRouteAnswersWithoutABody() {
    for (String path : List.of("/admin/audit/verify", "/admin/consents?email=" + EMAIL)) {
      assertThat(exchange("HEAD", path, Map.of(), "").status()).as(path).isEqualTo(401);
    }
  }

  @Test
  void theAuditVerificationAnswersAsDocumented() {
    ApiResponse empty = exchange("GET", "/admin/audit/verify", admin(), "");
    assertThat(json(empty).path("entries").asLong()).isZero();
    placeOrder("audited");
    ApiResponse verify = exchange("GET", "/admin/audit/verify", admin(), "");
    assertThat(verify.status()).isEqualTo(200);
    assertThat(json(verify).path("valid").asBoolean()).isTrue();
    assertThat(exchange("HEAD", "/admin/audit/verify", admin(), "").status()).isEqualTo(200);
    String anchor = json(verify).path("anchor").asString();
    ApiResponse anchored =
        exchange("GET", "/admin/audit/verify?trustedHead=" + anchor, admin(), "");
    assertThat(json(anchored).path("valid").asBoolean()).isTrue();
    ApiResponse truncated =
        exchange(
            "GET", "/admin/audit/verify?trustedHead=" + anchor.replace(":1:", ":9:"), admin(), "");
    assertThat(json(truncated).path("valid").asBoolean()).isFalse();
    assertThat(json(truncated).path("firstBreak").path("reason").asString()).isEqualTo("TRUNCATED");
    assertProblem(
        exchange("GET", "/admin/audit/verify?trustedHead=nonsense", admin(), ""),
        400,
        "validation-failed");
    assertThat(exchange("HEAD", "/admin/audit/verify?trustedHead=x", admin(), "").status())
        .isEqualTo(400);
  }

  @Test
  void consentRecordsAnswerAsDocumented() {
    String id = placeOrder("consented");
    exchange(
        "POST",
        "/orders/" + id + "/withdrawal",
        keyed("consented-withdrawal"),
        "{\"email\":\"" + EMAIL + "\"}");
    ApiResponse records = exchange("GET", "/admin/consents?email=" + EMAIL, admin(), "");
    assertThat(records.status()).isEqualTo(200);
    assertThat(json(records).path("records").size()).isEqualTo(2);
    assertThat(exchange("HEAD", "/admin/consents?email=" + EMAIL, admin(), "").status())
        .isEqualTo(200);
    ApiResponse none = exchange("GET", "/admin/consents?email=nobody@example.com", admin(), "");
    assertThat(json(none).path("records").size()).isZero();
    assertProblem(exchange("GET", "/admin/consents", admin(), ""), 400, "validation-failed");
    assertProblem(
        exchange("GET", "/admin/consents?email=not-an-address", admin(), ""),
        400,
        "validation-failed");
  }

  @Test
  void everyConsentPurposeAnswersAsDocumented() {
    String body =
        checkoutBody("one-dollar-item", 1, "tok_ok")
            .replace("\"marketingOptIn\":false", "\"marketingOptIn\":true")
            .replace("\"paymentToken\"", "\"immediatePerformance\":true,\"paymentToken\"");
    ApiResponse placed = exchange("POST", "/checkout", keyed("every-purpose"), body);
    assertThat(placed.status()).isEqualTo(201);
    ApiResponse records = exchange("GET", "/admin/consents?email=" + EMAIL, admin(), "");
    assertThat(json(records).path("records").size()).isEqualTo(4);
  }

  @Test
  void aWithdrawalFromAnOrderWhoseRightWasWaivedAnswersAsDocumented() {
    String body =
        checkoutBody("one-dollar-item", 1, "tok_ok")
            .replace("\"paymentToken\"", "\"immediatePerformance\":true,\"paymentToken\"");
    String id = json(exchange("POST", "/checkout", keyed("waived"), body)).path("id").asString();
    assertProblem(
        exchange(
            "POST",
            "/orders/" + id + "/withdrawal",
            keyed("waived-withdrawal"),
            "{\"email\":\"" + EMAIL + "\"}"),
        409,
        "withdrawal-right-waived");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private ApiResponse send(String method, String target, Map<String, String> headers, String body) {
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    Optional<String> query =
        question < 0 ? Optional.empty() : Optional.of(target.substring(question + 1));
    Map<String, List<String>> fields = new LinkedHashMap<>();
    headers.forEach((name, value) -> fields.put(name, List.of(value)));
    return api.handle(
        new ApiRequest(
            method,
            path,
            query,
            RequestHeaders.of(fields),
            new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
  }

  /** Sends a request and requires the answer to match what the document says of it. */
  private ApiResponse exchange(
      String method, String target, Map<String, String> headers, String body) {
    ApiResponse response = send(method, target, headers, body);
    assertThat(check(method, target, response))
        .as(method + " " + target + " answered " + response.status() + " " + text(response))
        .isEmpty();
    return response;
  }

  private static List<String> check(String method, String target, ApiResponse response) {
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    Optional<OpenApiDocument.Operation> op = DOCUMENT.operation(method, path);
    if (op.isEmpty()) {
      return List.of(method + " " + path + " is not in the document");
    }
    return CHECKER.check(op.get(), response);
  }

  private static void assertProblem(ApiResponse response, int status, String name) {
    assertThat(response.status()).as(text(response)).isEqualTo(status);
    assertThat(problemName(response)).isEqualTo(name);
  }

  private static String problemName(ApiResponse response) {
    if (response.body().length == 0) {
      return "";
    }
    String type = OpenApiDocument.parse(response.body()).path("type").asString("");
    return type.substring(type.lastIndexOf('/') + 1);
  }

  private static JsonNode json(ApiResponse response) {
    return OpenApiDocument.parse(response.body());
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> json() {
    return Map.of("Content-Type", "application/json");
  }

  private static Map<String, String> keyed(String key) {
    return Map.of("Content-Type", "application/json", "Idempotency-Key", key);
  }

  private static Map<String, String> admin() {
    return Map.of("Authorization", "Bearer " + ADMIN_TOKEN);
  }

  private static String checkoutBody(String sku, int quantity, String token) {
    return "{\"items\":[{\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + "}],\"email\":\""
        + EMAIL
        + "\",\"acceptedTerms\":\""
        + TERMS
        + "\",\"marketingOptIn\":false,\"paymentToken\":\""
        + token
        + "\"}";
  }

  /** Places an order under the given key and returns its id. */
  private String placeOrder(String key) {
    ApiResponse placed =
        send("POST", "/checkout", keyed(key), checkoutBody("one-dollar-item", 1, "tok_ok"));
    assertThat(placed.status()).as(text(placed)).isEqualTo(201);
    return json(placed).path("id").asString();
  }

  private static Map<String, String> exampleHeaders(OpenApiDocument.Operation op) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (op.path().startsWith("/admin/")) {
      headers.put("Authorization", "Bearer " + ADMIN_TOKEN);
    }
    if (op.method().equals("POST")) {
      headers.put("Content-Type", "application/json");
      headers.put("Idempotency-Key", "example-" + op.id().toLowerCase(Locale.ROOT));
    }
    return headers;
  }

  private static String exampleBody(OpenApiDocument.Operation op) {
    JsonNode example =
        op.node().path("requestBody").path("content").path("application/json").get("example");
    return example == null ? "" : example.toString();
  }
}

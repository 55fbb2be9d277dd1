package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server-neutral API, called directly; the socket-level suite is {@code HttpContractKit}. */
class CheckoutApiTest {
  private static final String BODY =
      "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],\"email\":\"jo@example.com\","
          + "\"acceptedTerms\":\"v1\",\"paymentToken\":\"tok_ok\"}";

  private InMemoryStorage storage;
  private CheckoutApi api;

  @BeforeEach
  void setUp() {
    storage = InMemoryStorage.create();
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.parse("1.00", "USD"),
                    10,
                    Instant.parse("2026-11-25T00:00:00Z")));
    api =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .terms("v1", "Terms of sale.")
            .build();
  }

  private ApiResponse call(String method, String path, Map<String, String> headers, String body) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    headers.forEach((k, v) -> fields.put(k, List.of(v)));
    InputStream in = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    return api.handle(
        new ApiRequest(method, path, Optional.empty(), RequestHeaders.of(fields), in));
  }

  private static String text(ApiResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aCheckoutIsPlacedThenReplayedWithTheSameAnswer() {
    Map<String, String> h = Map.of("Content-Type", "application/json", "Idempotency-Key", "k1");
    ApiResponse first = call("POST", "/checkout", h, BODY);
    ApiResponse again =
        call(
            "POST",
            "/checkout",
            Map.of("Content-Type", "application/json", "Idempotency-Key", "\"k1\""),
            BODY);
    assertThat(first.status()).as(text(first)).isEqualTo(201);
    assertThat(first.header("Idempotent-Replayed")).contains("false");
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("Idempotent-Replayed")).contains("true");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    ApiResponse order = call("GET", first.header("Location").orElseThrow(), Map.of(), "");
    assertThat(order.status()).isEqualTo(200);
    assertThat(text(order)).isEqualTo(text(first));
    ApiResponse product = call("GET", "/products/one-dollar-item", Map.of(), "");
    assertThat(text(product)).contains("\"stock\":9");
  }

  @Test
  void aProductAnswers304ToItsOwnEtag() {
    ApiResponse first = call("GET", "/products/one-dollar-item", Map.of(), "");
    String etag = first.header("ETag").orElseThrow();
    ApiResponse second =
        call("GET", "/products/one-dollar-item", Map.of("If-None-Match", etag), "");
    assertThat(second.status()).isEqualTo(304);
    assertThat(second.body()).isEmpty();
    assertThat(second.header("ETag")).contains(etag);
    assertThat(second.header("Cache-Control")).isEqualTo(first.header("Cache-Control"));
  }

  @Test
  void aKnownPathWithAnotherMethodAnswers405WithAllow() {
    ApiResponse r = call("DELETE", "/checkout", Map.of(), "");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).contains("POST");
    assertThat(call("GET", "/products/..", Map.of(), "").status()).isEqualTo(404);
  }

  @Test
  void theOpenApiDocumentShipsWithTheApi() {
    String document = new String(CheckoutApi.openApiDocument(), StandardCharsets.UTF_8);
    assertThat(document).contains("\"openapi\"").contains("\"/checkout\"");
  }

  @Test
  void anUnexpectedFailureIsA500ThatTellsTheClientToRetryWithTheSameKey() {
    CheckoutStorage failing =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            throw new IllegalStateException("a bug in a storage adapter");
          }
        };
    CheckoutApi broken =
        CheckoutApi.builder()
            .storage(failing)
            .paymentGateway(new TestPaymentGateway())
            .terms("v1", "Terms of sale.")
            .build();

    ApiResponse r =
        broken.handle(
            new ApiRequest(
                "POST",
                "/checkout",
                Optional.empty(),
                RequestHeaders.of(
                    Map.of(
                        "Content-Type", List.of("application/json"),
                        "Idempotency-Key", List.of("k-500"))),
                new ByteArrayInputStream(BODY.getBytes(StandardCharsets.UTF_8))));

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.header("Idempotent-Replayed")).contains("false");
    assertThat(text(r)).contains("internal-error").contains("same Idempotency-Key");
    assertThat(text(r)).doesNotContain("a bug in a storage adapter");
  }

  @Test
  void aCheckoutEnqueuesADeliveryPerHookAndSignalsAfterTheCommit() {
    AtomicInteger signals = new AtomicInteger();
    FulfilmentHook shipping =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "shipping";
          }

          @Override
          public void handle(Delivery delivery) {}
        };
    CheckoutApi withHooks =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .terms("v1", "Terms of sale.")
            .hooks(FulfilmentHooks.of(shipping))
            .afterEventsCommitted(signals::incrementAndGet)
            .build();

    ApiResponse placed =
        withHooks.handle(
            new ApiRequest(
                "POST",
                "/checkout",
                Optional.empty(),
                RequestHeaders.of(
                    Map.of(
                        "Content-Type", List.of("application/json"),
                        "Idempotency-Key", List.of("k-hooks"))),
                new ByteArrayInputStream(BODY.getBytes(StandardCharsets.UTF_8))));

    assertThat(placed.status()).isEqualTo(201);
    assertThat(signals).hasValue(1);
    List<DeliveryClaim> claims =
        storage.inTransaction(
            tx -> tx.deliveries().claim("test", Instant.now(), Duration.ofMinutes(1), 10));
    assertThat(claims).extracting(DeliveryClaim::hook).containsExactly("shipping");
    assertThat(claims.get(0).event().type()).isEqualTo("order.placed");
  }
}

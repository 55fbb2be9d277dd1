package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.FraudRules;
import dev.tinycheckout.http.openapi.OpenApiDocument;
import dev.tinycheckout.http.openapi.ResponseChecker;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The 429 of the fraud guard answers as the OpenAPI document says, from any mount. */
class TooManyAttemptsDocumentTest {
  private static final OpenApiDocument DOCUMENT = OpenApiDocument.load();

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final CheckoutApi api = api();

  private CheckoutApi api() {
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.of(100, "USD"),
                    1_000,
                    Instant.parse("2026-11-25T20:00:00Z")));
    return CheckoutApi.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .terms("v1", "Terms of sale.")
        .fraudGuard(FraudGuard.builder().rules(FraudRules.ofDefaults()).build())
        .executor(Runnable::run)
        .build();
  }

  private ApiResponse checkout(String key, String clientAddress, String token) {
    String body =
        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],\"email\":\"x@example.com\","
            + "\"acceptedTerms\":\"v1\",\"paymentToken\":\""
            + token
            + "\"}";
    ApiRequest request =
        new ApiRequest(
                "POST",
                "/checkout",
                Optional.empty(),
                RequestHeaders.of(
                    Map.of(
                        "Content-Type", List.of("application/json"),
                        "Idempotency-Key", List.of(key))),
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
            .withClientAddress(clientAddress);
    return api.handle(request);
  }

  @Test
  void aRefusedCheckoutIsA429ProblemWithRetryAfterAsDocumented() {
    for (int i = 0; i < 5; i++) {
      assertThat(checkout("k" + i, "192.0.2.1", "tok_bad_" + i).status()).isEqualTo(402);
    }

    ApiResponse refused = checkout("k5", "192.0.2.1", "tok_ok");
    ApiResponse elsewhere = checkout("k6", "192.0.2.2", "tok_ok");

    assertThat(refused.status()).isEqualTo(429);
    String type = OpenApiDocument.parse(refused.body()).path("type").asString("");
    assertThat(type).isEqualTo("https://tinycheckout.dev/problems/too-many-attempts");
    assertThat(refused.header("Retry-After")).isPresent();
    OpenApiDocument.Operation op = DOCUMENT.operation("POST", "/checkout").orElseThrow();
    assertThat(new ResponseChecker(DOCUMENT).check(op, refused)).isEmpty();
    assertThat(elsewhere.status()).isEqualTo(201);
  }

  @Test
  void aClientAddressMustNotBeBlank() {
    ApiRequest bare =
        new ApiRequest(
            "GET",
            "/health",
            Optional.empty(),
            RequestHeaders.of(Map.of()),
            new ByteArrayInputStream(new byte[0]));

    assertThat(bare.clientAddress()).isEmpty();
    assertThat(bare.withClientAddress("192.0.2.9").clientAddress()).contains("192.0.2.9");
    assertThatThrownBy(() -> bare.withClientAddress(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientAddress");
  }
}

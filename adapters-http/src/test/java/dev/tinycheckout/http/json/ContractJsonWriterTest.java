package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.idempotency.InvalidIdempotencyKeyException;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContractJsonWriterTest {
  private static final Product ITEM =
      new Product(
          Sku.of("one-dollar-item"),
          "The One Dollar Item",
          Money.of(100, "USD"),
          1_000_000,
          1,
          Instant.parse("2025-01-01T00:00:00Z"));

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Test
  void aProductHasItsPriceAsIntegerMinorUnitsAndACurrency() {
    assertThat(text(ContractJsonWriter.product(ITEM)))
        .isEqualTo(
            "{\"sku\":\"one-dollar-item\",\"name\":\"The One Dollar Item\","
                + "\"price\":{\"amount\":100,\"currency\":\"USD\"},\"stock\":1000000}");
  }

  @Test
  void aProductInACurrencyWithoutMinorUnitsStillHasAnIntegerAmount() {
    Product yen = new Product(Sku.of("tea"), "Tea", Money.of(500, "JPY"), 0, 2, Instant.EPOCH);

    assertThat(text(ContractJsonWriter.product(yen)))
        .contains("\"price\":{\"amount\":500,\"currency\":\"JPY\"}")
        .contains("\"stock\":0");
  }

  @Test
  void aProductNameIsEscaped() {
    Product quoted =
        new Product(Sku.of("q"), "A \"quoted\" \\ name", Money.of(1, "EUR"), 1, 1, Instant.EPOCH);

    assertThat(text(ContractJsonWriter.product(quoted)))
        .contains("\"name\":\"A \\\"quoted\\\" \\\\ name\"");
  }

  @Test
  void theProductListWrapsProductsInOrder() {
    Product other = new Product(Sku.of("mug"), "Mug", Money.of(1250, "USD"), 3, 1, Instant.EPOCH);

    assertThat(text(ContractJsonWriter.products(List.of(other, ITEM))))
        .isEqualTo(
            "{\"products\":["
                + text(ContractJsonWriter.product(other))
                + ","
                + text(ContractJsonWriter.product(ITEM))
                + "]}");
  }

  @Test
  void anEmptyProductListIsAnEmptyArray() {
    assertThat(text(ContractJsonWriter.products(List.of()))).isEqualTo("{\"products\":[]}");
  }

  @Test
  void theTermsHaveAVersionAndAText() {
    assertThat(text(ContractJsonWriter.terms("2025-01", "Be nice.\nPay.")))
        .isEqualTo("{\"version\":\"2025-01\",\"text\":\"Be nice.\\nPay.\"}");
  }

  @Test
  void aProblemHasTheStandardMembersThenItsExtensionsInOrder() {
    Problem problem =
        Problem.of("out-of-stock", "Out of stock", 409, "Not enough stock.")
            .with("sku", "mug")
            .with("available", 2L)
            .with("retryable", false);

    assertThat(text(ContractJsonWriter.problem(problem)))
        .isEqualTo(
            "{\"type\":\"https://tinycheckout.dev/problems/out-of-stock\",\"title\":\"Out of"
                + " stock\",\"status\":409,\"detail\":\"Not enough stock.\",\"sku\":\"mug\","
                + "\"available\":2,\"retryable\":false}");
  }

  @Test
  void aValidationFailureBecomesAProblemWithItsField() {
    Problem problem =
        Problem.from(new ValidationException("items[2].quantity", "must be between 1 and 100"));

    assertThat(text(ContractJsonWriter.problem(problem)))
        .isEqualTo(
            "{\"type\":\"https://tinycheckout.dev/problems/validation-failed\",\"title\":"
                + "\"Validation failed\",\"status\":422,\"detail\":\"items[2].quantity: must be"
                + " between 1 and 100\",\"field\":\"items[2].quantity\"}");
  }

  @Test
  void anUnknownProductBecomesAProblemWithItsFieldAndSku() {
    Problem problem = Problem.from(new UnknownProductException("items[0].sku", Sku.of("nope")));

    assertThat(problem.name()).isEqualTo("unknown-product");
    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.extensions())
        .containsExactly(entry("field", "items[0].sku"), entry("sku", "nope"));
  }

  @Test
  void anUnpairedSurrogateIsWrittenAsTheReplacementCharacter() {
    assertThat(text(ContractJsonWriter.terms("v", "a\ud800b\uD83D\uDE00")))
        .isEqualTo("{\"version\":\"v\",\"text\":\"a\uFFFDb\uD83D\uDE00\"}");
  }

  @Test
  void aProblemRefusesAnExtensionThatShadowsAStandardMember() {
    Problem problem = Problem.of("not-found", "Not found", 404, "No such order.");

    assertThatThrownBy(() -> problem.with("status", 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status");
  }

  @Test
  void aProblemRefusesANameThatIsNotKebabCase() {
    assertThatThrownBy(() -> Problem.of("Not Found", "Not found", 404, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not Found");
  }

  @Test
  void aProblemRefusesASuccessStatus() {
    assertThatThrownBy(() -> Problem.of("ok", "OK", 200, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("200");
  }

  @Test
  void anInvalidIdempotencyKeyBecomesA400ProblemNamingTheHeader() {
    Problem problem = Problem.from(new InvalidIdempotencyKeyException("must not be empty"));

    assertThat(problem.name()).isEqualTo("idempotency-key-invalid");
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.extensions()).containsEntry("field", "Idempotency-Key");
  }

  @Test
  void missingConsentBecomesA422Problem() {
    Problem problem = Problem.from(new ConsentRequiredException("2025-01"));

    assertThat(problem.name()).isEqualTo("consent-required");
    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.title()).isEqualTo("Consent required");
  }

  @Test
  void anyCoreFailureBecomesAProblemWithTheGivenStatusAndItsMessage() {
    Problem problem =
        Problem.from(
            new IllegalOrderTransitionException(
                OrderId.generate(Clock.systemUTC()), OrderStatus.WITHDRAWN, OrderStatus.PAID),
            409,
            "Conflict");

    assertThat(problem.name()).isEqualTo("illegal-order-transition");
    assertThat(problem.status()).isEqualTo(409);
    assertThat(problem.extensions()).isEmpty();
  }
}

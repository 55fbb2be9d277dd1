package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.consent.ChainBreak;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.idempotency.InvalidIdempotencyKeyException;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

  private static final ConsentEntry ENTRY =
      ConsentEntry.chain(
          new ConsentDraft(
              SubjectId.of("ab".repeat(32)),
              ConsentAction.GRANTED,
              ConsentPurpose.MARKETING,
              "2026-11-01",
              ConsentHash.sha256("The terms.".getBytes(StandardCharsets.UTF_8)),
              "checkout",
              OrderId.parse("019abc2e-7d41-7b3c-9a52-3f0e6a1d2b4c"),
              Instant.parse("2026-11-25T20:15:03.512817Z"),
              "c2VhbGVk"),
          1,
          ConsentHash.ZERO);

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
  void aValidVerificationHasItsCountHeadAndAnchorButNoBreak() {
    ConsentHead head = ENTRY.asHead();

    String json =
        text(
            ContractJsonWriter.auditVerification(
                new ConsentVerification(true, 1, head, Optional.empty())));

    assertThat(json)
        .isEqualTo(
            "{\"valid\":true,\"entries\":1,\"head\":\""
                + ENTRY.hash().hex()
                + "\",\"anchor\":\""
                + head.toText()
                + "\"}");
  }

  @Test
  void anInvalidVerificationHasTheFirstBreakButNoAnchor() {
    ChainBreak broken = new ChainBreak(2, ChainBreak.Reason.MISSING, "entry 2 is \"gone\"");

    String json =
        text(
            ContractJsonWriter.auditVerification(
                new ConsentVerification(false, 3, ConsentHead.EMPTY, Optional.of(broken))));

    assertThat(json)
        .isEqualTo(
            "{\"valid\":false,\"entries\":3,\"head\":\""
                + "0".repeat(64)
                + "\",\"firstBreak\":{\"sequence\":2,\"reason\":\"MISSING\","
                + "\"detail\":\"entry 2 is \\\"gone\\\"\"}}");
  }

  @Test
  void aConsentRecordIsTheEntryWithoutAnyPersonalDataAndWithItsMicroseconds() {
    SubjectRecord record =
        new SubjectRecord(
            ENTRY, Optional.of(Email.of("ada@example.com")), Optional.of("Ada Lovelace"), false);

    String json = text(ContractJsonWriter.consentRecords(List.of(record)));

    assertThat(json)
        .isEqualTo(
            "{\"records\":[{\"sequence\":1,\"action\":\"GRANTED\",\"termsVersion\":\"2026-11-01\","
                + "\"purposes\":[\"MARKETING\"],"
                + "\"orderId\":\"019abc2e-7d41-7b3c-9a52-3f0e6a1d2b4c\","
                + "\"recordedAt\":\"2026-11-25T20:15:03.512817Z\","
                + "\"hash\":\""
                + ENTRY.hash().hex()
                + "\",\"previousHash\":\""
                + "0".repeat(64)
                + "\",\"channel\":\"checkout\",\"termsHash\":\""
                + ENTRY.termsHash().hex()
                + "\",\"erased\":false}]}");
    assertThat(json)
        .doesNotContain("ada")
        .doesNotContain("Lovelace")
        .doesNotContain("ab".repeat(32))
        .doesNotContain("c2VhbGVk");
  }

  @Test
  void anErasedRecordSaysSo() {
    SubjectRecord erased = new SubjectRecord(ENTRY, Optional.empty(), Optional.empty(), true);

    assertThat(text(ContractJsonWriter.consentRecords(List.of(erased))))
        .contains("\"erased\":true");
  }

  @Test
  void noRecordsIsAnEmptyList() {
    assertThat(text(ContractJsonWriter.consentRecords(List.of()))).isEqualTo("{\"records\":[]}");
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

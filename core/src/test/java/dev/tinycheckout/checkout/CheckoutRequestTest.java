package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.order.Email;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckoutRequestTest {
  private static final String TOKEN = "tok_visa_SECRET123";

  /** A complete, valid builder. */
  private static CheckoutRequest.Builder valid() {
    return CheckoutRequest.builder()
        .item("tea", 2)
        .item("cup", 1)
        .email("ann.lee@example.com")
        .acceptedTerms("v1")
        .paymentToken(TOKEN);
  }

  private static ValidationException refusal(Runnable building) {
    return catchThrowableOfType(ValidationException.class, building::run);
  }

  @ParameterizedTest
  @ValueSource(strings = {"v\uD800", "v\u00e9", "v\n1", "\u0000"})
  void acceptedTermsOutsidePrintableAsciiAreRefusedSoEveryFingerprintIsWellDefined(String terms) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () ->
                CheckoutRequest.builder()
                    .item("a", 1)
                    .email("ada@example.com")
                    .acceptedTerms(terms)
                    .paymentToken("tok_ok")
                    .build());

    assertThat(e).isNotNull();
    assertThat(e.field()).isEqualTo("acceptedTerms");
  }

  @Test
  void buildsARequestFromRawValues() {
    CheckoutRequest request = valid().marketingOptIn(true).build();

    assertThat(request.items())
        .containsExactly(new LineItem(Sku.of("tea"), 2), new LineItem(Sku.of("cup"), 1));
    assertThat(request.email()).isEqualTo(Email.of("ann.lee@example.com"));
    assertThat(request.acceptedTerms()).isEqualTo("v1");
    assertThat(request.marketingOptIn()).isTrue();
    assertThat(request.paymentToken()).isEqualTo(TOKEN);
  }

  @Test
  void marketingOptInIsOffUnlessSet() {
    assertThat(valid().build().marketingOptIn()).isFalse();
  }

  @Test
  void acceptedTermsIsEmptyUnlessSet() {
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("tea", 1)
            .email("ann@example.com")
            .paymentToken(TOKEN)
            .build();

    assertThat(request.acceptedTerms()).isEmpty();
  }

  @Test
  void aBadQuantityIsReportedWithItsItemPath() {
    CheckoutRequest.Builder builder = CheckoutRequest.builder().item("a", 1).item("b", 1);

    ValidationException e = refusal(() -> builder.item("c", 0));

    assertThat(e.field()).isEqualTo("items[2].quantity");
    assertThat(e.reason()).contains("but was 0");
  }

  @Test
  void aQuantityOf101IsReportedWithItsItemPath() {
    ValidationException e = refusal(() -> CheckoutRequest.builder().item("a", 101));

    assertThat(e.field()).isEqualTo("items[0].quantity");
  }

  @Test
  void aBadSkuIsReportedWithItsItemPath() {
    CheckoutRequest.Builder builder = CheckoutRequest.builder().item("a", 1);

    ValidationException e = refusal(() -> builder.item("not a sku!", 1));

    assertThat(e.field()).isEqualTo("items[1].sku");
  }

  @Test
  void aRepeatedSkuIsReportedAtTheRepeatingLine() {
    CheckoutRequest.Builder builder = valid().item("tea", 3);

    ValidationException e = refusal(builder::build);

    assertThat(e.field()).isEqualTo("items[2].sku");
    assertThat(e.reason()).contains("'tea'");
  }

  @Test
  void aSkuRepeatedInTheSecondLineIsReportedAsItems1Sku() {
    CheckoutRequest.Builder builder =
        CheckoutRequest.builder()
            .item("tea", 1)
            .item("tea", 1)
            .email("ann@example.com")
            .paymentToken(TOKEN);

    ValidationException e = refusal(builder::build);

    assertThat(e.field()).isEqualTo("items[1].sku");
  }

  @Test
  void skusDifferingOnlyInCaseAreDifferentLines() {
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("tea", 1)
            .item("TEA", 1)
            .email("ann@example.com")
            .paymentToken(TOKEN)
            .build();

    assertThat(request.items()).hasSize(2);
  }

  @Test
  void aBadEmailIsReportedAsEmail() {
    ValidationException e = refusal(() -> valid().email("ann@localhost").build());

    assertThat(e.field()).isEqualTo("email");
  }

  @Test
  void aMissingEmailIsReportedAsEmail() {
    ValidationException e =
        refusal(() -> CheckoutRequest.builder().item("tea", 1).paymentToken(TOKEN).build());

    assertThat(e.field()).isEqualTo("email");
  }

  @Test
  void noItemsIsRefused() {
    ValidationException e =
        refusal(
            () -> CheckoutRequest.builder().email("ann@example.com").paymentToken(TOKEN).build());

    assertThat(e.field()).isEqualTo("items");
    assertThat(e.reason()).contains("but had 0");
  }

  @Test
  void twentyItemsAreAccepted() {
    CheckoutRequest.Builder builder =
        CheckoutRequest.builder().email("ann@example.com").paymentToken(TOKEN);
    for (int i = 0; i < 20; i++) {
      builder.item("sku-" + i, 1);
    }

    assertThat(builder.build().items()).hasSize(20);
  }

  @Test
  void twentyOneItemsAreRefused() {
    CheckoutRequest.Builder builder =
        CheckoutRequest.builder().email("ann@example.com").paymentToken(TOKEN);
    for (int i = 0; i < 21; i++) {
      builder.item("sku-" + i, 1);
    }

    ValidationException e = refusal(builder::build);

    assertThat(e.field()).isEqualTo("items");
    assertThat(e.reason()).contains("but had 21");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   \t"})
  void aBlankPaymentTokenIsRefused(String token) {
    ValidationException e = refusal(() -> valid().paymentToken(token).build());

    assertThat(e.field()).isEqualTo("paymentToken");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tok\r\nX-Injected: 1", "tök", "tok\u007f"})
  void aPaymentTokenThatIsNotPrintableAsciiIsRefused(String token) {
    ValidationException e = refusal(() -> valid().paymentToken(token).build());

    assertThat(e.field()).isEqualTo("paymentToken");
  }

  @Test
  void aPaymentTokenOf256CharactersIsRefused() {
    ValidationException e = refusal(() -> valid().paymentToken("t".repeat(256)).build());

    assertThat(e.field()).isEqualTo("paymentToken");
  }

  @Test
  void aPaymentTokenOf255CharactersIsAccepted() {
    assertThat(valid().paymentToken("t".repeat(255)).build().paymentToken()).hasSize(255);
  }

  @Test
  void aRefusedPaymentTokenIsNotEchoed() {
    ValidationException e = refusal(() -> valid().paymentToken("tok_SECRET\n").build());

    assertThat(e.getMessage()).doesNotContain("SECRET");
  }

  @Test
  void acceptedTermsLongerThan64CharactersIsRefused() {
    ValidationException e = refusal(() -> valid().acceptedTerms("v".repeat(65)).build());

    assertThat(e.field()).isEqualTo("acceptedTerms");
  }

  @Test
  void itemsCannotBeModifiedAfterBuilding() {
    CheckoutRequest request = valid().build();

    assertThatThrownBy(() -> request.items().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theConstructorCopiesTheItems() {
    List<LineItem> items = new ArrayList<>(List.of(new LineItem(Sku.of("tea"), 1)));
    CheckoutRequest request =
        new CheckoutRequest(items, Email.of("ann@example.com"), "", false, TOKEN);

    items.add(new LineItem(Sku.of("cup"), 1));

    assertThat(request.items()).hasSize(1);
  }

  @Test
  void toStringHidesThePaymentToken() {
    assertThat(valid().build().toString()).doesNotContain(TOKEN).contains("paymentToken=***");
  }

  @Test
  void toStringMasksTheEmail() {
    assertThat(valid().build().toString()).doesNotContain("ann.lee").contains("a***@example.com");
  }

  @Test
  void identicalRequestsHaveEqualFingerprints() {
    assertThat(valid().build().fingerprint()).isEqualTo(valid().build().fingerprint());
  }

  @Test
  void emailsDifferingOnlyInDomainCaseHaveEqualFingerprints() {
    assertThat(valid().email("ann.lee@EXAMPLE.com").build().fingerprint())
        .isEqualTo(valid().build().fingerprint());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "line order",
        "quantity",
        "sku",
        "extra line",
        "email",
        "terms",
        "marketing opt-in",
        "payment token",
        "immediate performance"
      })
  void changingAnySingleFieldChangesTheFingerprint(String change) {
    UnaryOperator<CheckoutRequest.Builder> base =
        b -> b.email("ann@example.com").acceptedTerms("v1").paymentToken(TOKEN);
    CheckoutRequest original =
        base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1)).build();
    CheckoutRequest.Builder changed =
        switch (change) {
          case "line order" -> base.apply(CheckoutRequest.builder().item("cup", 1).item("tea", 2));
          case "quantity" -> base.apply(CheckoutRequest.builder().item("tea", 3).item("cup", 1));
          case "sku" -> base.apply(CheckoutRequest.builder().item("tea", 2).item("mug", 1));
          case "extra line" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1).item("mug", 1));
          case "email" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1))
                  .email("bob@example.com");
          case "terms" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1))
                  .acceptedTerms("v2");
          case "marketing opt-in" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1))
                  .marketingOptIn(true);
          case "payment token" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1))
                  .paymentToken("tok_other");
          case "immediate performance" ->
              base.apply(CheckoutRequest.builder().item("tea", 2).item("cup", 1))
                  .immediatePerformance(true);
          default -> throw new IllegalArgumentException(change);
        };

    assertThat(changed.build().fingerprint()).isNotEqualTo(original.fingerprint());
  }

  @Test
  void withoutImmediatePerformanceTheFingerprintIsTheOneFromBeforeTheFieldExisted() {
    CheckoutRequest request = valid().build();

    assertThat(request.immediatePerformance()).isFalse();
    assertThat(request.fingerprint())
        .isEqualTo(
            RequestFingerprint.of(
                "POST",
                "/checkout",
                "2",
                "tea",
                "2",
                "cup",
                "1",
                "ann.lee@example.com",
                "v1",
                "false",
                TOKEN));
    assertThat(
            new CheckoutRequest(
                    request.items(),
                    request.email(),
                    request.acceptedTerms(),
                    request.marketingOptIn(),
                    request.paymentToken())
                .immediatePerformance())
        .isFalse();
  }

  @Test
  void quantityDigitsCannotShiftIntoTheNextSku() {
    CheckoutRequest a =
        CheckoutRequest.builder()
            .item("a1", 1)
            .email("ann@example.com")
            .paymentToken(TOKEN)
            .build();
    CheckoutRequest b =
        CheckoutRequest.builder()
            .item("a", 11)
            .email("ann@example.com")
            .paymentToken(TOKEN)
            .build();

    assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
  }
}

package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WithdrawalRequestTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:15:30Z"), ZoneOffset.UTC);
  private static final OrderId ORDER = OrderId.generate(CLOCK, new SplittableRandom(1));
  private static final OrderId OTHER_ORDER = OrderId.generate(CLOCK, new SplittableRandom(2));
  private static final Email EMAIL = Email.of("ann@example.com");

  private static WithdrawalRequest named(String name) {
    return new WithdrawalRequest(ORDER, EMAIL, Optional.of(name));
  }

  @Test
  void ofMakesARequestWithoutAName() {
    WithdrawalRequest request = WithdrawalRequest.of(ORDER, EMAIL);

    assertThat(request.orderId()).isEqualTo(ORDER);
    assertThat(request.email()).isEqualTo(EMAIL);
    assertThat(request.name()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "Ann Lee", "Zoë Ångström", "\uD83D\uDE00 emoji in the astral plane"})
  void namesOfPrintableUnicodeAreAccepted(String name) {
    assertThat(named(name).name()).contains(name);
  }

  @Test
  void aNameOfExactly200CharactersIsAccepted() {
    assertThat(named("a".repeat(200)).name()).hasValueSatisfying(n -> assertThat(n).hasSize(200));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t "})
  void anEmptyOrBlankNameIsRefusedNamingTheField(String name) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> named(name));

    assertThat(e.field()).isEqualTo("name");
    assertThat(e.problem()).isEqualTo("validation-failed");
  }

  @Test
  void aNameOf201CharactersIsRefusedWithItsLength() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> named("a".repeat(201)));

    assertThat(e.field()).isEqualTo("name");
    assertThat(e.reason()).contains("1-200").contains("201");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ann\nLee", "Ann\u0000", "\u007fAnn", "Ann\u0085Lee", "Ann\rLee"})
  void aNameWithAControlCharacterIsRefused(String name) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> named(name));

    assertThat(e.field()).isEqualTo("name");
    assertThat(e.reason()).contains("control characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ann\uD800", "\uDC00Ann", "A\uDE00\uD83D"})
  void aNameWithAnUnpairedSurrogateIsRefusedSoItsFingerprintIsWellDefined(String name) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> named(name));

    assertThat(e.field()).isEqualTo("name");
  }

  @Test
  void nullsFailNamingTheComponent() {
    assertThatThrownBy(() -> new WithdrawalRequest(ORDER, EMAIL, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> WithdrawalRequest.of(null, EMAIL))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("orderId");
    assertThatThrownBy(() -> WithdrawalRequest.of(ORDER, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("email");
  }

  @Test
  void equalRequestsHaveEqualFingerprints() {
    assertThat(named("Ann").fingerprint())
        .isEqualTo(
            new WithdrawalRequest(ORDER, Email.of("ann@EXAMPLE.com"), Optional.of("Ann"))
                .fingerprint());
  }

  @Test
  void theFingerprintIsMethodRouteWithTheIdAndEveryField() {
    assertThat(named("Ann").fingerprint())
        .isEqualTo(
            RequestFingerprint.of(
                "POST",
                "/orders/" + ORDER + "/withdrawal",
                ORDER.toString(),
                "ann@example.com",
                "name",
                "Ann"));
  }

  @Test
  void anyDifferenceInOrderEmailOrNameChangesTheFingerprint() {
    RequestFingerprint base = named("Ann").fingerprint();

    assertThat(new WithdrawalRequest(OTHER_ORDER, EMAIL, Optional.of("Ann")).fingerprint())
        .isNotEqualTo(base);
    assertThat(
            new WithdrawalRequest(ORDER, Email.of("bob@example.com"), Optional.of("Ann"))
                .fingerprint())
        .isNotEqualTo(base);
    assertThat(named("Anne").fingerprint()).isNotEqualTo(base);
    assertThat(WithdrawalRequest.of(ORDER, EMAIL).fingerprint()).isNotEqualTo(base);
  }

  @Test
  void noWithdrawalSharesAFingerprintWithACheckoutOfTheSameCustomer() {
    CheckoutRequest checkout =
        CheckoutRequest.builder()
            .item(Sku.of("tea").value(), 1)
            .email(EMAIL.value())
            .acceptedTerms("v1")
            .paymentToken("tok_ok")
            .build();

    assertThat(WithdrawalRequest.of(ORDER, EMAIL).fingerprint())
        .isNotEqualTo(checkout.fingerprint());
  }

  @Test
  void toStringMasksTheEmailAndHidesTheName() {
    String text = named("Ann Lee").toString();

    assertThat(text).contains(ORDER.toString()).contains("a***@example.com");
    assertThat(text).doesNotContain("Ann Lee").doesNotContain("ann@example.com");
    assertThat(WithdrawalRequest.of(ORDER, EMAIL).toString()).contains("name=none");
  }
}

package dev.tinycheckout.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SkuTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "7", "one-dollar-item", "SKU_42", "v1.2.3", "A-b_C.d-0"})
  void acceptsLettersDigitsDotsUnderscoresAndHyphens(String text) {
    assertThat(Sku.of(text).value()).isEqualTo(text);
  }

  @Test
  void acceptsSixtyFourCharacters() {
    String text = "a".repeat(64);

    assertThat(Sku.of(text).value()).hasSize(64);
  }

  @Test
  void refusesSixtyFiveCharacters() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Sku.of("a".repeat(65)));

    assertThat(e.field()).isEqualTo("sku");
  }

  @Test
  void refusesTheEmptyString() {
    assertThatThrownBy(() -> Sku.of(""))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("sku"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-leading-hyphen", ".hidden", "_under", "has space", "a/b", "a?b", "ä"})
  void refusesCharactersOutsideTheFormatOrABadFirstCharacter(String text) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Sku.of(text));

    assertThat(e.field()).isEqualTo("sku");
    assertThat(e.reason()).contains("1-64 characters");
  }

  @Test
  void refusesATrailingNewline() {
    assertThatThrownBy(() -> Sku.of("abc\n")).isInstanceOf(ValidationException.class);
  }

  @Test
  void showsControlCharactersEscapedInTheMessage() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Sku.of("ab\r\ncd\u0000\u007f"));

    assertThat(e.reason()).contains("ab\\u000d\\u000acd\\u0000\\u007f");
    assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void truncatesAVeryLongRejectedValueInTheMessage() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Sku.of("!".repeat(10_000)));

    assertThat(e.reason()).hasSizeLessThan(300).contains("...");
  }

  @Test
  void isCaseSensitive() {
    assertThat(Sku.of("abc")).isNotEqualTo(Sku.of("ABC"));
  }

  @Test
  void ordersByItsText() {
    assertThat(Sku.of("a-1")).isLessThan(Sku.of("a-2"));
    assertThat(Sku.of("B")).isLessThan(Sku.of("a"));
  }

  @Test
  void toStringIsTheValue() {
    assertThat(Sku.of("one-dollar-item")).hasToString("one-dollar-item");
  }

  @Test
  void nullFailsNamingTheParameter() {
    assertThatThrownBy(() -> Sku.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }
}

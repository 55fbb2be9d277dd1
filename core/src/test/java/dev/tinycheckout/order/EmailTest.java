package dev.tinycheckout.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ann@example.com",
        "a@b.co",
        "first.last@example.com",
        "ann+checkout@example.co.uk",
        "o'brien@example.ie",
        "x!#$%&'*+/=?^_`{|}~-y@example.com",
        "ann@mail-1.example.com",
        "ann@xn--bcher-kva.example"
      })
  void acceptsOrdinaryAddresses(String text) {
    assertThat(Email.of(text).value()).isEqualTo(text);
  }

  @Test
  void lowerCasesTheDomainButKeepsTheLocalPart() {
    assertThat(Email.of("Ann.Lee@Example.COM").value()).isEqualTo("Ann.Lee@example.com");
  }

  @Test
  void emailsThatDifferOnlyInDomainCaseAreEqual() {
    assertThat(Email.of("ann@EXAMPLE.com")).isEqualTo(Email.of("ann@example.com"));
  }

  @Test
  void acceptsALocalPartOfSixtyFourCharacters() {
    String text = "a".repeat(64) + "@example.com";

    assertThat(Email.of(text).value()).isEqualTo(text);
  }

  @Test
  void acceptsTwoHundredFiftyFourCharacters() {
    String text =
        "a@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".e".repeat(30) + "f";
    assertThat(text).hasSize(254);

    assertThat(Email.of(text).value()).hasSize(254);
  }

  @Test
  void refusesTwoHundredFiftyFiveCharacters() {
    String text =
        "a@"
            + "b".repeat(63)
            + "."
            + "c".repeat(63)
            + "."
            + "d".repeat(63)
            + ".e".repeat(30)
            + "ff";
    assertThat(text).hasSize(255);

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Email.of(text));

    assertThat(e.field()).isEqualTo("email");
    assertThat(e.reason()).contains("at most 254").contains("255");
  }

  @Test
  void refusesALocalPartOfSixtyFiveCharacters() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Email.of("a".repeat(65) + "@example.com"));

    assertThat(e.field()).isEqualTo("email");
    assertThat(e.reason()).contains("before the @");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", // empty
        "ann.example.com", // no @
        "@example.com", // no local part
        "ann@", // no domain
        "ann..lee@example.com", // two dots in the local part
        ".ann@example.com", // leading dot
        "ann.@example.com", // trailing dot before the @
        "ann@example..com", // two dots in the domain
        "ann@.example.com", // leading dot in the domain
        "ann@example.com.", // trailing dot in the domain
        "ann@localhost", // domain without a dot
        "ann@[192.168.0.1]", // IP literal
        "ann@192.168.0.1", // dotted IP, numeric top-level label
        "ann@-example.com", // label starting with a hyphen
        "ann@example-.com", // label ending with a hyphen
        "ann@exa_mple.com", // underscore in the domain
        "\"ann lee\"@example.com", // quoted local part
        "ann lee@example.com", // space
        "ann@example.com (Ann)", // comment
        "ann@b@example.com", // two @
        "ann@example.com\r\nBcc: victim@example.org", // header injection
        "ann@example.com\n", // trailing LF
        "ann\r@example.com", // CR in the local part
        "ann\u0000@example.com", // NUL
        "jürgen@example.com", // non-ASCII local part
        "ann@bücher.example", // non-ASCII domain (must be punycode)
        "ann@exam\u0130ple.com", // dotted capital I, lower-cases to two chars
        "ann@\u212Aexample.com", // Kelvin sign, lower-cases to ASCII k
        "ann@example.\u212Aom" // Kelvin sign in the top-level label
      })
  void refusesInvalidAddressesNamingTheEmailField(String text) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Email.of(text));

    assertThat(e).as("refusal of %s", text).isNotNull();
    assertThat(e.field()).isEqualTo("email");
  }

  @Test
  void refusesATopLevelLabelThatStartsWithADigit() {
    assertThatThrownBy(() -> Email.of("ann@example.1com"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("email"));
  }

  @Test
  void refusesADomainLabelOfSixtyFourCharacters() {
    assertThatThrownBy(() -> Email.of("ann@" + "a".repeat(64) + ".com"))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void refusalDoesNotEchoTheAddress() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Email.of("secret..person@example.com"));

    assertThat(e.getMessage()).doesNotContain("secret");
  }

  @Test
  void toStringMasksAllButTheFirstCharacterOfTheLocalPart() {
    Email email = Email.of("ann.lee@Example.com");

    assertThat(email).hasToString("a***@example.com");
    assertThat(email.toString()).doesNotContain("lee");
  }

  @Test
  void toStringMasksAOneCharacterLocalPartToo() {
    assertThat(Email.of("a@example.com")).hasToString("a***@example.com");
  }

  @Test
  void valueGivesTheWholeAddress() {
    assertThat(Email.of("ann.lee@example.com").value()).isEqualTo("ann.lee@example.com");
  }

  @Test
  void nullFailsNamingTheParameter() {
    assertThatThrownBy(() -> Email.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }
}

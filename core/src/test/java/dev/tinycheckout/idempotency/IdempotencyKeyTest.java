package dev.tinycheckout.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

  private static InvalidIdempotencyKeyException refusal(String scope, String value) {
    return catchThrowableOfType(
        InvalidIdempotencyKeyException.class, () -> IdempotencyKey.scoped(scope, value));
  }

  @Test
  void ofMakesAnUnscopedKey() {
    IdempotencyKey key = IdempotencyKey.of("8e03978e-40d5-43e8-bc93-6894a57f9324");

    assertThat(key.scope()).isEmpty();
    assertThat(key.value()).isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
  }

  @Test
  void acceptsASingleCharacter() {
    assertThat(IdempotencyKey.of("k").value()).isEqualTo("k");
  }

  @Test
  void acceptsTwoHundredFiftyFiveCharacters() {
    assertThat(IdempotencyKey.of("k".repeat(255)).value()).hasSize(255);
  }

  @Test
  void acceptsEveryPrintableAsciiCharacterIncludingSpace() {
    StringBuilder all = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      all.append(c);
    }

    assertThat(IdempotencyKey.of(all.toString()).value()).isEqualTo(all.toString());
  }

  @Test
  void refusesTheEmptyKeyWithProblemAndField() {
    InvalidIdempotencyKeyException e = refusal("", "");

    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.field()).isEqualTo("Idempotency-Key");
    assertThat(e.reason()).contains("must not be empty");
  }

  @Test
  void refusesTwoHundredFiftySixCharacters() {
    InvalidIdempotencyKeyException e = refusal("", "k".repeat(256));

    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.field()).isEqualTo("Idempotency-Key");
    assertThat(e.reason()).contains("at most 255").contains("256");
  }

  @ParameterizedTest
  @ValueSource(strings = {"key\r", "key\nInjected: yes", "\u007f", "tab\tkey", "nul\u0000"})
  void refusesControlCharacters(String value) {
    InvalidIdempotencyKeyException e = refusal("", value);

    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.field()).isEqualTo("Idempotency-Key");
    assertThat(e.reason()).contains("printable ASCII");
  }

  @ParameterizedTest
  @ValueSource(strings = {"clé", "ключ", "key\u00a0", "emoji-😀", "\u2028"})
  void refusesNonAsciiCharacters(String value) {
    InvalidIdempotencyKeyException e = refusal("", value);

    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.field()).isEqualTo("Idempotency-Key");
  }

  @Test
  void refusalNamesTheOffendingCharacterAndItsIndexButNotTheKey() {
    InvalidIdempotencyKeyException e = refusal("", "secret\rvalue");

    assertThat(e.reason()).contains("U+000D").contains("index 6");
    assertThat(e.getMessage()).doesNotContain("secret");
  }

  @Test
  void invalidKeyIsAValidationFailure() {
    assertThat(refusal("", "")).isInstanceOf(ValidationException.class);
  }

  @Test
  void scopedKeyKeepsScopeAndValue() {
    IdempotencyKey key = IdempotencyKey.scoped("client-42", "k1");

    assertThat(key.scope()).isEqualTo("client-42");
    assertThat(key.value()).isEqualTo("k1");
  }

  @Test
  void theSameKeyInTwoScopesIsTwoDifferentKeys() {
    assertThat(IdempotencyKey.scoped("client-a", "k1"))
        .isNotEqualTo(IdempotencyKey.scoped("client-b", "k1"));
  }

  @Test
  void theSameKeyInTheSameScopeIsEqual() {
    assertThat(IdempotencyKey.scoped("client-a", "k1"))
        .isEqualTo(IdempotencyKey.scoped("client-a", "k1"))
        .hasSameHashCodeAs(IdempotencyKey.scoped("client-a", "k1"));
  }

  @Test
  void theEmptyScopeIsTheUnscopedSpace() {
    assertThat(IdempotencyKey.scoped("", "k1")).isEqualTo(IdempotencyKey.of("k1"));
  }

  @Test
  void acceptsAScopeOfTwoHundredFiftyFiveCharacters() {
    assertThat(IdempotencyKey.scoped("s".repeat(255), "k").scope()).hasSize(255);
  }

  @Test
  void refusesAScopeOfTwoHundredFiftySixCharactersSayingItIsTheScope() {
    InvalidIdempotencyKeyException e = refusal("s".repeat(256), "k");

    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.reason()).startsWith("scope");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tenant\n", "tenant\r", "ténant", "\u007f"})
  void refusesAScopeThatIsNotPrintableAscii(String scope) {
    InvalidIdempotencyKeyException e = refusal(scope, "k");

    assertThat(e.reason()).startsWith("scope");
  }

  @Test
  void nullScopeFailsNamingTheParameter() {
    assertThatThrownBy(() -> IdempotencyKey.scoped(null, "k"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scope");
  }

  @Test
  void toStringDoesNotContainTheRawKeyOrScope() {
    IdempotencyKey key = IdempotencyKey.scoped("tenant-Quokka", "order-Wombat-4711");

    assertThat(key.toString())
        .doesNotContain("Wombat")
        .doesNotContain("Quokka")
        .matches("IdempotencyKey\\[[0-9a-f]{16}]");
  }

  @Test
  void toStringDistinguishesScopes() {
    assertThat(IdempotencyKey.scoped("a", "k").toString())
        .isNotEqualTo(IdempotencyKey.scoped("b", "k").toString());
  }

  /** Law: toString never shows a key of letters outside hex, whatever the key. */
  @Property
  void toStringNeverContainsTheRawKey(
      @ForAll @StringLength(min = 4, max = 255) @CharRange(from = 'g', to = 'z') String value) {
    assertThat(IdempotencyKey.of(value).toString()).doesNotContain(value);
  }

  /** Law: every string of 1 to 255 printable ASCII characters is a valid key, unchanged. */
  @Property
  void everyPrintableAsciiStringUpTo255IsAValidKey(
      @ForAll @StringLength(min = 1, max = 255) @CharRange(from = ' ', to = '~') String value) {
    assertThat(IdempotencyKey.of(value).value()).isEqualTo(value);
  }
}

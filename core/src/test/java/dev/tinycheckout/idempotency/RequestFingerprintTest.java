package dev.tinycheckout.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFingerprintTest {

  @Test
  void lengthPrefixingSeparatesPartsThatConcatenateAlike() {
    assertThat(RequestFingerprint.of("ab", "c")).isNotEqualTo(RequestFingerprint.of("a", "bc"));
  }

  @Test
  void anEmptyPartIsNotTheSameAsNoPart() {
    assertThat(RequestFingerprint.of("a", "")).isNotEqualTo(RequestFingerprint.of("a"));
  }

  @Test
  void isDeterministic() {
    assertThat(RequestFingerprint.of("POST", "/checkout", "{}"))
        .isEqualTo(RequestFingerprint.of("POST", "/checkout", "{}"));
  }

  @Test
  void theOrderOfPartsMatters() {
    assertThat(RequestFingerprint.of("a", "b")).isNotEqualTo(RequestFingerprint.of("b", "a"));
  }

  /**
   * Fingerprints are stored and compared across releases, so the encoding (a 4-byte big-endian
   * UTF-8 length before each part, then SHA-256) must never change. Pinned with an independent
   * implementation.
   */
  @Test
  void encodingIsStableAcrossReleases() {
    assertThat(RequestFingerprint.of("ab", "c").hex())
        .isEqualTo("f2939f903016e5bb29b1e4a61cdbd376220ca03a24180b39995f2d50f2e0a647");
    assertThat(RequestFingerprint.of().hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(RequestFingerprint.of("é").hex())
        .isEqualTo("d1e9fa6240157ad2f9401c2bd40da3305678208a1985ff66beae448907f52b8f");
  }

  @Test
  void hexIsSixtyFourLowerCaseHexDigits() {
    assertThat(RequestFingerprint.of("x").hex()).matches("[0-9a-f]{64}");
  }

  @Test
  void acceptsAValidHexDigest() {
    String hex = "ab".repeat(32);

    assertThat(new RequestFingerprint(hex).hex()).isEqualTo(hex);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abababababababababababababababababababababababababababababababa", // 63
        "ababababababababababababababababababababababababababababababababa", // 65
        "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB", // upper case
        "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", // not hex
        "abababababababababababababababababababababababababababababababa\n" // trailing LF
      })
  void refusesTextThatIsNotSixtyFourLowerCaseHexDigits(String hex) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> new RequestFingerprint(hex));

    assertThat(e.field()).isEqualTo("fingerprint");
    assertThat(e.reason()).contains(hex.length() + " characters");
  }

  @Test
  void aNullPartFailsNamingIt() {
    assertThatThrownBy(() -> RequestFingerprint.of("a", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("part");
  }

  /**
   * Law: two different lists of parts never share a fingerprint (barring SHA-256 collisions). The
   * parts are well-formed UTF-16 here; UTF-8 encoding replaces a lone surrogate with '?'.
   */
  @Property
  void differentPartListsHaveDifferentFingerprints(
      @ForAll @Size(max = 5)
          List<@StringLength(max = 20) @CharRange(from = 0, to = 0xD7FF) String> first,
      @ForAll @Size(max = 5)
          List<@StringLength(max = 20) @CharRange(from = 0, to = 0xD7FF) String> second) {
    Assume.that(!first.equals(second));

    assertThat(RequestFingerprint.of(first.toArray(String[]::new)))
        .isNotEqualTo(RequestFingerprint.of(second.toArray(String[]::new)));
  }

  /** Law: splitting one text at any point gives a different fingerprint than at another point. */
  @Property
  void splittingATextAtDifferentPointsGivesDifferentFingerprints(
      @ForAll @CharRange(from = 0, to = 0xD7FF) String text, @ForAll int i, @ForAll int j) {
    int at1 = Math.floorMod(i, text.length() + 1);
    int at2 = Math.floorMod(j, text.length() + 1);
    Assume.that(at1 != at2);

    assertThat(RequestFingerprint.of(text.substring(0, at1), text.substring(at1)))
        .isNotEqualTo(RequestFingerprint.of(text.substring(0, at2), text.substring(at2)));
  }
}

package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.order.Email;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PersonalDataSealTest {
  private final SubjectKey key = SubjectKey.random();
  private final SubjectId subject = Trails.subject(1);

  @Test
  void aSealedPayloadOpensWithTheSameKeyAndSubject() {
    String name = "Zoë \"Quote\" O'Brien \\ \u2028 😀";
    String sealed =
        PersonalDataSeal.seal(key, subject, Email.of("z@example.org"), Optional.of(name));

    assertThat(PersonalDataSeal.open(key, subject, sealed))
        .contains(new PersonalDataSeal.Opened(Email.of("z@example.org"), Optional.of(name)));
    assertThat(sealed).doesNotContain("example");
    assertThat(Base64.getDecoder().decode(sealed)).hasSizeGreaterThan(12 + 16);
  }

  @Test
  void aPayloadDoesNotOpenWithAnotherKeyOrWhenChanged() {
    String sealed =
        PersonalDataSeal.seal(key, subject, Email.of("z@example.org"), Optional.empty());
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 1;

    assertThat(PersonalDataSeal.open(SubjectKey.random(), subject, sealed)).isEmpty();
    assertThat(PersonalDataSeal.open(key, subject, Base64.getEncoder().encodeToString(bytes)))
        .isEmpty();
    assertThat(PersonalDataSeal.open(key, subject, "")).isEmpty();
    assertThat(PersonalDataSeal.open(key, subject, "AAAA")).isEmpty();
  }

  @Test
  void theParserReadsFlatStringObjectsAndNothingElse() {
    assertThat(PersonalDataSeal.parseFlatObject(" {\"a\" : \"x\\u00e9\\n\" , \"b\":\"\"} "))
        .isEqualTo(Map.of("a", "xé\n", "b", ""));
    assertThat(PersonalDataSeal.parseFlatObject("{}")).isEqualTo(Map.of());
    for (String bad :
        new String[] {
          "",
          "[]",
          "{\"a\":1}",
          "{\"a\":\"x\"",
          "{\"a\":\"x\",}",
          "{\"a\":\"x\"}x",
          "{\"a\":\"x\",\"a\":\"y\"}",
          "{\"a\":\"\\u00zz\"}",
          "{\"a\":\"\\q\"}",
          "{\"a\":\"\n\"}"
        }) {
      assertThat(PersonalDataSeal.parseFlatObject(bad)).as(bad).isNull();
    }
  }

  @Test
  void subjectKeysNeverPrintAndCompareByValue() {
    byte[] raw = key.bytes();

    assertThat(key).hasToString("SubjectKey[***]");
    assertThat(SubjectKey.of(raw)).isEqualTo(key).hasSameHashCodeAs(key);
    raw[0] ^= 1;
    assertThat(SubjectKey.of(raw)).isNotEqualTo(key);
    assertThat(key.bytes()).isNotSameAs(key.bytes());
  }
}

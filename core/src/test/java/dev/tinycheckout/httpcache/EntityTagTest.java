package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Entity tags as RFC 9110 §8.8.3 defines them. */
class EntityTagTest {

  @Test
  void parsesAStrongTag() {
    assertThat(EntityTag.parse("\"xyzzy\"")).isEqualTo(EntityTag.strong("xyzzy"));
  }

  @Test
  void parsesAWeakTag() {
    EntityTag tag = EntityTag.parse("W/\"xyzzy\"");

    assertThat(tag.weak()).isTrue();
    assertThat(tag.opaque()).isEqualTo("xyzzy");
  }

  @Test
  void parsesTheEmptyTag() {
    assertThat(EntityTag.parse("\"\"")).isEqualTo(EntityTag.strong(""));
  }

  @Test
  void acceptsObsTextAndEveryVisibleCharacterButTheDoubleQuote() {
    String opaque = "!#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~\u0080\u00ff";

    assertThat(EntityTag.parse('"' + opaque + '"').opaque()).isEqualTo(opaque);
  }

  /** RFC 9110 §8.8.3: {@code entity-tag = [ weak ] opaque-tag}, {@code weak = %s"W/"}. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "xyzzy",
        "\"xyzzy",
        "xyzzy\"",
        "\"",
        "",
        "w/\"xyzzy\"",
        "W/xyzzy",
        "W/",
        " \"xyzzy\"",
        "\"xyzzy\" ",
        "\"xy zzy\"",
        "\"xy\"zzy\"",
        "\"a\",\"b\"",
        "\"tab\there\"",
        "\"nul\u0000\"",
        "\"del\u007f\"",
        "\"snow\u2603man\"",
        "*"
      })
  void refusesAnythingOutsideTheGrammarNamingTheETagField(String value) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> EntityTag.parse(value));

    assertThat(e.field()).isEqualTo("ETag");
  }

  @Test
  void refusesAnOpaqueTagWithADoubleQuote() {
    assertThatThrownBy(() -> EntityTag.strong("a\"b"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.reason()).contains("U+0022"));
  }

  @Test
  void writesTheHeaderForm() {
    assertThat(EntityTag.strong("xyzzy")).hasToString("\"xyzzy\"");
    assertThat(EntityTag.weak("xyzzy")).hasToString("W/\"xyzzy\"");
  }

  /** The comparison table of RFC 9110 §8.8.3.2. */
  @ParameterizedTest(name = "{0} vs {1}: strong {2}, weak {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "W/\"1\" | W/\"1\" | false | true",
        "W/\"1\" | W/\"2\" | false | false",
        "W/\"1\" | \"1\"   | false | true",
        "\"1\"   | \"1\"   | true  | true",
      })
  void comparesAsTheTableOfSection8_8_3_2(String a, String b, boolean strong, boolean weak) {
    EntityTag x = EntityTag.parse(a);
    EntityTag y = EntityTag.parse(b);

    assertThat(x.strongMatch(y)).isEqualTo(strong);
    assertThat(y.strongMatch(x)).isEqualTo(strong);
    assertThat(x.weakMatch(y)).isEqualTo(weak);
    assertThat(y.weakMatch(x)).isEqualTo(weak);
  }

  @Test
  void comparesOpaqueTagsCaseSensitively() {
    assertThat(EntityTag.strong("abc").weakMatch(EntityTag.strong("ABC"))).isFalse();
  }

  @Test
  void aVersionTagIsStrongAndChangesWithTheVersion() {
    assertThat(EntityTag.ofVersion(42)).isEqualTo(EntityTag.strong("v42"));
    assertThat(EntityTag.ofVersion(42)).isNotEqualTo(EntityTag.ofVersion(43));
    assertThat(EntityTag.ofVersion(-1).toString()).isEqualTo("\"v-1\"");
  }

  @Test
  void aContentTagIsTheFirst128BitsOfSha256InBase64Url() {
    // SHA-256 of no bytes is e3b0c442 98fc1c14 9afbf4c8 996fb924 ...
    assertThat(EntityTag.ofContent(new byte[0]))
        .isEqualTo(EntityTag.strong("47DEQpj8HBSa-_TImW-5JA"));
  }

  @Test
  void aContentTagChangesWhenOneByteChanges() {
    byte[] body = "{\"price\":100}".getBytes(StandardCharsets.UTF_8);
    byte[] changed = "{\"price\":101}".getBytes(StandardCharsets.UTF_8);

    assertThat(EntityTag.ofContent(body)).isEqualTo(EntityTag.ofContent(body.clone()));
    assertThat(EntityTag.ofContent(body)).isNotEqualTo(EntityTag.ofContent(changed));
    assertThat(EntityTag.ofContent(body).opaque()).hasSize(22).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void nullFailsNamingTheParameter() {
    assertThatThrownBy(() -> EntityTag.parse(null)).hasMessage("value");
    assertThatThrownBy(() -> EntityTag.strong(null)).hasMessage("opaque");
    assertThatThrownBy(() -> EntityTag.ofContent(null)).hasMessage("content");
  }
}

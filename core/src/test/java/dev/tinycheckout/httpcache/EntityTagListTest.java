package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code If-Match} and {@code If-None-Match} field values (RFC 9110 §13.1.1, §13.1.2, §5.6.1). */
class EntityTagListTest {
  private static final EntityTag A = EntityTag.strong("a");
  private static final EntityTag B = EntityTag.weak("b");

  @Test
  void parsesTheWildcard() {
    assertThat(EntityTagList.parse("If-Match", "*")).isEqualTo(EntityTagList.anyTag());
    assertThat(EntityTagList.parse("If-Match", " *\t").any()).isTrue();
  }

  @Test
  void parsesOneTag() {
    assertThat(EntityTagList.parse("If-None-Match", "\"a\"").tags()).containsExactly(A);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"a\",W/\"b\"",
        "\"a\", W/\"b\"",
        "\"a\" ,\tW/\"b\"",
        "  \"a\"  ,  W/\"b\"  ",
        ",\"a\",,W/\"b\",",
        ", ,\"a\" , , W/\"b\" ,"
      })
  void acceptsOptionalWhitespaceAndEmptyElementsAsSection5_6_1Says(String value) {
    assertThat(EntityTagList.parse("If-None-Match", value).tags()).containsExactly(A, B);
  }

  @Test
  void keepsACommaInsideAnOpaqueTag() {
    assertThat(EntityTagList.parse("If-Match", "\"a,b\", \"c\"").tags())
        .containsExactly(EntityTag.strong("a,b"), EntityTag.strong("c"));
  }

  @Test
  void readsAValueWithNoElementsAsAnEmptyList() {
    EntityTagList list = EntityTagList.parse("If-Match", " , ");

    assertThat(list.any()).isFalse();
    assertThat(list.tags()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "\"a\" \"b\"",
        "\"a\";\"b\"",
        "*, \"a\"",
        "\"a\", *",
        "**",
        "\"a",
        "\"a\"x",
        "W/",
        "w/\"a\"",
        "\"a\"\r\n",
        "\"a\u0000\""
      })
  void refusesGarbageNamingTheHeader(String value) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> EntityTagList.parse("If-None-Match", value));

    assertThat(e.field()).isEqualTo("If-None-Match");
  }

  @Test
  void matchesStronglyOrWeaklyAgainstAnyListedTag() {
    EntityTagList list = EntityTagList.of(EntityTag.weak("a"), EntityTag.strong("b"));

    assertThat(list.containsWeakMatch(EntityTag.strong("a"))).isTrue();
    assertThat(list.containsStrongMatch(EntityTag.strong("a"))).isFalse();
    assertThat(list.containsStrongMatch(EntityTag.strong("b"))).isTrue();
    assertThat(list.containsWeakMatch(EntityTag.strong("c"))).isFalse();
  }

  @Test
  void theWildcardListsNoTagToMatch() {
    assertThat(EntityTagList.anyTag().containsWeakMatch(A)).isFalse();
  }

  @Test
  void refusesTheWildcardWithTags() {
    assertThatThrownBy(() -> new EntityTagList(true, List.of(A)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void writesTheHeaderForm() {
    assertThat(EntityTagList.of(A, B)).hasToString("\"a\", W/\"b\"");
    assertThat(EntityTagList.anyTag()).hasToString("*");
  }
}

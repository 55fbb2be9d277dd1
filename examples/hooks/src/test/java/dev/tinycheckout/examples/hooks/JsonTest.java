package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void readsObjectsArraysStringsNumbersLiteralsAndNull() {
    Object value =
        Json.parse(
            " {\"a\":[1,-2.5e1,true,false,null],\"b\":{\"c\":\"x\\\"y\\\\z\\n\\u00e9\\/\"},\"d\":{}} ");

    assertThat(value).isInstanceOf(Map.class);
    assertThat(new java.util.ArrayList<Object>(Json.array(value, "a")))
        .containsExactly(new BigDecimal("1"), new BigDecimal("-2.5e1"), true, false, Json.NULL);
    assertThat(Json.member(value, "b").flatMap(b -> Json.string(b, "c"))).contains("x\"y\\z\né/");
    assertThat(Json.member(value, "d")).contains(Map.of());
    assertThat(Json.string(value, "missing")).isEmpty();
    assertThat(Json.array(value, "b")).isEqualTo(List.of());
  }

  @Test
  void aNullMemberReadsAsAbsent() {
    assertThat(Json.member(Json.parse("{\"email\":null}"), "email")).isEmpty();
  }

  @Test
  void refusesMalformedTextWithTheOffsetButNotTheText() {
    for (String bad :
        List.of(
            "",
            "{",
            "{\"a\":1,}",
            "[1 2]",
            "{\"a\":1} x",
            "01",
            "\"unterminated",
            "{a:1}",
            "tru",
            "\"bad \\x escape\"",
            "1.",
            "-")) {
      assertThatThrownBy(() -> Json.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("malformed JSON at offset ");
    }
  }

  @Test
  void refusesNestingDeeperThanSixtyFourLevels() {
    assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
    assertThat(Json.parse("[".repeat(60) + "]".repeat(60))).isInstanceOf(List.class);
  }
}

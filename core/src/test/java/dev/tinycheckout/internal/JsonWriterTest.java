package dev.tinycheckout.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  private static String string(String value) {
    return new JsonWriter().value(value).toString();
  }

  @Test
  void writesAFlatObjectWithCommasBetweenMembers() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("id")
            .value("o-1")
            .name("quantity")
            .value(2)
            .name("paid")
            .value(true)
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"id\":\"o-1\",\"quantity\":2,\"paid\":true}");
  }

  @Test
  void writesEmptyObjectsAndArrays() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("a")
            .beginArray()
            .endArray()
            .name("o")
            .beginObject()
            .endObject()
            .endObject()
            .toString();

    assertThat(json).isEqualTo("{\"a\":[],\"o\":{}}");
  }

  @Test
  void writesNestedArraysOfObjectsWithCommasBetweenElements() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("items")
            .beginArray()
            .beginObject()
            .name("sku")
            .value("tea")
            .endObject()
            .beginObject()
            .name("sku")
            .value("cup")
            .endObject()
            .endArray()
            .name("total")
            .beginObject()
            .name("amount")
            .value(-5)
            .endObject()
            .endObject()
            .toString();

    assertThat(json)
        .isEqualTo("{\"items\":[{\"sku\":\"tea\"},{\"sku\":\"cup\"}],\"total\":{\"amount\":-5}}");
  }

  @Test
  void writesArraysOfScalarsAndNestedArrays() {
    String json =
        new JsonWriter()
            .beginArray()
            .value(1)
            .value("two")
            .value(false)
            .beginArray()
            .value(Long.MIN_VALUE)
            .endArray()
            .value(Long.MAX_VALUE)
            .endArray()
            .toString();

    assertThat(json).isEqualTo("[1,\"two\",false,[-9223372036854775808],9223372036854775807]");
  }

  @Test
  void escapesQuotesAndBackslashes() {
    assertThat(string("say \"hi\" \\o/")).isEqualTo("\"say \\\"hi\\\" \\\\o/\"");
  }

  @Test
  void escapesCommonControlCharactersWithShortForms() {
    assertThat(string("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
  }

  @Test
  void escapesOtherControlCharactersAsUnicodeEscapes() {
    assertThat(string("\u0000\u0001\u001f")).isEqualTo("\"\\u0000\\u0001\\u001f\"");
  }

  @Test
  void escapesLineAndParagraphSeparatorsForJavaScript() {
    assertThat(string("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
  }

  @Test
  void escapesNamesLikeValues() {
    String json = new JsonWriter().beginObject().name("a\"b").value(1).endObject().toString();

    assertThat(json).isEqualTo("{\"a\\\"b\":1}");
  }

  @Test
  void leavesSlashDeleteAndNonAsciiAsTheyAre() {
    assertThat(string("/\u007fé😀")).isEqualTo("\"/\u007fé😀\"");
  }

  @Test
  void toBytesIsTheDocumentInUtf8() {
    JsonWriter writer = new JsonWriter().value("€");

    assertThat(writer.toBytes()).isEqualTo("\"€\"".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void outputParsesToTheStructureThatWasWritten() {
    String json =
        new JsonWriter()
            .beginObject()
            .name("id")
            .value("o\"1\n")
            .name("lines")
            .beginArray()
            .beginObject()
            .name("q")
            .value(3)
            .endObject()
            .value(true)
            .endArray()
            .endObject()
            .toString();

    Map<String, Object> line = new LinkedHashMap<>();
    line.put("q", 3L);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("id", "o\"1\n");
    expected.put("lines", List.of(line, true));
    assertThat(StrictJson.parse(json)).isEqualTo(expected);
  }

  @Test
  void theTestParserRefusesARawControlCharacterInAString() {
    assertThatThrownBy(() -> StrictJson.parse("\"a\nb\""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Law: every string written as a value is valid JSON that reads back as the same string. (Lone
   * surrogates are included: they are written as they are and survive in the Java string.)
   */
  @Property
  void everyStringRoundTripsThroughAStrictJsonParser(@ForAll String value) {
    String json = string(value);

    assertThat(StrictJson.parse(json)).isEqualTo(value);
  }

  /** Law: the written string never holds a raw control character, U+2028 or U+2029. */
  @Property
  void writtenStringsHoldNoRawControlOrLineSeparatorCharacters(@ForAll String value) {
    assertThat(string(value).chars()).noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029);
  }

  /** Law: names and values of an object read back as written. */
  @Property
  void objectsOfStringsRoundTrip(
      @ForAll @Size(max = 8)
          Map<@StringLength(max = 30) String, @StringLength(max = 30) String> members) {
    JsonWriter writer = new JsonWriter().beginObject();
    members.forEach((k, v) -> writer.name(k).value(v));
    writer.endObject();

    assertThat(StrictJson.parse(writer.toString())).isEqualTo(members);
  }

  /**
   * A strict RFC 8259 parser for the subset the writer produces (objects, arrays, strings,
   * integers, booleans), independent of the writer: it refuses raw control characters in strings,
   * unknown escapes, missing or extra commas and trailing text.
   */
  private static final class StrictJson {
    private final String text;
    private int pos;

    private StrictJson(String text) {
      this.text = text;
    }

    static Object parse(String text) {
      StrictJson parser = new StrictJson(text);
      Object value = parser.value();
      if (parser.pos != text.length()) {
        throw parser.error("trailing text");
      }
      return value;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at " + pos + " in " + text);
    }

    private char peek() {
      if (pos >= text.length()) {
        throw error("unexpected end");
      }
      return text.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected " + c);
      }
      pos++;
    }

    private Object value() {
      char c = peek();
      if (c == '{') {
        return object();
      } else if (c == '[') {
        return array();
      } else if (c == '"') {
        return string();
      } else if (text.startsWith("true", pos)) {
        pos += 4;
        return true;
      } else if (text.startsWith("false", pos)) {
        pos += 5;
        return false;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        return number();
      }
      throw error("unexpected character");
    }

    private Map<String, Object> object() {
      expect('{');
      Map<String, Object> members = new LinkedHashMap<>();
      if (peek() == '}') {
        pos++;
        return members;
      }
      while (true) {
        String name = string();
        expect(':');
        if (members.put(name, value()) != null) {
          throw error("duplicate name");
        }
        if (peek() == ',') {
          pos++;
        } else {
          expect('}');
          return members;
        }
      }
    }

    private List<Object> array() {
      expect('[');
      List<Object> elements = new ArrayList<>();
      if (peek() == ']') {
        pos++;
        return elements;
      }
      while (true) {
        elements.add(value());
        if (peek() == ',') {
          pos++;
        } else {
          expect(']');
          return elements;
        }
      }
    }

    private long number() {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (peek() == '0') {
        pos++;
      } else {
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
          pos++;
        }
      }
      return Long.parseLong(text.substring(start, pos));
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = peek();
        pos++;
        if (c == '"') {
          return out.toString();
        } else if (c < 0x20) {
          throw error("raw control character");
        } else if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = peek();
        pos++;
        switch (e) {
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case '/' -> out.append('/');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("short unicode escape");
            }
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw error("unknown escape");
        }
      }
    }
  }
}

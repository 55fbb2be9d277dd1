package dev.tinycheckout.examples.hooks;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Just enough of a JSON reader (RFC 8259) for the event payloads the email hook reads, so that the
 * module needs no JSON library. Objects become {@link Map}s in document order, arrays {@link
 * List}s, numbers {@link BigDecimal}s, {@code true}/{@code false} {@link Boolean}s and {@code null}
 * {@link #NULL}. Strict: anything else, trailing text included, is refused.
 */
final class Json {
  /** What JSON {@code null} reads as. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Reads one JSON value.
   *
   * @param text the JSON text
   * @return the value
   * @throws IllegalArgumentException if it is not well-formed JSON; the message gives the offset,
   *     never the text
   */
  static Object parse(String text) {
    Json json = new Json(text);
    json.skipSpace();
    Object value = json.value(0);
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("trailing text");
    }
    return value;
  }

  /**
   * The member of an object, if the value is an object that has it and it is not {@code null}.
   *
   * @param value what {@link #parse} returned, or a part of it
   * @param name the member's name
   * @return the member's value
   */
  static Optional<Object> member(Object value, String name) {
    if (value instanceof Map<?, ?> object) {
      Object member = object.get(name);
      if (member != null && member != NULL) {
        return Optional.of(member);
      }
    }
    return Optional.empty();
  }

  /**
   * The member of an object, if it is a string.
   *
   * @param value what {@link #parse} returned, or a part of it
   * @param name the member's name
   * @return the string
   */
  static Optional<String> string(Object value, String name) {
    return member(value, name).filter(String.class::isInstance).map(String.class::cast);
  }

  /**
   * The member of an object, if it is a number.
   *
   * @param value what {@link #parse} returned, or a part of it
   * @param name the member's name
   * @return the number
   */
  static Optional<BigDecimal> number(Object value, String name) {
    return member(value, name).filter(BigDecimal.class::isInstance).map(BigDecimal.class::cast);
  }

  /**
   * The member of an object, if it is an array; otherwise an empty list.
   *
   * @param value what {@link #parse} returned, or a part of it
   * @param name the member's name
   * @return the array's elements
   */
  static List<?> array(Object value, String name) {
    return member(value, name)
        .filter(List.class::isInstance)
        .<List<?>>map(List.class::cast)
        .orElse(List.of());
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", true);
      case 'f' -> literal("false", false);
      case 'n' -> literal("null", NULL);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    pos++; // {
    Map<String, Object> object = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return Collections.unmodifiableMap(object);
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name");
      }
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      object.put(name, value(depth + 1));
      skipSpace();
      char c = next();
      if (c == '}') {
        return Collections.unmodifiableMap(object);
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    pos++; // [
    List<Object> array = new ArrayList<>();
    skipSpace();
    if (peek() == ']') {
      pos++;
      return Collections.unmodifiableList(array);
    }
    while (true) {
      skipSpace();
      array.add(value(depth + 1));
      skipSpace();
      char c = next();
      if (c == ']') {
        return Collections.unmodifiableList(array);
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++; // "
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
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
            throw error("short \\u escape");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(pos++), 16);
            if (digit < 0) {
              throw error("bad \\u escape");
            }
            code = code * 16 + digit;
          }
          out.append((char) code);
        }
        default -> throw error("bad escape");
      }
    }
  }

  private BigDecimal number() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (peek() == '.') {
      pos++;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
    return new BigDecimal(text.substring(start, pos));
  }

  private void digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos == start) {
      throw error("expected a digit");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
    return value;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("malformed JSON at offset " + pos + ": " + what);
  }
}

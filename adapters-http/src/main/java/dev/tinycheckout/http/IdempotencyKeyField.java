package dev.tinycheckout.http;

import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.InvalidIdempotencyKeyException;
import java.util.List;

/**
 * Reads the {@code Idempotency-Key} field. The IETF httpapi draft defines it as a Structured Fields
 * string ({@code "abc"}, RFC 9651 section 3.3.3); many clients send the bare token ({@code abc}),
 * and the contract takes both as the same key.
 */
final class IdempotencyKeyField {
  static final String NAME = "Idempotency-Key";

  private IdempotencyKeyField() {}

  /**
   * The key's value.
   *
   * @throws InvalidIdempotencyKeyException if the field is repeated, not a well-formed string, or
   *     the value breaks the key rules (1-255 printable ASCII)
   */
  static IdempotencyKey parse(List<String> lines) {
    if (lines.size() != 1) {
      throw new InvalidIdempotencyKeyException(
          "send exactly one Idempotency-Key field, but there were " + lines.size());
    }
    String raw = trimOws(lines.get(0));
    String value = raw.startsWith("\"") ? sfString(raw) : raw;
    return IdempotencyKey.of(value);
  }

  private static String trimOws(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }

  /** RFC 9651 section 4.2.5: DQUOTE *( unescaped / "\" ( DQUOTE / "\" ) ) DQUOTE, nothing after. */
  private static String sfString(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    int i = 1;
    while (i < raw.length()) {
      char c = raw.charAt(i++);
      if (c == '\\') {
        if (i == raw.length()) {
          throw malformed("ends inside an escape");
        }
        char next = raw.charAt(i++);
        if (next != '"' && next != '\\') {
          throw malformed("escapes a character other than \" or \\");
        }
        out.append(next);
      } else if (c == '"') {
        if (i != raw.length()) {
          throw malformed("has text after the closing quote");
        }
        return out.toString();
      } else if (c < 0x20 || c > 0x7e) {
        throw malformed("holds a character outside printable ASCII");
      } else {
        out.append(c);
      }
    }
    throw malformed("has no closing quote");
  }

  private static InvalidIdempotencyKeyException malformed(String why) {
    return new InvalidIdempotencyKeyException(
        "the Idempotency-Key looks like a Structured Fields string but " + why);
  }
}

package dev.tinycheckout.internal;

import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming JSON writer for the fixed shapes core renders (orders, problems, events), so
 * that core needs no JSON library. Not part of the API: it may change without notice.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder(256);
  private boolean needComma;

  /** Starts an empty document. */
  public JsonWriter() {}

  /** Writes <code>{</code>. @return this */
  public JsonWriter beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  /** Writes <code>}</code>. @return this */
  public JsonWriter endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  /** Writes {@code [}. @return this */
  public JsonWriter beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  /** Writes {@code ]}. @return this */
  public JsonWriter endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  /**
   * Writes a member name.
   *
   * @param name the name
   * @return this
   */
  public JsonWriter name(String name) {
    comma();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  /**
   * Writes a string value.
   *
   * @param value the value
   * @return this
   */
  public JsonWriter value(String value) {
    comma();
    quote(value);
    needComma = true;
    return this;
  }

  /**
   * Writes a number value.
   *
   * @param value the value
   * @return this
   */
  public JsonWriter value(long value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /**
   * Writes a boolean value.
   *
   * @param value the value
   * @return this
   */
  public JsonWriter value(boolean value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** Returns the document as UTF-8 bytes. @return the bytes */
  public byte[] toBytes() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}

package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An entity tag (RFC 9110 §8.8.3): the opaque validator of one representation, as sent in {@code
 * ETag} and compared against {@code If-Match} and {@code If-None-Match}.
 *
 * <p>The opaque tag is the text between the double quotes; it holds 0 or more of {@code !}, {@code
 * #} to {@code ~} and obs-text (U+0080 to U+00FF, as an HTTP server decodes header bytes in ISO
 * 8859-1), so no space, no double quote and no control character. A weak tag ({@code W/"..."}) only
 * promises semantically equivalent content; a strong one promises identical bytes.
 *
 * <p>{@link #toString()} is the header form, and {@link #parse(String)} reads it back: {@code
 * EntityTag.parse(tag.toString()).equals(tag)} for every tag. Immutable and thread-safe.
 *
 * @param opaque the opaque tag, without quotes and without the {@code W/} prefix
 * @param weak whether the tag is weak
 */
public record EntityTag(String opaque, boolean weak) {
  private static final String FIELD = "ETag";

  /** Bytes of SHA-256 kept by {@link #ofContent(byte[])}: 128 bits, 22 base64url characters. */
  private static final int CONTENT_HASH_BYTES = 16;

  /**
   * Validates the opaque tag.
   *
   * @param opaque the opaque tag, without quotes and without the {@code W/} prefix
   * @param weak whether the tag is weak
   * @throws ValidationException with field {@code ETag} if the opaque tag holds a character outside
   *     etagc (a space, a double quote, a control character, anything above U+00FF)
   */
  public EntityTag {
    Objects.requireNonNull(opaque, "opaque");
    for (int i = 0; i < opaque.length(); i++) {
      if (!isEtagc(opaque.charAt(i))) {
        throw new ValidationException(
            FIELD,
            "the opaque tag may hold only '!', '#' to '~' and U+0080 to U+00FF, but has U+"
                + String.format("%04X", (int) opaque.charAt(i))
                + " at index "
                + i
                + " in '"
                + HeaderText.printable(opaque)
                + "'");
      }
    }
  }

  /**
   * A strong tag.
   *
   * @param opaque the opaque tag, without quotes
   * @return the strong tag {@code "opaque"}
   * @throws ValidationException if the opaque tag holds a character outside etagc
   */
  public static EntityTag strong(String opaque) {
    return new EntityTag(opaque, false);
  }

  /**
   * A weak tag.
   *
   * @param opaque the opaque tag, without quotes
   * @return the weak tag {@code W/"opaque"}
   * @throws ValidationException if the opaque tag holds a character outside etagc
   */
  public static EntityTag weak(String opaque) {
    return new EntityTag(opaque, true);
  }

  /**
   * A strong tag from a version number that changes whenever the representation changes, such as a
   * row version incremented by every update.
   *
   * <p>The tag is {@code "v"} followed by the decimal version, so equal versions give equal tags
   * and different versions different tags. Use it only if every change of the representation's
   * bytes (price, stock, name, but also the serialization) changes the version; otherwise use
   * {@link #ofContent(byte[])}.
   *
   * @param version the resource's version, any {@code long}
   * @return a strong tag such as {@code "v42"}
   */
  public static EntityTag ofVersion(long version) {
    return new EntityTag("v" + version, false);
  }

  /**
   * A strong tag from the exact bytes of a representation: the first 128 bits of their SHA-256, in
   * unpadded base64url (22 characters).
   *
   * <p>Equal bytes always give equal tags; different bytes give different tags except with
   * probability about 2<sup>-128</sup> per pair. The bytes are not retained.
   *
   * @param content the representation's bytes, exactly as sent in the body
   * @return a strong tag such as {@code "47DEQpj8HBSa-_TImW-5JA"} for no bytes at all
   */
  public static EntityTag ofContent(byte[] content) {
    Objects.requireNonNull(content, "content");
    byte[] hash = sha256().digest(content);
    return new EntityTag(
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(Arrays.copyOf(hash, CONTENT_HASH_BYTES)),
        false);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must support SHA-256 (MessageDigest's Javadoc).
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * Parses one entity tag in the strict grammar of RFC 9110 §8.8.3: {@code [ "W/" ] DQUOTE *etagc
   * DQUOTE}, with nothing before or after it (an HTTP server has already removed the whitespace
   * around a field value).
   *
   * @param value the header form, such as {@code "xyzzy"} or {@code W/"xyzzy"}
   * @return the tag
   * @throws ValidationException with field {@code ETag} if the value breaks the grammar (a missing
   *     quote, a lower-case {@code w/}, surrounding whitespace, a bad character)
   */
  public static EntityTag parse(String value) {
    Objects.requireNonNull(value, "value");
    return parse(value, FIELD);
  }

  /** Parses one tag, naming {@code field} in the failure. */
  static EntityTag parse(String value, String field) {
    boolean weak = value.startsWith("W/");
    int open = weak ? 2 : 0;
    if (value.length() < open + 2
        || value.charAt(open) != '"'
        || value.charAt(value.length() - 1) != '"') {
      throw new ValidationException(
          field,
          "must be an entity tag such as \"xyzzy\" or W/\"xyzzy\" (RFC 9110 section 8.8.3),"
              + " but was '"
              + HeaderText.printable(value)
              + "'");
    }
    String opaque = value.substring(open + 1, value.length() - 1);
    for (int i = 0; i < opaque.length(); i++) {
      if (!isEtagc(opaque.charAt(i))) {
        throw new ValidationException(
            field,
            "an entity tag may hold only '!', '#' to '~' and U+0080 to U+00FF between its quotes,"
                + " but was '"
                + HeaderText.printable(value)
                + "'");
      }
    }
    return new EntityTag(opaque, weak);
  }

  /** etagc = %x21 / %x23-7E / obs-text, where obs-text = %x80-FF. */
  static boolean isEtagc(char c) {
    return c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
  }

  /**
   * The strong comparison of RFC 9110 §8.8.3.2: both tags are strong and their opaque tags are
   * identical, character by character. Used by {@code If-Match}.
   *
   * @param other the tag to compare with
   * @return whether the two tags match strongly
   */
  public boolean strongMatch(EntityTag other) {
    Objects.requireNonNull(other, "other");
    return !weak && !other.weak && opaque.equals(other.opaque);
  }

  /**
   * The weak comparison of RFC 9110 §8.8.3.2: the opaque tags are identical, whether either tag is
   * weak or not. Used by {@code If-None-Match}.
   *
   * @param other the tag to compare with
   * @return whether the two tags match weakly
   */
  public boolean weakMatch(EntityTag other) {
    Objects.requireNonNull(other, "other");
    return opaque.equals(other.opaque);
  }

  /**
   * The header form, for an {@code ETag} field value.
   *
   * @return {@code "opaque"} for a strong tag, {@code W/"opaque"} for a weak one
   */
  @Override
  public String toString() {
    return (weak ? "W/\"" : "\"") + opaque + '"';
  }
}

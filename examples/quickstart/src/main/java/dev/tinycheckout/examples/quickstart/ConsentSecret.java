package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.consent.ConsentAudit;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The consent trail's subject secret, which keys the customers' pseudonyms ({@link
 * ConsentAudit.Builder#subjectSecret}). Written as text: hex (such as {@code openssl rand -hex 32}
 * prints) or base64 ({@code openssl rand -base64 32}), at least {@value #MIN_BYTES} bytes. Its
 * {@link #toString()}, and every message about a bad one, never shows the value. Immutable.
 */
final class ConsentSecret {
  /** The fewest bytes a secret may have. */
  static final int MIN_BYTES = ConsentAudit.MIN_SECRET_BYTES;

  /** What a good value looks like, for messages. */
  static final String EXPECTED =
      "at least "
          + MIN_BYTES
          + " bytes as hex or base64 text, such as 'openssl rand -hex "
          + MIN_BYTES
          + "' prints";

  private final byte[] bytes;

  private ConsentSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Reads a secret from its text form. ASCII whitespace anywhere is ignored (so a line-wrapped
   * value works); a value of hex digits only is hex, anything else base64 (standard or URL-safe,
   * padding optional).
   *
   * @param source where the text came from, for the message, such as {@code environment variable
   *     TINYCHECKOUT_CONSENT_SECRET}
   * @param text the text
   * @return the secret
   * @throws UsageException if the text is neither hex nor base64, or holds fewer than {@value
   *     #MIN_BYTES} bytes; the message names the source and never contains the text
   */
  static ConsentSecret parse(String source, String text) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(text, "text");
    String compact = text.replaceAll("[ \\t\\r\\n\\f]", "");
    byte[] decoded;
    if (!compact.isEmpty() && compact.chars().allMatch(ConsentSecret::isHexDigit)) {
      if (compact.length() % 2 != 0) {
        throw new UsageException(
            source + " must be " + EXPECTED + ", but has an odd number of hex digits");
      }
      decoded = HexFormat.of().parseHex(compact);
    } else {
      decoded = base64(compact);
      if (decoded == null) {
        throw new UsageException(
            source + " must be " + EXPECTED + ", but is neither hex nor base64 (value not shown)");
      }
    }
    if (decoded.length < MIN_BYTES) {
      throw new UsageException(
          source + " must be " + EXPECTED + ", but holds only " + decoded.length + " bytes");
    }
    return new ConsentSecret(decoded);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static byte @Nullable [] base64(String text) {
    for (Base64.Decoder decoder :
        new Base64.Decoder[] {Base64.getDecoder(), Base64.getUrlDecoder()}) {
      try {
        return decoder.decode(text);
      } catch (IllegalArgumentException e) {
        // try the next alphabet
      }
    }
    return null;
  }

  /**
   * A new secret of {@value #MIN_BYTES} bytes.
   *
   * @param random the randomness, such as a {@link SecureRandom}
   * @return the secret
   */
  static ConsentSecret generate(SecureRandom random) {
    byte[] bytes = new byte[MIN_BYTES];
    random.nextBytes(bytes);
    return new ConsentSecret(bytes);
  }

  /** The secret's bytes, a new array each time. */
  byte[] bytes() {
    return bytes.clone();
  }

  /** The text form this class writes: lower-case hex and a line feed. */
  String toHexLine() {
    return HexFormat.of().formatHex(bytes) + "\n";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConsentSecret other && MessageDigest.isEqual(bytes, other.bytes);
  }

  /** The length only: a hash of the bytes would tell something about them. */
  @Override
  public int hashCode() {
    return bytes.length;
  }

  /** Says how long it is, never what it is. */
  @Override
  public String toString() {
    return "ConsentSecret[" + bytes.length + " bytes]";
  }
}

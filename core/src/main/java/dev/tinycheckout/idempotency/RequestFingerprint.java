package dev.tinycheckout.idempotency;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The SHA-256 digest of a request's canonical form. A key that comes back with another fingerprint
 * is a reused key (a mismatch), never a replay. Immutable.
 *
 * @param hex 64 lower-case hexadecimal digits
 */
public record RequestFingerprint(String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /**
   * Validates the digest text.
   *
   * @param hex 64 lower-case hexadecimal digits
   * @throws ValidationException with field {@code fingerprint} unless 64 lower-case hex digits
   */
  public RequestFingerprint {
    Objects.requireNonNull(hex, "hex");
    if (!HEX.matcher(hex).matches()) {
      throw new ValidationException(
          "fingerprint",
          "must be 64 lower-case hex digits (SHA-256), but had " + hex.length() + " characters");
    }
  }

  /**
   * The fingerprint of a sequence of parts, such as the method, the route and the canonical body.
   * Each part is length-prefixed before hashing, so {@code ("ab", "c")} and {@code ("a", "bc")}
   * differ.
   *
   * @param parts the canonical parts, in a fixed order
   * @return the SHA-256 of the encoded parts
   */
  public static RequestFingerprint of(String... parts) {
    Objects.requireNonNull(parts, "parts");
    MessageDigest digest = sha256();
    for (String part : parts) {
      byte[] bytes = Objects.requireNonNull(part, "part").getBytes(StandardCharsets.UTF_8);
      digest.update(
          new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
            (byte) (bytes.length >>> 8), (byte) bytes.length
          });
      digest.update(bytes);
    }
    return new RequestFingerprint(HexFormat.of().formatHex(digest.digest()));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}

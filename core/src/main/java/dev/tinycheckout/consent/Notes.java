package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The shared rules of the C2SP signed-note and tlog-checkpoint text formats, and Ed25519 through
 * the JDK. Stateless; every method is thread-safe.
 *
 * <p>The accepted alphabet is deliberately narrower than the specifications allow: key names and
 * origins are 1 to 255 visible ASCII characters without {@code +}, and the only character outside
 * printable ASCII that a note may contain is the em dash that starts its signature line. That
 * leaves no room for look-alike characters, invisible characters or line separators other than
 * {@code \n}.
 */
final class Notes {
  /** Longest signed checkpoint accepted: two names of 255 characters and the rest fit easily. */
  static final int MAX_NOTE_LENGTH = 1024;

  /** Longest verifier key accepted. */
  static final int MAX_VERIFIER_KEY_LENGTH = 512;

  /** Longest key name or origin. */
  static final int MAX_NAME_LENGTH = 255;

  /** Starts a signature line, followed by a space. */
  static final char EM_DASH = '\u2014';

  /** The signed-note signature type of Ed25519. */
  static final byte ED25519_TYPE = 0x01;

  /** Bytes in an Ed25519 public key and in a signature, RFC 8032. */
  static final int ED25519_KEY_LENGTH = 32;

  static final int ED25519_SIGNATURE_LENGTH = 64;

  /** DER of an X.509 SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), up to the key. */
  private static final byte[] ED25519_SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private Notes() {}

  /** Whether a key name or origin is 1 to 255 visible ASCII characters other than {@code +}. */
  static boolean isValidName(String name) {
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '+') {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a key name or origin given by the caller.
   *
   * @throws ValidationException naming the field if it is not a valid name
   */
  static String requireName(String field, String name) {
    if (!isValidName(name)) {
      throw new ValidationException(
          field,
          "must be 1 to "
              + MAX_NAME_LENGTH
              + " visible ASCII characters without '+', such as 'shop.example/consent'");
    }
    return name;
  }

  /**
   * Checks the characters of a whole note before it is split: at most {@link #MAX_NOTE_LENGTH}
   * characters, printable ASCII, newlines and em dashes only, ending in a newline.
   */
  static void checkNoteCharacters(String text) {
    if (text.length() > MAX_NOTE_LENGTH) {
      throw malformed(
          "a signed checkpoint has at most " + MAX_NOTE_LENGTH + " characters; this one is longer");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        throw malformed("lines end in \\n alone; a carriage return was found at " + i);
      }
      if (c != '\n' && c != EM_DASH && (c < 0x20 || c >= 0x7f)) {
        throw malformed(
            String.format(
                "character U+%04X at %d is not allowed; only printable ASCII, \\n and the em dash"
                    + " of the signature line are",
                (int) c, i));
      }
    }
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      throw malformed("a signed note ends with a newline");
    }
  }

  /**
   * Decodes standard base64 (RFC 4648 §4, padded) of exactly {@code length} bytes, accepting only
   * the one canonical encoding.
   */
  static byte[] base64(String text, int length, String what) {
    int chars = (length + 2) / 3 * 4;
    if (text.length() != chars) {
      throw malformed(
          what
              + " must be "
              + chars
              + " base64 characters ("
              + length
              + " bytes), not "
              + text.length());
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(what + " is not valid base64");
    }
    if (bytes.length != length || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw malformed(what + " is not the canonical base64 of " + length + " bytes");
    }
    return bytes;
  }

  /** A tree size line: ASCII decimal digits, no sign, no leading zero, within a long. */
  static long parseSize(String line) {
    if (line.isEmpty() || line.length() > 19) {
      throw malformed("the tree size must be 1 to 19 decimal digits");
    }
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed("the tree size must be ASCII decimal digits only");
      }
    }
    if (line.length() > 1 && line.charAt(0) == '0') {
      throw malformed("the tree size must have no leading zero");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw malformed("the tree size is larger than " + Long.MAX_VALUE);
    }
  }

  /** Hex hashes from a proof in text form. */
  static List<ConsentHash> hashesFromHex(List<String> hexes) {
    List<ConsentHash> hashes = new ArrayList<>(hexes.size());
    for (int i = 0; i < hexes.size(); i++) {
      String hex = hexes.get(i);
      if (hex == null) {
        throw malformed("path[" + i + "] is missing");
      }
      try {
        hashes.add(ConsentHash.fromHex(hex));
      } catch (ValidationException e) {
        throw new ConsentProofException(Reason.MALFORMED, "path[" + i + "] " + e.reason(), e);
      }
    }
    return hashes;
  }

  /** The signed-note key id: {@code SHA-256(name || 0x0A || 0x01 || key)[:4]}, big-endian. */
  static int keyId(String name, byte[] rawPublicKey) {
    MessageDigest md = ConsentHash.digest();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) '\n');
    md.update(ED25519_TYPE);
    md.update(rawPublicKey);
    return ByteBuffer.wrap(md.digest()).getInt();
  }

  /** A key id as 8 lower-case hex digits, as in a verifier key. */
  static String hex(int keyId) {
    return HexFormat.of().toHexDigits(keyId);
  }

  /** The signed-note verifier key: {@code <name>+<key id>+<base64(0x01 || public key)>}. */
  static String verifierKey(String name, int keyId, byte[] rawPublicKey) {
    byte[] typed = new byte[1 + rawPublicKey.length];
    typed[0] = ED25519_TYPE;
    System.arraycopy(rawPublicKey, 0, typed, 1, rawPublicKey.length);
    return name + '+' + hex(keyId) + '+' + Base64.getEncoder().encodeToString(typed);
  }

  /** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
  static byte[] rawPublicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null
        || encoded.length != ED25519_SPKI_PREFIX.length + ED25519_KEY_LENGTH
        || !Arrays.equals(
            encoded,
            0,
            ED25519_SPKI_PREFIX.length,
            ED25519_SPKI_PREFIX,
            0,
            ED25519_SPKI_PREFIX.length)) {
      throw new ValidationException("publicKey", "must be an Ed25519 public key");
    }
    return Arrays.copyOfRange(encoded, ED25519_SPKI_PREFIX.length, encoded.length);
  }

  /**
   * An Ed25519 public key from its 32-byte encoding.
   *
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if the JDK refuses it, as it
   *     does a point that is not on the curve
   */
  static PublicKey publicKey(byte[] raw) {
    byte[] encoded = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, encoded, ED25519_SPKI_PREFIX.length, raw.length);
    try {
      PublicKey key =
          KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
      // The JDK decodes the point only here: a key off the curve fails now, not at each verify.
      Signature.getInstance("Ed25519").initVerify(key);
      return key;
    } catch (GeneralSecurityException | ProviderException | IllegalArgumentException e) {
      throw new ConsentProofException(Reason.MALFORMED, "not a usable Ed25519 public key", e);
    }
  }

  /** Whether an Ed25519 signature verifies; false for any signature the JDK cannot even read. */
  static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException
        | InvalidKeyException
        | ProviderException
        | IllegalArgumentException
        | ArithmeticException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "this Java platform has no Ed25519 (Java 15 or later has)", e);
    }
  }

  static ConsentProofException malformed(String detail) {
    return new ConsentProofException(Reason.MALFORMED, detail);
  }
}

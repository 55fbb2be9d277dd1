package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A SHA-256 value of the consent audit trail: an entry's hash, the link to the previous entry, the
 * hash of a terms text, a Merkle tree node or root. Immutable; compares by value; prints as 64
 * lower-case hex digits.
 */
public final class ConsentHash {
  /** Bytes in a SHA-256 value. */
  public static final int LENGTH = 32;

  /** Thirty-two zero bytes: the previous hash of the first entry of a trail. */
  public static final ConsentHash ZERO = new ConsentHash(new byte[LENGTH]);

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private ConsentHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps 32 bytes (copied).
   *
   * @param bytes exactly 32 bytes
   * @return the hash
   * @throws ValidationException with field {@code hash} if the length is not 32
   */
  public static ConsentHash of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new ValidationException(
          "hash", "must be " + LENGTH + " bytes, but was " + bytes.length);
    }
    return new ConsentHash(bytes.clone());
  }

  /**
   * Parses 64 hex digits, either case.
   *
   * @param hex the digits
   * @return the hash
   * @throws ValidationException with field {@code hash} if it is not 64 hex digits
   */
  public static ConsentHash fromHex(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * LENGTH) {
      throw new ValidationException(
          "hash", "must be " + 2 * LENGTH + " hex digits, but had " + hex.length() + " characters");
    }
    try {
      return new ConsentHash(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("hash", "must be hex digits only");
    }
  }

  /**
   * The SHA-256 of some bytes.
   *
   * @param data the bytes
   * @return their hash
   */
  public static ConsentHash sha256(byte[] data) {
    Objects.requireNonNull(data, "data");
    return new ConsentHash(digest().digest(data));
  }

  /**
   * A fresh SHA-256 digest.
   *
   * @return a new {@link MessageDigest}; not thread-safe
   */
  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The 32 bytes.
   *
   * @return a copy
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * Writes the 32 bytes into a digest without copying.
   *
   * @param digest the digest to update
   */
  void updateDigest(MessageDigest digest) {
    digest.update(bytes);
  }

  /**
   * The 64 lower-case hex digits.
   *
   * @return the hex form
   */
  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConsentHash h && MessageDigest.isEqual(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Returns the hex form. */
  @Override
  public String toString() {
    return hex();
  }
}

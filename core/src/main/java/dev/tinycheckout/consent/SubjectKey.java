package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The AES-256 key that seals one data subject's personal data (email, name) in the consent trail.
 * Deleting it ({@link ConsentLog#eraseSubjectKey}) is how the trail forgets a person: the sealed
 * bytes stay, so every hash still verifies, but nobody can read them any more.
 *
 * <p>Immutable; compares by value in constant time. {@link #toString()} never shows the key.
 */
public final class SubjectKey {
  /** Bytes in a key: 32 (AES-256). */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private SubjectKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps 32 key bytes (copied), such as those a store read back.
   *
   * @param bytes exactly 32 bytes
   * @return the key
   * @throws ValidationException with field {@code subjectKey} if the length is not 32
   */
  public static SubjectKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new ValidationException(
          "subjectKey", "must be " + LENGTH + " bytes, but was " + bytes.length);
    }
    return new SubjectKey(bytes.clone());
  }

  /**
   * A fresh key from a shared {@link SecureRandom}.
   *
   * @return a new random key
   */
  public static SubjectKey random() {
    byte[] b = new byte[LENGTH];
    RANDOM.nextBytes(b);
    return new SubjectKey(b);
  }

  /**
   * The key bytes, for a store to persist.
   *
   * @return a copy of the 32 bytes
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bytes without copying, for the sealing code of this package. */
  byte[] rawBytes() {
    return bytes;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SubjectKey k && MessageDigest.isEqual(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Returns {@code SubjectKey[***]}: the key never appears in a log. */
  @Override
  public String toString() {
    return "SubjectKey[***]";
  }
}

package dev.tinycheckout.idempotency;

import java.util.Objects;

/**
 * An idempotency key as a client sends it (the {@code Idempotency-Key} header of the IETF httpapi
 * draft, Stripe's idempotency key), within an optional scope.
 *
 * <p>The key is 1 to {@value #MAX_LENGTH} printable ASCII characters (U+0020 to U+007E). The scope
 * names who sent it, such as an API client or a tenant; records are kept per (scope, key), so one
 * client can never be answered with another client's stored response even if both pick the same
 * key. The empty scope is the shared, unscoped space. Immutable.
 *
 * @param scope 0 to {@value #MAX_LENGTH} printable ASCII characters; empty for no scope
 * @param value the key, 1 to {@value #MAX_LENGTH} printable ASCII characters
 */
public record IdempotencyKey(String scope, String value) {
  /** The longest key or scope accepted. */
  public static final int MAX_LENGTH = 255;

  /**
   * Validates scope and key.
   *
   * @param scope 0 to {@value #MAX_LENGTH} printable ASCII characters; empty for no scope
   * @param value the key, 1 to {@value #MAX_LENGTH} printable ASCII characters
   * @throws InvalidIdempotencyKeyException if either is too long, the key is empty, or either holds
   *     a character outside printable ASCII (such as CR, LF or a non-ASCII letter)
   */
  public IdempotencyKey {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new InvalidIdempotencyKeyException("must not be empty");
    }
    check(value, "key");
    check(scope, "scope");
  }

  private static void check(String s, String what) {
    if (s.length() > MAX_LENGTH) {
      throw new InvalidIdempotencyKeyException(
          what + " must be at most " + MAX_LENGTH + " characters, but had " + s.length());
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new InvalidIdempotencyKeyException(
            what
                + " must be printable ASCII, but has U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i);
      }
    }
  }

  /**
   * An unscoped key.
   *
   * @param value the key
   * @return the key in the empty scope
   * @throws InvalidIdempotencyKeyException if the key is not 1 to 255 printable ASCII characters
   */
  public static IdempotencyKey of(String value) {
    return new IdempotencyKey("", value);
  }

  /**
   * A key within a scope.
   *
   * @param scope who sent the key, such as an API client id
   * @param value the key
   * @return the scoped key
   * @throws InvalidIdempotencyKeyException if the key or scope is not valid
   */
  public static IdempotencyKey scoped(String scope, String value) {
    return new IdempotencyKey(scope, value);
  }

  /** Returns a short fingerprint of scope and key, safe for logs; never the raw key. */
  @Override
  public String toString() {
    return "IdempotencyKey[" + RequestFingerprint.of(scope, value).hex().substring(0, 16) + "]";
  }
}

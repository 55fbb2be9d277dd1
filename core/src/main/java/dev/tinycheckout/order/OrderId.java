package dev.tinycheckout.order;

import dev.tinycheckout.ValidationException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The identifier of an order: a UUID version 7 (RFC 9562). Its first 48 bits are the creation time
 * in milliseconds, so ids sort by time and index well; its other 74 bits come from a {@link
 * SecureRandom}, so an id cannot be guessed from another one, which matters because an order id
 * appears in URLs ({@code /orders/{id}}). Immutable.
 *
 * @param value the UUID, of version 7 and the RFC 9562 variant
 */
public record OrderId(UUID value) implements Comparable<OrderId> {
  private static final RandomGenerator RANDOM = new SecureRandom();

  /**
   * Validates the UUID.
   *
   * @param value the UUID, of version 7 and the RFC 9562 variant
   * @throws ValidationException with field {@code orderId} if it is not a version 7 UUID
   */
  public OrderId {
    Objects.requireNonNull(value, "value");
    if (value.version() != 7 || value.variant() != 2) {
      throw new ValidationException(
          "orderId", "must be a UUID of version 7 (RFC 9562), but was " + value);
    }
  }

  /**
   * A new id for the current time of the clock, with random bits from a shared {@link
   * SecureRandom}.
   *
   * @param clock the time source
   * @return a fresh id
   */
  public static OrderId generate(Clock clock) {
    return generate(clock, RANDOM);
  }

  /**
   * A new id for the current time of the clock, with random bits from the given generator.
   * Production code uses {@link #generate(Clock)}; a seeded generator makes tests reproducible.
   *
   * @param clock the time source
   * @param random the source of the 74 random bits
   * @return a fresh id
   */
  public static OrderId generate(Clock clock, RandomGenerator random) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    long millis = clock.millis();
    if (millis < 0 || millis >= (1L << 48)) {
      throw new ValidationException("clock", "time out of the UUIDv7 range: " + millis + " ms");
    }
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new OrderId(new UUID(msb, lsb));
  }

  /**
   * Parses the canonical text form, such as {@code 01936f0e-...}.
   *
   * @param text the UUID text
   * @return the id
   * @throws ValidationException with field {@code orderId} if the text is not a version 7 UUID
   */
  public static OrderId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() != 36) {
      throw new ValidationException(
          "orderId", "must be a 36-character UUID, but had " + text.length());
    }
    UUID uuid;
    try {
      uuid = UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("orderId", "must be a UUID, but was not");
    }
    if (!uuid.toString().equalsIgnoreCase(text)) {
      throw new ValidationException("orderId", "must be a UUID in canonical form");
    }
    return new OrderId(uuid);
  }

  /**
   * The creation time encoded in the id, in milliseconds since the epoch.
   *
   * @return the timestamp
   */
  public long timestampMillis() {
    return value.getMostSignificantBits() >>> 16;
  }

  @Override
  public int compareTo(OrderId other) {
    int byTime =
        Long.compareUnsigned(value.getMostSignificantBits(), other.value.getMostSignificantBits());
    return byTime != 0
        ? byTime
        : Long.compareUnsigned(
            value.getLeastSignificantBits(), other.value.getLeastSignificantBits());
  }

  /** Returns the canonical lower-case UUID text. */
  @Override
  public String toString() {
    return value.toString();
  }
}

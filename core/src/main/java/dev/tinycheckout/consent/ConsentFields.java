package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/** The validation rules of the consent value types, in one place. */
final class ConsentFields {
  /** The most characters of a sealed personal payload (base64). */
  static final int MAX_SEALED_LENGTH = 4096;

  /** The longest name accepted, in UTF-16 code units. */
  static final int MAX_NAME_LENGTH = 200;

  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final Pattern CHANNEL = Pattern.compile("[a-z0-9-]{1,32}");
  private static final Pattern BASE64 =
      Pattern.compile("([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");

  private ConsentFields() {}

  static String channel(String channel) {
    Objects.requireNonNull(channel, "channel");
    if (!CHANNEL.matcher(channel).matches()) {
      throw new ValidationException(
          "channel",
          "must be 1-32 characters of a-z, 0-9 and '-', such as 'checkout', but was '"
              + printable(channel)
              + "'");
    }
    return channel;
  }

  static Instant recordedAt(Instant recordedAt) {
    Objects.requireNonNull(recordedAt, "recordedAt");
    if (recordedAt.isBefore(EARLIEST) || recordedAt.isAfter(LATEST)) {
      throw new ValidationException(
          "recordedAt", "must be within the years 1 to 9999, but was " + recordedAt);
    }
    if (!recordedAt.truncatedTo(ChronoUnit.MICROS).equals(recordedAt)) {
      throw new ValidationException(
          "recordedAt",
          "must have at most microsecond precision (the trail keeps microseconds), but was "
              + recordedAt);
    }
    return recordedAt;
  }

  static String sealed(String sealed) {
    Objects.requireNonNull(sealed, "sealedPersonalData");
    if (sealed.length() > MAX_SEALED_LENGTH || !BASE64.matcher(sealed).matches()) {
      throw new ValidationException(
          "sealedPersonalData",
          "must be empty or padded base64 of at most "
              + MAX_SEALED_LENGTH
              + " characters, but had "
              + sealed.length()
              + " characters");
    }
    return sealed;
  }

  static String name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new ValidationException(
          "name",
          "must be 1-"
              + MAX_NAME_LENGTH
              + " characters and not blank, but had "
              + name.length()
              + " characters");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new ValidationException("name", "must not contain control characters");
    }
    if (name.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE)) {
      throw new ValidationException("name", "must be valid Unicode text");
    }
    return name;
  }

  static long sequence(long sequence) {
    if (sequence < 1) {
      throw new ValidationException("sequence", "must be at least 1, but was " + sequence);
    }
    return sequence;
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}

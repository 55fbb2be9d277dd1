package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/**
 * A checkpoint of the plain hash chain: the sequence number and hash of the trail's last entry.
 * Because every entry commits to all entries before it, a head kept somewhere the database's
 * writers cannot reach (an email to the shop itself, a notary, a transparency log) later proves
 * that the first {@code sequence} entries were neither changed nor removed: {@link
 * ConsentAudit#verify(ConsentHead)} reports {@link ChainBreak.Reason#TRUNCATED} or {@link
 * ChainBreak.Reason#REWRITTEN} otherwise. Immutable.
 *
 * <p>The text form ({@link #toText()}, {@link #parse}) is one line, such as {@code
 * tinycheckout-consent-head-v1:42:9f86d0...}: the prefix {@value #TEXT_PREFIX}, the sequence in
 * decimal, a colon, and the hash as 64 lower-case hex digits.
 *
 * @param sequence the last entry's sequence number; 0 for an empty trail
 * @param hash the last entry's hash; {@link ConsentHash#ZERO} for an empty trail
 */
public record ConsentHead(long sequence, ConsentHash hash) {
  /** The head of an empty trail: sequence 0, hash {@link ConsentHash#ZERO}. */
  public static final ConsentHead EMPTY = new ConsentHead(0, ConsentHash.ZERO);

  /** What the text form starts with, before the sequence. */
  public static final String TEXT_PREFIX = "tinycheckout-consent-head-v1:";

  /**
   * Validates the head.
   *
   * @param sequence the last entry's sequence number, 0 or more
   * @param hash the last entry's hash; {@link ConsentHash#ZERO} when the sequence is 0
   * @throws ValidationException with field {@code sequence} if it is negative, or with field {@code
   *     hash} if the sequence is 0 and the hash is not zero
   */
  public ConsentHead {
    Objects.requireNonNull(hash, "hash");
    if (sequence < 0) {
      throw new ValidationException("sequence", "must be 0 or more, but was " + sequence);
    }
    if (sequence == 0 && !hash.equals(ConsentHash.ZERO)) {
      throw new ValidationException("hash", "must be all zeros for the empty trail (sequence 0)");
    }
  }

  /**
   * Whether this is the head of an empty trail.
   *
   * @return {@code true} if the sequence is 0
   */
  public boolean isEmpty() {
    return sequence == 0;
  }

  /**
   * The one-line text form, to keep outside the database.
   *
   * @return such as {@code tinycheckout-consent-head-v1:42:9f86d0...}
   */
  public String toText() {
    return TEXT_PREFIX + sequence + ":" + hash.hex();
  }

  /**
   * Parses the text form of {@link #toText()}; surrounding white space is ignored.
   *
   * @param text the text
   * @return the head
   * @throws ValidationException with field {@code consentHead} if the text is not a head
   */
  public static ConsentHead parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (!t.startsWith(TEXT_PREFIX) || colon < TEXT_PREFIX.length()) {
      throw new ValidationException(
          "consentHead", "must look like '" + TEXT_PREFIX + "<sequence>:<64 hex digits>'");
    }
    String digits = t.substring(TEXT_PREFIX.length(), colon);
    if (digits.isEmpty()
        || digits.length() > 18
        || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ValidationException(
          "consentHead", "must have a decimal sequence number after '" + TEXT_PREFIX + "'");
    }
    try {
      return new ConsentHead(Long.parseLong(digits), ConsentHash.fromHex(t.substring(colon + 1)));
    } catch (ValidationException e) {
      throw new ValidationException("consentHead", e.reason());
    }
  }

  /** Returns {@link #toText()}. */
  @Override
  public String toString() {
    return toText();
  }
}

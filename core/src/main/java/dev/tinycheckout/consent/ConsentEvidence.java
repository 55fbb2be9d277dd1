package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a write path records about one consent event, in clear: which customer agreed to (or
 * withdrew) what, under which terms text, through which channel, with which order, and when. {@link
 * ConsentAudit#append} turns it into a {@link ConsentDraft} that holds no email or name in clear
 * and appends that to the trail. Immutable.
 *
 * <p>{@link #toString()} masks the email and never shows the name.
 *
 * @param email the customer
 * @param action granted or withdrawn
 * @param purpose the single purpose this entry is about
 * @param termsVersion the version of the terms or notice shown, 1 to 64 printable ASCII characters
 *     without spaces
 * @param termsHash the SHA-256 of the exact text shown (its UTF-8 bytes, or the document's bytes);
 *     {@link ConsentHash#ZERO} if the shop did not give the text
 * @param channel where it happened, 1 to 32 characters of {@code a-z}, {@code 0-9} and {@code -},
 *     such as {@value #CHANNEL_CHECKOUT} or {@value #CHANNEL_WITHDRAWAL_FUNCTION}
 * @param orderId the order the consent came with
 * @param recordedAt when it was recorded; the trail keeps it to the microsecond, within the years 1
 *     to 9999
 * @param name the customer's name, if they gave one (as in the withdrawal form): 1 to 200
 *     characters, not blank, no control characters; personal data, sealed like the email
 */
public record ConsentEvidence(
    Email email,
    ConsentAction action,
    ConsentPurpose purpose,
    String termsVersion,
    ConsentHash termsHash,
    String channel,
    OrderId orderId,
    Instant recordedAt,
    Optional<String> name) {

  /** The channel of consents given at checkout. */
  public static final String CHANNEL_CHECKOUT = "checkout";

  /** The channel of withdrawals made through the withdrawal function. */
  public static final String CHANNEL_WITHDRAWAL_FUNCTION = "withdrawal-function";

  /**
   * Validates the evidence.
   *
   * @param email the customer
   * @param action granted or withdrawn
   * @param purpose the single purpose this entry is about
   * @param termsVersion the version of the terms or notice shown
   * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO}
   * @param channel where it happened, 1 to 32 characters of {@code a-z}, {@code 0-9} and {@code -}
   * @param orderId the order the consent came with
   * @param recordedAt when it was recorded, within the years 1 to 9999
   * @param name the customer's name, if given
   * @throws ValidationException naming the field ({@code termsVersion}, {@code channel}, {@code
   *     recordedAt} or {@code name}) that is malformed
   */
  public ConsentEvidence {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(termsHash, "termsHash");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(recordedAt, "recordedAt");
    Objects.requireNonNull(name, "name");
    requireValidTermsVersion(termsVersion);
    ConsentFields.channel(channel);
    if (recordedAt.isBefore(ConsentFields.EARLIEST) || recordedAt.isAfter(ConsentFields.LATEST)) {
      throw new ValidationException(
          "recordedAt", "must be within the years 1 to 9999, but was " + recordedAt);
    }
    name.ifPresent(ConsentFields::name);
  }

  /**
   * Evidence without a name.
   *
   * @param email the customer
   * @param action granted or withdrawn
   * @param purpose the single purpose this entry is about
   * @param termsVersion the version of the terms or notice shown
   * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO}
   * @param channel where it happened
   * @param orderId the order the consent came with
   * @param recordedAt when it was recorded
   * @return the evidence
   * @throws ValidationException if a field is malformed
   */
  public static ConsentEvidence of(
      Email email,
      ConsentAction action,
      ConsentPurpose purpose,
      String termsVersion,
      ConsentHash termsHash,
      String channel,
      OrderId orderId,
      Instant recordedAt) {
    return new ConsentEvidence(
        email,
        action,
        purpose,
        termsVersion,
        termsHash,
        channel,
        orderId,
        recordedAt,
        Optional.empty());
  }

  /**
   * Checks a terms version: 1 to 64 printable ASCII characters without spaces.
   *
   * @param termsVersion the version
   * @return the version
   * @throws ValidationException with field {@code termsVersion} otherwise
   */
  public static String requireValidTermsVersion(String termsVersion) {
    Objects.requireNonNull(termsVersion, "termsVersion");
    if (termsVersion.isEmpty()
        || termsVersion.length() > 64
        || termsVersion.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new ValidationException(
          "termsVersion", "must be 1-64 printable ASCII characters without spaces");
    }
    return termsVersion;
  }

  /**
   * Checks a channel: 1 to 32 characters of {@code a-z}, {@code 0-9} and {@code -}.
   *
   * @param channel the channel
   * @return the channel
   * @throws ValidationException with field {@code channel} otherwise
   */
  public static String requireValidChannel(String channel) {
    return ConsentFields.channel(channel);
  }

  @Override
  public String toString() {
    return "ConsentEvidence[email="
        + email
        + ", action="
        + action
        + ", purpose="
        + purpose
        + ", termsVersion="
        + termsVersion
        + ", termsHash="
        + termsHash
        + ", channel="
        + channel
        + ", orderId="
        + orderId
        + ", recordedAt="
        + recordedAt
        + ", name="
        + (name.isPresent() ? "***" : "none")
        + "]";
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.OrderId;
import java.time.Instant;
import java.util.Objects;

/**
 * One consent event as a {@link ConsentLog} stores it, before the log gives it a sequence number
 * and chains it ({@link ConsentEntry#chain}). It holds no email or name in clear: the customer
 * appears as a pseudonymous {@link SubjectId}, and their personal data only sealed under their
 * {@link SubjectKey}. {@link ConsentAudit#append} makes drafts from {@link ConsentEvidence}.
 * Immutable.
 *
 * @param subjectId the pseudonymous customer
 * @param action granted or withdrawn
 * @param purpose the single purpose this entry is about
 * @param termsVersion the version of the terms or notice shown, 1 to 64 printable ASCII characters
 *     without spaces
 * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO} if not given
 * @param channel where it happened, 1 to 32 characters of {@code a-z}, {@code 0-9} and {@code -}
 * @param orderId the order the consent came with
 * @param recordedAt when it was recorded, of microsecond precision, within the years 1 to 9999
 * @param sealedPersonalData the customer's personal data sealed under their key: standard padded
 *     base64 of {@code nonce (12 bytes) || AES-256-GCM ciphertext and 16-byte tag} of the UTF-8
 *     JSON object {@code {"email":...,"name":...}} ({@code name} only if given), with the subject
 *     id's 64 ASCII characters as additional authenticated data; at most 4096 characters; empty for
 *     none
 */
public record ConsentDraft(
    SubjectId subjectId,
    ConsentAction action,
    ConsentPurpose purpose,
    String termsVersion,
    ConsentHash termsHash,
    String channel,
    OrderId orderId,
    Instant recordedAt,
    String sealedPersonalData) {

  /**
   * Validates the draft.
   *
   * @param subjectId the pseudonymous customer
   * @param action granted or withdrawn
   * @param purpose the single purpose this entry is about
   * @param termsVersion the version of the terms or notice shown
   * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO}
   * @param channel where it happened
   * @param orderId the order the consent came with
   * @param recordedAt when it was recorded, of microsecond precision
   * @param sealedPersonalData base64 of the sealed personal data, or empty
   * @throws ValidationException naming the malformed field
   */
  public ConsentDraft {
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(termsHash, "termsHash");
    Objects.requireNonNull(orderId, "orderId");
    ConsentEvidence.requireValidTermsVersion(termsVersion);
    ConsentFields.channel(channel);
    ConsentFields.recordedAt(recordedAt);
    ConsentFields.sealed(sealedPersonalData);
  }

  /** Returns the fields; the sealed data only by its length. */
  @Override
  public String toString() {
    return "ConsentDraft[subjectId="
        + subjectId
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
        + ", sealedPersonalData=("
        + sealedPersonalData.length()
        + " chars)]";
  }
}

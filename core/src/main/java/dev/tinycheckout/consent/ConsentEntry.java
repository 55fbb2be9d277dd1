package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.OrderId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the consent audit trail as stored: a {@link ConsentDraft}'s fields, the sequence
 * number the {@link ConsentLog} gave it, the hash of the entry before it, and its own hash. Each
 * entry commits to its content and, through {@link #previousHash()}, to every entry before it, so
 * changing, removing, reordering or renumbering any stored entry is visible to {@link
 * ConsentChain#verify}.
 *
 * <p>A record exactly as read: the constructor checks each field's form but never recomputes or
 * checks {@link #hash()} against the content, because a tampered store hands out exactly such
 * entries and the verifier has to see them. {@link #chain} makes a correct entry; {@link
 * #isIntact()} tells whether an entry's hash matches its content.
 *
 * <h2 id="canonical">Canonical bytes and hash</h2>
 *
 * <p>{@link #hash()} is {@code SHA-256(canonicalBytes)}. The canonical bytes are twelve fields,
 * each written as its length in bytes (4 bytes, unsigned big-endian) followed by its UTF-8 bytes,
 * in this order:
 *
 * <ol>
 *   <li>the version tag {@value #CANONICAL_VERSION};
 *   <li>{@link #sequence()} in decimal ASCII digits, such as {@code 42};
 *   <li>{@link #previousHash()} as 64 lower-case hex digits (64 zeros for the first entry);
 *   <li>{@link #subjectId()} as 64 lower-case hex digits;
 *   <li>{@link #action()}'s constant name, such as {@code GRANTED};
 *   <li>{@link #purpose()}'s constant name, such as {@code TERMS_OF_SALE};
 *   <li>{@link #termsVersion()} as given;
 *   <li>{@link #termsHash()} as 64 lower-case hex digits;
 *   <li>{@link #channel()} as given;
 *   <li>{@link #orderId()} as its 36-character lower-case UUID text;
 *   <li>{@link #recordedAt()} as whole microseconds since 1970-01-01T00:00:00Z in decimal ASCII
 *       digits, with a leading {@code -} before 1970;
 *   <li>{@link #sealedPersonalData()} as stored (base64 ASCII; zero length if empty).
 * </ol>
 *
 * <p>Every field is length-prefixed, so no two different entries have the same bytes; an outside
 * verifier recomputes them in a few lines of any language, and checks that each entry's {@code
 * previousHash} equals the previous entry's {@code hash}. The sealed personal data is hashed as
 * ciphertext: deleting a subject's key later leaves every hash intact.
 *
 * @param sequence the position in the trail: 1 for the first entry, then consecutive
 * @param subjectId the pseudonymous customer
 * @param action granted or withdrawn
 * @param purpose the single purpose this entry is about
 * @param termsVersion the version of the terms or notice shown
 * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO}
 * @param channel where it happened
 * @param orderId the order the consent came with
 * @param recordedAt when it was recorded, of microsecond precision
 * @param sealedPersonalData the sealed personal data (see {@link ConsentDraft}), or empty
 * @param previousHash the hash of the entry at {@code sequence - 1}; {@link ConsentHash#ZERO} for
 *     the first entry
 * @param hash this entry's hash as stored: {@code SHA-256(canonicalBytes())} for an intact entry
 */
public record ConsentEntry(
    long sequence,
    SubjectId subjectId,
    ConsentAction action,
    ConsentPurpose purpose,
    String termsVersion,
    ConsentHash termsHash,
    String channel,
    OrderId orderId,
    Instant recordedAt,
    String sealedPersonalData,
    ConsentHash previousHash,
    ConsentHash hash) {

  /** The version tag that starts the canonical bytes of every entry. */
  public static final String CANONICAL_VERSION = "tinycheckout-consent-entry-v1";

  /**
   * Checks the form of every field; never the hash against the content.
   *
   * @param sequence the position in the trail, at least 1
   * @param subjectId the pseudonymous customer
   * @param action granted or withdrawn
   * @param purpose the single purpose this entry is about
   * @param termsVersion the version of the terms or notice shown
   * @param termsHash the SHA-256 of the exact text shown, or {@link ConsentHash#ZERO}
   * @param channel where it happened
   * @param orderId the order the consent came with
   * @param recordedAt when it was recorded, of microsecond precision
   * @param sealedPersonalData the sealed personal data, or empty
   * @param previousHash the hash of the entry before
   * @param hash this entry's hash as stored
   * @throws ValidationException naming the malformed field
   */
  public ConsentEntry {
    ConsentFields.sequence(sequence);
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(termsHash, "termsHash");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(previousHash, "previousHash");
    Objects.requireNonNull(hash, "hash");
    ConsentEvidence.requireValidTermsVersion(termsVersion);
    ConsentFields.channel(channel);
    ConsentFields.recordedAt(recordedAt);
    ConsentFields.sealed(sealedPersonalData);
  }

  /**
   * Chains a draft: the entry at {@code sequence} after an entry whose hash is {@code
   * previousHash}, with its hash computed. A {@link ConsentLog} stores exactly this.
   *
   * @param draft the content
   * @param sequence the next sequence number, at least 1
   * @param previousHash the hash of the current head ({@link ConsentHash#ZERO} for sequence 1)
   * @return the intact entry
   * @throws ValidationException if the sequence is below 1
   */
  public static ConsentEntry chain(ConsentDraft draft, long sequence, ConsentHash previousHash) {
    Objects.requireNonNull(draft, "draft");
    Objects.requireNonNull(previousHash, "previousHash");
    ConsentFields.sequence(sequence);
    ConsentHash hash =
        ConsentHash.sha256(
            canonical(
                sequence,
                previousHash,
                draft.subjectId(),
                draft.action(),
                draft.purpose(),
                draft.termsVersion(),
                draft.termsHash(),
                draft.channel(),
                draft.orderId(),
                draft.recordedAt(),
                draft.sealedPersonalData()));
    return new ConsentEntry(
        sequence,
        draft.subjectId(),
        draft.action(),
        draft.purpose(),
        draft.termsVersion(),
        draft.termsHash(),
        draft.channel(),
        draft.orderId(),
        draft.recordedAt(),
        draft.sealedPersonalData(),
        previousHash,
        hash);
  }

  /**
   * The canonical bytes of this entry, as documented <a href="#canonical">above</a>; {@link
   * #hash()} is not part of them.
   *
   * @return a new array
   */
  public byte[] canonicalBytes() {
    return canonical(
        sequence,
        previousHash,
        subjectId,
        action,
        purpose,
        termsVersion,
        termsHash,
        channel,
        orderId,
        recordedAt,
        sealedPersonalData);
  }

  /**
   * The hash this entry should have: {@code SHA-256(canonicalBytes())}.
   *
   * @return the recomputed hash
   */
  public ConsentHash computeHash() {
    return ConsentHash.sha256(canonicalBytes());
  }

  /**
   * Whether the stored hash matches the content.
   *
   * @return {@code true} if {@link #hash()} equals {@link #computeHash()}
   */
  public boolean isIntact() {
    return hash.equals(computeHash());
  }

  /**
   * The content without sequence and hashes.
   *
   * @return the draft this entry was chained from (if it is intact)
   */
  public ConsentDraft draft() {
    return new ConsentDraft(
        subjectId,
        action,
        purpose,
        termsVersion,
        termsHash,
        channel,
        orderId,
        recordedAt,
        sealedPersonalData);
  }

  /**
   * This entry as a checkpoint: its sequence and stored hash.
   *
   * @return the head of a trail that ends with this entry
   */
  public ConsentHead asHead() {
    return new ConsentHead(sequence, hash);
  }

  /**
   * The same entry under another sequence number, hashes unchanged: for verifiers and tamper tests
   * (an entry that was renumbered looks like this).
   *
   * @param otherSequence the sequence number, at least 1
   * @return the relabelled entry
   */
  ConsentEntry withSequence(long otherSequence) {
    return new ConsentEntry(
        otherSequence,
        subjectId,
        action,
        purpose,
        termsVersion,
        termsHash,
        channel,
        orderId,
        recordedAt,
        sealedPersonalData,
        previousHash,
        hash);
  }

  /** Microseconds since the epoch; exact, as recordedAt has microsecond precision. */
  static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  private static byte[] canonical(
      long sequence,
      ConsentHash previousHash,
      SubjectId subjectId,
      ConsentAction action,
      ConsentPurpose purpose,
      String termsVersion,
      ConsentHash termsHash,
      String channel,
      OrderId orderId,
      Instant recordedAt,
      String sealedPersonalData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(320 + sealedPersonalData.length());
    field(out, CANONICAL_VERSION);
    field(out, Long.toString(sequence));
    field(out, previousHash.hex());
    field(out, subjectId.value());
    field(out, action.name());
    field(out, purpose.name());
    field(out, termsVersion);
    field(out, termsHash.hex());
    field(out, channel);
    field(out, orderId.toString());
    field(out, Long.toString(epochMicros(recordedAt)));
    field(out, sealedPersonalData);
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(bytes, 0, n);
  }

  /** Returns the fields; the sealed data only by its length. */
  @Override
  public String toString() {
    return "ConsentEntry[sequence="
        + sequence
        + ", subjectId="
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
        + " chars), previousHash="
        + previousHash
        + ", hash="
        + hash
        + "]";
  }
}

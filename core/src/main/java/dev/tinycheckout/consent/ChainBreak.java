package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/**
 * Where and why a consent trail stopped verifying: the first break {@link ConsentChain#verify}
 * found. Immutable.
 *
 * @param sequence the sequence number of the entry the break is about (for each {@link Reason}, its
 *     documentation says which one), at least 1
 * @param reason what kind of break it is
 * @param detail a sentence for a human: what was expected and what was found
 */
public record ChainBreak(long sequence, Reason reason, String detail) {

  /** What kind of break a verifier found. */
  public enum Reason {
    /**
     * The entry at {@code sequence} does not match its own hash: a field (or the stored hash) was
     * changed after it was appended.
     */
    EDITED,
    /**
     * The entry at {@code sequence} is absent: the trail goes on with a later number (an entry was
     * deleted), or starts after 1.
     */
    MISSING,
    /**
     * The entries at {@code sequence} and a later one are in each other's places: each one's hash
     * is right for the other's position (two entries were swapped), or an entry appears after a
     * later one.
     */
    OUT_OF_ORDER,
    /**
     * The entry recorded as {@code sequence} carries another sequence number (it was renumbered:
     * its hash is right for {@code sequence}, not for the number it carries), or a sequence number
     * that was already used appears again.
     */
    FORGED_SEQUENCE,
    /**
     * The entry at {@code sequence} matches its own hash but does not point to the entry before it:
     * it, or the entry before it, was rewritten by someone who recomputed a hash, or it was forged.
     */
    BROKEN_LINK,
    /**
     * The trail ends before the trusted head: the entries from {@code sequence} on, which existed
     * when the head was taken, are gone.
     */
    TRUNCATED,
    /**
     * The entry at the trusted head's {@code sequence} has another hash than the head records: the
     * trail up to it was rewritten (hashes recomputed), or the head belongs to another trail.
     */
    REWRITTEN
  }

  /**
   * Validates.
   *
   * @param sequence the entry the break is about, at least 1
   * @param reason what kind of break it is
   * @param detail a sentence for a human
   * @throws ValidationException if the sequence is below 1
   */
  public ChainBreak {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    ConsentFields.sequence(sequence);
  }
}

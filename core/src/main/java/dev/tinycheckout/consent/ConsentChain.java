package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ChainBreak.Reason;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The verifier of the plain hash chain: a pure function over entries, with no storage and no
 * secret, so an auditor can run it on an exported trail offline. It is what {@link
 * ConsentAudit#verify()} runs over the store.
 *
 * <p>It treats its input as hostile: entries in any order, with any numbers and any hashes (each
 * entry is well-formed, as {@link ConsentEntry} checks its fields); it never throws because of what
 * the entries say, reads each entry once, and holds a constant amount of memory however long the
 * trail is.
 *
 * <p>Thread-safe (stateless).
 */
public final class ConsentChain {
  private ConsentChain() {}

  /**
   * Verifies entries given in trail order (ascending sequence, as {@link ConsentLog#read} returns
   * them). Walks them all, counting, and reports the first break in trail order:
   *
   * <ul>
   *   <li>an entry whose stored hash does not match its content is {@link Reason#EDITED}, unless a
   *       later entry is also off and the two match their hashes once their sequence numbers are
   *       exchanged: then the two were swapped, {@link Reason#OUT_OF_ORDER};
   *   <li>a number skipped (the next entry carries a higher one) is {@link Reason#MISSING}, unless
   *       the skipped number's entry appears later ({@link Reason#OUT_OF_ORDER}) or an entry
   *       carrying another number matches its hash only under the skipped number ({@link
   *       Reason#FORGED_SEQUENCE}, renumbered); a number that was already used is {@link
   *       Reason#FORGED_SEQUENCE};
   *   <li>an intact entry whose previous hash is not the hash of the entry before it (or not zero,
   *       for entry 1) is {@link Reason#BROKEN_LINK};
   *   <li>with a trusted head: an entry at its sequence with another hash is {@link
   *       Reason#REWRITTEN}, and a trail whose unbroken part ends before its sequence is {@link
   *       Reason#TRUNCATED}.
   *   <li>a row that is no entry at all, which the iteration reports by throwing an {@link
   *       UnreadableConsentEntryException}, is {@link Reason#EDITED} at its sequence, unless a
   *       break came before it; the walk ends there.
   * </ul>
   *
   * <p>What no plain chain can tell: entries appended after the last trusted head by someone who
   * computes their hashes correctly. Keep heads outside the database, often.
   *
   * @param entries the trail, by ascending sequence; read once
   * @param trusted a head kept outside the store, if any; checked as described
   * @return the result; {@link ConsentVerification#head()} is the last entry read
   * @throws NullPointerException if an argument or an element is null
   */
  public static ConsentVerification verify(
      Iterable<ConsentEntry> entries, Optional<ConsentHead> trusted) {
    Objects.requireNonNull(entries, "entries");
    Objects.requireNonNull(trusted, "trusted");
    Walk walk = new Walk(trusted.filter(h -> !h.isEmpty()).orElse(null));
    Iterator<ConsentEntry> it = entries.iterator();
    while (true) {
      ConsentEntry e;
      try {
        if (!it.hasNext()) {
          break;
        }
        e = it.next();
      } catch (UnreadableConsentEntryException unreadable) {
        // A row that is no entry at all: edited, at its own number, unless a break came before.
        return walk.unreadable(unreadable);
      }
      walk.accept(Objects.requireNonNull(e, "entry"));
    }
    return walk.finish();
  }

  /** The walk's state; one per verification. */
  private static final class Walk {
    private final @Nullable ConsentHead trusted;
    private long expected = 1;
    private ConsentHash previous = ConsentHash.ZERO;
    private long count;
    private @Nullable ConsentEntry last;
    private @Nullable ChainBreak found;
    // A suspected break that a later entry may explain better: an entry off its hash (maybe half
    // of a swap), or a skipped number (maybe renumbered, or out of order).
    private @Nullable ConsentEntry editedSuspect;
    private @Nullable ConsentEntry gapAfter;

    Walk(@Nullable ConsentHead trusted) {
      this.trusted = trusted;
    }

    void accept(ConsentEntry e) {
      count++;
      last = e;
      if (found != null) {
        return;
      }
      ConsentEntry suspect = editedSuspect;
      if (suspect != null) {
        if (!e.isIntact()
            && e.withSequence(suspect.sequence()).isIntact()
            && suspect.withSequence(e.sequence()).isIntact()) {
          found =
              new ChainBreak(
                  suspect.sequence(),
                  Reason.OUT_OF_ORDER,
                  "entries "
                      + suspect.sequence()
                      + " and "
                      + e.sequence()
                      + " are in each other's places: each one's hash is right for the other's"
                      + " sequence number");
        }
        return;
      }
      ConsentEntry gap = gapAfter;
      if (gap != null) {
        if (e.sequence() == expected && e.isIntact()) {
          found =
              new ChainBreak(
                  expected,
                  Reason.OUT_OF_ORDER,
                  "entry " + expected + " comes after entry " + gap.sequence());
        } else if (!e.isIntact() && e.withSequence(expected).isIntact()) {
          found = renumbered(e);
        }
        return;
      }
      if (e.sequence() < expected) {
        found =
            new ChainBreak(
                e.sequence(),
                Reason.FORGED_SEQUENCE,
                "sequence number "
                    + e.sequence()
                    + " appears again, after entry "
                    + (expected - 1));
        return;
      }
      if (e.sequence() > expected) {
        if (!e.isIntact() && e.withSequence(expected).isIntact()) {
          found = renumbered(e);
        } else {
          gapAfter = e;
        }
        return;
      }
      if (!e.isIntact()) {
        editedSuspect = e;
        return;
      }
      if (!e.previousHash().equals(previous)) {
        found =
            new ChainBreak(
                expected,
                Reason.BROKEN_LINK,
                "entry "
                    + expected
                    + " points to previous hash "
                    + e.previousHash()
                    + ", but "
                    + (expected == 1
                        ? "the first entry's previous hash is all zeros"
                        : "entry " + (expected - 1) + "'s hash is " + previous));
        return;
      }
      ConsentHead head = trusted;
      if (head != null && head.sequence() == expected && !head.hash().equals(e.hash())) {
        found =
            new ChainBreak(
                expected,
                Reason.REWRITTEN,
                "entry "
                    + expected
                    + " has hash "
                    + e.hash()
                    + ", but the trusted head records "
                    + head.hash());
        return;
      }
      previous = e.hash();
      expected++;
    }

    private ChainBreak renumbered(ConsentEntry e) {
      return new ChainBreak(
          expected,
          Reason.FORGED_SEQUENCE,
          "the entry stored as sequence "
              + e.sequence()
              + " was recorded as sequence "
              + expected
              + " (renumbered)");
    }

    ConsentVerification unreadable(UnreadableConsentEntryException e) {
      if (found == null && editedSuspect == null && gapAfter == null) {
        found =
            new ChainBreak(
                e.sequence(),
                Reason.EDITED,
                Objects.requireNonNullElse(e.getMessage(), "unreadable"));
      }
      return finish();
    }

    ConsentVerification finish() {
      ConsentEntry suspect = editedSuspect;
      ConsentEntry gap = gapAfter;
      ConsentHead head = trusted;
      if (found == null && suspect != null) {
        found =
            new ChainBreak(
                suspect.sequence(),
                Reason.EDITED,
                "entry "
                    + suspect.sequence()
                    + " does not match its hash: stored "
                    + suspect.hash()
                    + ", its content hashes to "
                    + suspect.computeHash());
      } else if (found == null && gap != null) {
        found =
            new ChainBreak(
                expected,
                Reason.MISSING,
                expected == 1
                    ? "entry 1 is missing: the trail starts at " + gap.sequence()
                    : "entry "
                        + expected
                        + " is missing: the trail goes from "
                        + (expected - 1)
                        + " to "
                        + gap.sequence());
      } else if (found == null && head != null && head.sequence() >= expected) {
        found =
            new ChainBreak(
                expected,
                Reason.TRUNCATED,
                (expected == head.sequence()
                        ? "entry " + expected + " is gone"
                        : "entries " + expected + " to " + head.sequence() + " are gone")
                    + ": the trail ends at "
                    + (expected - 1)
                    + ", but the trusted head is at "
                    + head.sequence());
      }
      ConsentEntry end = last;
      return new ConsentVerification(
          found == null,
          count,
          end == null ? ConsentHead.EMPTY : end.asHead(),
          Optional.ofNullable(found));
    }
  }
}

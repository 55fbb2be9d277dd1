package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.consent.ChainBreak.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Laws of the verifier over trails of any length, tampered with in one way at any place. */
class ConsentChainProperties {

  /** An untouched trail of any length verifies, counts every entry and ends at its last. */
  @Property(tries = 50)
  void everyIntactTrailVerifies(@ForAll @IntRange(min = 0, max = 60) int length) {
    List<ConsentEntry> trail = Trails.trail(length);

    ConsentVerification v = ConsentChain.verify(trail, Optional.empty());

    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(length);
    assertThat(v.head())
        .isEqualTo(length == 0 ? ConsentHead.EMPTY : trail.get(length - 1).asHead());
    trail.forEach(
        e ->
            assertThat(ConsentChain.verify(trail, Optional.of(e.asHead())).valid())
                .as("against the head at %d", e.sequence())
                .isTrue());
  }

  /** Deleting any one entry but the last is caught as that entry missing. */
  @Property(tries = 100)
  void deletingAnyEntryButTheLastIsMissingThere(
      @ForAll @IntRange(min = 2, max = 40) int length, @ForAll @IntRange(min = 0) int pick) {
    int at = 1 + pick % (length - 1);
    List<ConsentEntry> trail = new ArrayList<>(Trails.trail(length));
    trail.remove(at - 1);

    assertBreak(trail, Optional.empty(), at, Reason.MISSING);
  }

  /** Any two entries that trade sequence numbers are caught as out of order at the first. */
  @Property(tries = 100)
  void swappingAnyTwoEntriesIsOutOfOrderAtTheFirst(
      @ForAll @IntRange(min = 2, max = 40) int length,
      @ForAll @IntRange(min = 0) int pickA,
      @ForAll @IntRange(min = 0) int pickB) {
    int a = 1 + pickA % (length - 1);
    int b = a + 1 + pickB % (length - a);
    List<ConsentEntry> trail = new ArrayList<>(Trails.trail(length));
    ConsentEntry first = trail.get(a - 1);
    trail.set(a - 1, trail.get(b - 1).withSequence(a));
    trail.set(b - 1, first.withSequence(b));

    assertBreak(trail, Optional.empty(), a, Reason.OUT_OF_ORDER);
  }

  /** Any entry renumbered past the end is caught as a forged sequence at its own number. */
  @Property(tries = 100)
  void renumberingAnyEntryPastTheEndIsAForgedSequence(
      @ForAll @IntRange(min = 1, max = 40) int length,
      @ForAll @IntRange(min = 0) int pick,
      @ForAll @IntRange(min = 1, max = 1000) int beyond) {
    int at = 1 + pick % length;
    List<ConsentEntry> trail = new ArrayList<>(Trails.trail(length));
    ConsentEntry moved = trail.remove(at - 1);
    trail.add(moved.withSequence(length + beyond));

    assertBreak(trail, Optional.empty(), at, Reason.FORGED_SEQUENCE);
  }

  /** Cutting the tail anywhere before a trusted head is caught as truncated after the cut. */
  @Property(tries = 100)
  void truncatingBeforeATrustedHeadIsTruncated(
      @ForAll @IntRange(min = 1, max = 40) int length,
      @ForAll @IntRange(min = 0) int pickHead,
      @ForAll @IntRange(min = 0) int pickKeep) {
    int headAt = 1 + pickHead % length;
    int keep = pickKeep % headAt;
    List<ConsentEntry> trail = Trails.trail(length);
    ConsentHead trusted = trail.get(headAt - 1).asHead();

    assertBreak(trail.subList(0, keep), Optional.of(trusted), keep + 1, Reason.TRUNCATED);
    assertThat(ConsentChain.verify(trail.subList(0, keep), Optional.empty()).valid()).isTrue();
  }

  /** Changing the content of any entry, hash kept, is caught as that entry edited. */
  @Property(tries = 200)
  void changingAnyEntrysContentIsEditedThere(
      @ForAll @IntRange(min = 1, max = 30) int length,
      @ForAll @IntRange(min = 0) int pick,
      @ForAll @IntRange(min = 0, max = 10) int field) {
    int at = 1 + pick % length;
    List<ConsentEntry> trail = new ArrayList<>(Trails.trail(length));
    ConsentEntry e = trail.get(at - 1);
    ConsentDraft d = Trails.draft(at + 500);
    ConsentHash x = ConsentHash.sha256(new byte[] {42});
    ConsentEntry changed =
        new ConsentEntry(
            e.sequence(),
            field == 0 ? SubjectId.of("f".repeat(64)) : e.subjectId(),
            field == 1 ? flip(e.action()) : e.action(),
            field == 2 ? next(e.purpose()) : e.purpose(),
            field == 3 ? e.termsVersion() + "x" : e.termsVersion(),
            field == 4 ? x : e.termsHash(),
            field == 5 ? e.channel() + "x" : e.channel(),
            field == 6 ? d.orderId() : e.orderId(),
            field == 7 ? e.recordedAt().plusNanos(1000) : e.recordedAt(),
            field == 8 ? "AAAA" + e.sealedPersonalData() : e.sealedPersonalData(),
            field == 9 ? x : e.previousHash(),
            field == 10 ? x : e.hash());
    trail.set(at - 1, changed);

    assertBreak(trail, Optional.empty(), at, Reason.EDITED);
  }

  private static ConsentAction flip(ConsentAction a) {
    return a == ConsentAction.GRANTED ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED;
  }

  private static ConsentPurpose next(ConsentPurpose p) {
    ConsentPurpose[] all = ConsentPurpose.values();
    return all[(p.ordinal() + 1) % all.length];
  }

  private static void assertBreak(
      List<ConsentEntry> trail, Optional<ConsentHead> trusted, long sequence, Reason reason) {
    ConsentVerification v = ConsentChain.verify(trail, trusted);
    assertThat(v.valid()).as("valid").isFalse();
    ChainBreak b = v.firstBreak().orElseThrow();
    assertThat(b.reason()).as("reason of %s", b).isEqualTo(reason);
    assertThat(b.sequence()).as("sequence of %s", b).isEqualTo(sequence);
    assertThat(v.entries()).isEqualTo(trail.size());
  }
}

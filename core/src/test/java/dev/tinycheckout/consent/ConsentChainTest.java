package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ChainBreak.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsentChainTest {
  private final List<ConsentEntry> trail = new ArrayList<>(Trails.trail(10));

  private static ConsentVerification verify(List<ConsentEntry> entries) {
    return ConsentChain.verify(entries, Optional.empty());
  }

  private static ConsentVerification verify(List<ConsentEntry> entries, ConsentHead trusted) {
    return ConsentChain.verify(entries, Optional.of(trusted));
  }

  private static ChainBreak breakOf(ConsentVerification v) {
    assertThat(v.valid()).as("valid").isFalse();
    return v.firstBreak().orElseThrow();
  }

  private ConsentEntry at(long sequence) {
    return trail.get((int) sequence - 1);
  }

  private static ConsentEntry withHash(ConsentEntry e, ConsentHash hash) {
    return new ConsentEntry(
        e.sequence(),
        e.subjectId(),
        e.action(),
        e.purpose(),
        e.termsVersion(),
        e.termsHash(),
        e.channel(),
        e.orderId(),
        e.recordedAt(),
        e.sealedPersonalData(),
        e.previousHash(),
        hash);
  }

  private static ConsentEntry withChannel(ConsentEntry e, String channel) {
    return new ConsentEntry(
        e.sequence(),
        e.subjectId(),
        e.action(),
        e.purpose(),
        e.termsVersion(),
        e.termsHash(),
        channel,
        e.orderId(),
        e.recordedAt(),
        e.sealedPersonalData(),
        e.previousHash(),
        e.hash());
  }

  @Test
  void anIntactTrailVerifiesAndReportsItsHead() {
    ConsentVerification v = verify(trail);

    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(10);
    assertThat(v.head()).isEqualTo(at(10).asHead());
    assertThat(v.firstBreak()).isEmpty();
  }

  @Test
  void anEmptyTrailVerifiesWithTheEmptyHead() {
    ConsentVerification v = verify(List.of());

    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isZero();
    assertThat(v.head()).isEqualTo(ConsentHead.EMPTY);
    assertThat(verify(List.of(), ConsentHead.EMPTY).valid()).isTrue();
  }

  @Test
  void anEditedFieldIsEditedAtThatEntry() {
    trail.set(4, withChannel(at(5), "web"));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(5);
    assertThat(b.reason()).isEqualTo(Reason.EDITED);
    assertThat(b.detail()).contains("entry 5");
  }

  @Test
  void anEditedStoredHashIsEditedAtThatEntryNotABrokenLinkAtTheNext() {
    trail.set(6, withHash(at(7), ConsentHash.sha256(new byte[] {1})));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(7);
    assertThat(b.reason()).isEqualTo(Reason.EDITED);
  }

  @Test
  void anEditWithARecomputedHashBreaksTheLinkOfTheNextEntry() {
    ConsentEntry forged = withChannel(at(5), "web");
    trail.set(4, withHash(forged, forged.computeHash()));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(6);
    assertThat(b.reason()).isEqualTo(Reason.BROKEN_LINK);
    assertThat(b.detail()).contains("entry 5's hash");
  }

  @Test
  void aFirstEntryThatDoesNotStartFromZeroIsABrokenLink() {
    ConsentEntry first = ConsentEntry.chain(Trails.draft(1), 1, ConsentHash.sha256(new byte[0]));

    ChainBreak b = breakOf(verify(List.of(first)));

    assertThat(b.sequence()).isEqualTo(1);
    assertThat(b.reason()).isEqualTo(Reason.BROKEN_LINK);
  }

  @Test
  void aDeletedEntryIsMissing() {
    trail.remove(3);

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(4);
    assertThat(b.reason()).isEqualTo(Reason.MISSING);
    assertThat(b.detail()).contains("from 3 to 5");
  }

  @Test
  void aDeletedFirstEntryIsMissing() {
    trail.remove(0);

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(1);
    assertThat(b.reason()).isEqualTo(Reason.MISSING);
  }

  @Test
  void twoEntriesThatTradedSequenceNumbersAreOutOfOrder() {
    // As in a table keyed by sequence: the rows swap places, each keeping its own content.
    ConsentEntry four = at(4);
    ConsentEntry seven = at(7);
    trail.set(3, seven.withSequence(4));
    trail.set(6, four.withSequence(7));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(4);
    assertThat(b.reason()).isEqualTo(Reason.OUT_OF_ORDER);
    assertThat(b.detail()).contains("entries 4 and 7");
  }

  @Test
  void neighboursThatTradedSequenceNumbersAreOutOfOrder() {
    ConsentEntry two = at(2);
    trail.set(1, at(3).withSequence(2));
    trail.set(2, two.withSequence(3));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(2);
    assertThat(b.reason()).isEqualTo(Reason.OUT_OF_ORDER);
  }

  @Test
  void entriesListedInTheWrongOrderAreOutOfOrder() {
    Collections.swap(trail, 2, 5);

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(3);
    assertThat(b.reason()).isEqualTo(Reason.OUT_OF_ORDER);
  }

  @Test
  void anEntryRenumberedPastTheEndIsAForgedSequence() {
    ConsentEntry five = trail.remove(4);
    trail.add(five.withSequence(20));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(5);
    assertThat(b.reason()).isEqualTo(Reason.FORGED_SEQUENCE);
    assertThat(b.detail()).contains("stored as sequence 20").contains("recorded as sequence 5");
  }

  @Test
  void theLastEntryRenumberedIsAForgedSequence() {
    trail.set(9, at(10).withSequence(11));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(10);
    assertThat(b.reason()).isEqualTo(Reason.FORGED_SEQUENCE);
  }

  @Test
  void aSequenceNumberUsedTwiceIsAForgedSequence() {
    trail.add(6, at(6));

    ChainBreak b = breakOf(verify(trail));

    assertThat(b.sequence()).isEqualTo(6);
    assertThat(b.reason()).isEqualTo(Reason.FORGED_SEQUENCE);
    assertThat(b.detail()).contains("appears again");
  }

  @Test
  void aTrailShorterThanTheTrustedHeadIsTruncated() {
    ConsentHead trusted = at(10).asHead();

    ChainBreak b = breakOf(verify(trail.subList(0, 7), trusted));

    assertThat(b.sequence()).isEqualTo(8);
    assertThat(b.reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(b.detail()).contains("ends at 7").contains("head is at 10");
    assertThat(verify(trail.subList(0, 7)).valid()).as("without a checkpoint").isTrue();
  }

  @Test
  void anEmptyTrailAgainstAHeadIsTruncatedFromOne() {
    ChainBreak b = breakOf(verify(List.of(), at(3).asHead()));

    assertThat(b.sequence()).isEqualTo(1);
    assertThat(b.reason()).isEqualTo(Reason.TRUNCATED);
  }

  @Test
  void aTrailRewrittenWithRecomputedHashesIsRewrittenAtTheTrustedHead() {
    ConsentHead trusted = at(8).asHead();
    List<ConsentEntry> rewritten = new ArrayList<>(trail.subList(0, 3));
    ConsentHash previous = at(3).hash();
    for (int i = 4; i <= 10; i++) {
      ConsentEntry e = ConsentEntry.chain(Trails.draft(i + 100), i, previous);
      rewritten.add(e);
      previous = e.hash();
    }

    assertThat(verify(rewritten).valid()).as("without a checkpoint").isTrue();
    ChainBreak b = breakOf(verify(rewritten, trusted));
    assertThat(b.sequence()).isEqualTo(8);
    assertThat(b.reason()).isEqualTo(Reason.REWRITTEN);
  }

  @Test
  void aTrailThatGrewPastTheTrustedHeadVerifies() {
    ConsentVerification v = verify(trail, at(6).asHead());

    assertThat(v.valid()).isTrue();
    assertThat(v.head()).isEqualTo(at(10).asHead());
  }

  @Test
  void theFirstBreakInTrailOrderWinsAndEveryEntryIsCounted() {
    ConsentHead last = at(10).asHead();
    trail.set(2, withChannel(at(3), "web"));
    trail.remove(7);

    ConsentVerification v = verify(trail, last);

    assertThat(breakOf(v).sequence()).isEqualTo(3);
    assertThat(breakOf(v).reason()).isEqualTo(Reason.EDITED);
    assertThat(v.entries()).isEqualTo(9);
    assertThat(v.head()).isEqualTo(last);
  }

  @Test
  void aNullElementIsRefused() {
    List<ConsentEntry> withNull = Arrays.asList(at(1), null);

    assertThatThrownBy(() -> ConsentChain.verify(withNull, Optional.empty()))
        .isInstanceOf(NullPointerException.class);
  }

  /** Entries up to {@code unreadableAt} (exclusive), then the store's failure to read that row. */
  private Iterable<ConsentEntry> unreadableFrom(List<ConsentEntry> entries, long unreadableAt) {
    return () ->
        new java.util.Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            if (i < entries.size() && entries.get(i).sequence() < unreadableAt) {
              return true;
            }
            throw new UnreadableConsentEntryException(unreadableAt, "purpose: 'BOGUS'", null);
          }

          @Override
          public ConsentEntry next() {
            if (!hasNext()) {
              throw new java.util.NoSuchElementException();
            }
            return entries.get(i++);
          }
        };
  }

  @Test
  void aRowThatIsNoEntryAtAllIsEditedAtItsSequence() {
    ConsentVerification v = ConsentChain.verify(unreadableFrom(trail, 4), Optional.empty());

    assertThat(v.valid()).isFalse();
    assertThat(v.entries()).isEqualTo(3);
    ChainBreak b = v.firstBreak().orElseThrow();
    assertThat(b.sequence()).isEqualTo(4);
    assertThat(b.reason()).isEqualTo(Reason.EDITED);
    assertThat(b.detail()).contains("consent entry 4").contains("BOGUS");
  }

  @Test
  void aBreakBeforeAnUnreadableRowIsStillTheFirst() {
    ConsentEntry second = trail.get(1);
    trail.set(
        1,
        new ConsentEntry(
            second.sequence(),
            second.subjectId(),
            second.action(),
            second.purpose(),
            "edited",
            second.termsHash(),
            second.channel(),
            second.orderId(),
            second.recordedAt(),
            second.sealedPersonalData(),
            second.previousHash(),
            second.hash()));

    ChainBreak b =
        ConsentChain.verify(unreadableFrom(trail, 5), Optional.empty()).firstBreak().orElseThrow();

    assertThat(b.sequence()).isEqualTo(2);
    assertThat(b.reason()).isEqualTo(Reason.EDITED);
  }
}

package dev.tinycheckout.benchmarks.consent;

import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.order.OrderId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ConsentLog} that never touches a database: every subject has one fixed key (no lookup,
 * no insert), and {@link #append} only numbers the draft and returns it as an entry.
 *
 * <ul>
 *   <li>{@link #unhashed()}: the entry's hashes are fixed ({@link ConsentHash#ZERO}), so an append
 *       costs one counter increment. The checkout "without the trail" uses it: beside the real log,
 *       the difference is the trail's whole database cost (key lookup and insert, head lock, entry
 *       insert, their share of the WAL flush) plus the entry hash.
 *   <li>{@link #chaining()}: each entry is chained to the one before with {@link
 *       ConsentEntry#chain}, as a store does, under a lock: the in-memory cost of an append.
 * </ul>
 *
 * <p>Nothing is stored, so the read methods throw; a checkout never reads the trail. Thread-safe.
 */
final class NoDatabaseConsentLog implements ConsentLog {
  private static final SubjectKey KEY = SubjectKey.of(new byte[SubjectKey.LENGTH]);
  private static final ConsentHash FIXED = ConsentHash.ZERO;

  private final boolean hash;
  private final AtomicLong sequence = new AtomicLong();
  private ConsentHead head = ConsentHead.EMPTY;

  private NoDatabaseConsentLog(boolean hash) {
    this.hash = hash;
  }

  /** A log whose appends are numbered but not hashed. */
  static NoDatabaseConsentLog unhashed() {
    return new NoDatabaseConsentLog(false);
  }

  /** A log whose appends are chained and hashed in memory. */
  static NoDatabaseConsentLog chaining() {
    return new NoDatabaseConsentLog(true);
  }

  /** How many entries were appended. */
  long appended() {
    return sequence.get();
  }

  @Override
  public ConsentEntry append(ConsentDraft draft) {
    if (hash) {
      synchronized (this) {
        ConsentEntry entry = ConsentEntry.chain(draft, head.sequence() + 1, head.hash());
        head = entry.asHead();
        sequence.set(entry.sequence());
        return entry;
      }
    }
    return new ConsentEntry(
        sequence.incrementAndGet(),
        draft.subjectId(),
        draft.action(),
        draft.purpose(),
        draft.termsVersion(),
        draft.termsHash(),
        draft.channel(),
        draft.orderId(),
        draft.recordedAt(),
        draft.sealedPersonalData(),
        FIXED,
        FIXED);
  }

  @Override
  public ConsentHead head() {
    throw notStored();
  }

  @Override
  public List<ConsentEntry> read(long fromSequence, int limit) {
    throw notStored();
  }

  @Override
  public List<ConsentEntry> findByOrder(OrderId orderId) {
    throw notStored();
  }

  @Override
  public List<ConsentEntry> findBySubject(SubjectId subjectId) {
    throw notStored();
  }

  @Override
  public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
    return Optional.of(KEY);
  }

  @Override
  public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
    return KEY;
  }

  @Override
  public boolean eraseSubjectKey(SubjectId subjectId) {
    throw notStored();
  }

  private static UnsupportedOperationException notStored() {
    return new UnsupportedOperationException("the benchmark's consent log stores nothing");
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.order.OrderId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Storage SPI of the consent audit trail: an append-only hash chain of {@link ConsentEntry
 * entries}, and beside it a small mutable store of {@link SubjectKey subject keys}. <b>Plug-in
 * authors implement this</b> (with the other stores of a {@link
 * dev.tinycheckout.store.CheckoutStorage}); {@code ConsentLogContract} and {@code
 * ConsentTamperContract} in {@code tinycheckout-testkit} pin the rules. Applications use {@link
 * ConsentAudit}, which pseudonymises, seals and verifies on top of this.
 *
 * <p>An instance is obtained from {@link dev.tinycheckout.store.StorageTransaction#consents()} and
 * acts in that transaction only; like the transaction, it is not thread-safe. Every method throws
 * {@link dev.tinycheckout.StorageException} if the storage fails, and no method accepts or returns
 * {@code null}.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li><b>Append-only.</b> Entries are never updated or deleted, by any method or code path of the
 *       store. (A database store should also refuse it, such as with a trigger.)
 *   <li><b>One unbroken chain.</b> {@link #append} takes the next sequence number and the current
 *       head's hash atomically, in the caller's transaction, and stores {@link
 *       ConsentEntry#chain(ConsentDraft, long, ConsentHash) ConsentEntry.chain(draft, head.sequence
 *       + 1, head.hash)}, so that concurrent appends from many threads and many instances on one
 *       database still form one chain numbered 1, 2, 3, ... in commit order. On a database this
 *       means locking a single head row (sequence and hash) until commit; a database sequence does
 *       not do, as it leaves gaps when a transaction rolls back.
 *   <li><b>Staging, then chaining.</b> A store may also let a transaction {@link #stage} a draft
 *       without touching the head, and chain what committed transactions staged later, in batches
 *       ({@link #chainStaged}), so that checkouts do not queue behind one lock held through every
 *       commit. The defaults chain at once ({@link #stage} calls {@link #append}) and have nothing
 *       to chain later. Staged drafts are not yet tamper-evident; {@link ConsentAudit} chains them
 *       soon after their commit and before every read that must see them.
 *   <li><b>Entries read back exactly as stored</b>, every field, including a hash that no longer
 *       matches its content: a store never "repairs" or filters what it reads, so that verification
 *       sees what is there. A row that cannot be read as an entry at all (a field no entry can
 *       hold) makes the read throw {@link UnreadableConsentEntryException} with its sequence, which
 *       verification reports as an edit there.
 *   <li><b>Subject keys are the only thing erasure deletes.</b> They are read, created and deleted
 *       in the caller's transaction, like everything else.
 * </ul>
 */
public interface ConsentLog {

  /**
   * Appends one entry at the end of the chain: takes the current {@link #head()} under a lock held
   * until the transaction ends, and stores {@code ConsentEntry.chain(draft, head.sequence() + 1,
   * head.hash())}. If the transaction rolls back, neither the entry nor the new head remains, and
   * the sequence number is taken again by the next append.
   *
   * @param draft what to record
   * @return the stored entry, with its sequence number and hashes
   */
  ConsentEntry append(ConsentDraft draft);

  /**
   * Records a draft in the caller's transaction, to be chained by a later {@link #chainStaged}: it
   * takes no lock on the head, so transactions that stage do not wait for one another. If the
   * transaction rolls back, the draft is gone; once it commits, the draft is chained exactly once,
   * by whichever {@link #chainStaged} (of any instance) first sees it, and it appears in {@link
   * #read}, {@link #findByOrder} and {@link #findBySubject} from then on.
   *
   * <p>The default appends at once; a database store overrides this (and {@link #chainStaged}) to
   * move the head lock out of the callers' transactions.
   *
   * @param draft what to record
   */
  default void stage(ConsentDraft draft) {
    append(draft);
  }

  /**
   * Stages a draft sealed under the subject's key, creating the key from {@code candidate} if the
   * subject has none: {@link #subjectKeyOrCreate} and then {@link #stage} of {@code
   * draftFor.apply(key)}, in the caller's transaction. A store may do both in fewer round trips (a
   * database: insert the candidate key and the draft sealed under it in one statement, and only if
   * the subject had a key already, read it and stage a draft sealed under that one), so {@code
   * draftFor} may be called twice; it must have no side effects.
   *
   * @param subjectId the subject
   * @param candidate the key to store if the subject has none, such as {@link SubjectKey#random()}
   * @param draftFor the draft sealed under a given key
   */
  default void stageSealed(
      SubjectId subjectId, SubjectKey candidate, Function<SubjectKey, ConsentDraft> draftFor) {
    SubjectKey key =
        subjectKey(subjectId).orElseGet(() -> subjectKeyOrCreate(subjectId, candidate));
    stage(draftFor.apply(key));
  }

  /**
   * Chains up to {@code max} drafts that committed transactions {@linkplain #stage staged}, in the
   * order they were staged as far as the store can tell (a database: by an increasing id), in the
   * caller's transaction: locks the head as {@link #append} does, appends each draft as the next
   * entry and removes it from the staging area. Of two transactions that chain at once, the second
   * waits for the first and then chains only what the first did not, so no draft is chained twice.
   * Run it in a transaction of its own.
   *
   * <p>The default has nothing staged and returns an empty list.
   *
   * @param max the most drafts to chain, 1 to 10 000
   * @return the entries appended, by ascending sequence; an immutable list, empty if nothing was
   *     staged
   * @throws IllegalArgumentException if {@code max} is out of range
   */
  default List<ConsentEntry> chainStaged(int max) {
    if (max < 1 || max > 10_000) {
      throw new IllegalArgumentException("max must be 1 to 10000, but was " + max);
    }
    return List.of();
  }

  /**
   * The current head: the sequence number and hash of the last entry appended, as the store records
   * it for the next append; {@link ConsentHead#EMPTY} if nothing was ever appended. Does not lock.
   *
   * @return the head
   */
  ConsentHead head();

  /**
   * Up to {@code limit} entries whose sequence is at least {@code fromSequence}, by ascending
   * sequence, exactly as stored. Paging through the trail is {@code read(1, n)}, then {@code
   * read(last.sequence() + 1, n)}, until a page is empty.
   *
   * @param fromSequence the first sequence number wanted, at least 1
   * @param limit the most entries to return, from 1 to 10 000
   * @return the entries; an immutable list, empty past the end
   * @throws IllegalArgumentException if {@code fromSequence} is below 1 or {@code limit} is out of
   *     range
   */
  List<ConsentEntry> read(long fromSequence, int limit);

  /**
   * The entries recorded with one order.
   *
   * @param orderId the order
   * @return its entries by ascending sequence; an immutable list
   */
  List<ConsentEntry> findByOrder(OrderId orderId);

  /**
   * The entries of one data subject.
   *
   * @param subjectId the pseudonymous subject
   * @return its entries by ascending sequence; an immutable list
   */
  List<ConsentEntry> findBySubject(SubjectId subjectId);

  /**
   * The key that seals a subject's personal data, if it has one and it was not erased.
   *
   * @param subjectId the subject
   * @return the key, or empty
   */
  Optional<SubjectKey> subjectKey(SubjectId subjectId);

  /**
   * The subject's key, creating it from {@code candidate} if it has none. Safe under concurrency:
   * of many transactions that call this for one subject at once, all return the same key (a
   * database store inserts ignoring a duplicate, then reads what is there).
   *
   * @param subjectId the subject
   * @param candidate the key to store if the subject has none, such as {@link SubjectKey#random()}
   * @return the existing key, or {@code candidate} once stored
   */
  SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate);

  /**
   * Deletes a subject's key for good (erasure): the subject's entries stay, hashes and all, but
   * their sealed personal data can no longer be read. A later {@link #subjectKeyOrCreate} for the
   * same subject stores a new key, which does not open the older entries.
   *
   * @param subjectId the subject
   * @return {@code true} if a key was deleted, {@code false} if there was none
   */
  boolean eraseSubjectKey(SubjectId subjectId);
}

package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentChain;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ConsentLog}: an append-only hash chain whose entries are numbered 1, 2, 3,
 * ... in commit order and each linked to the one before, with no gap left by a rolled-back unit of
 * work and no fork under concurrency, read back exactly as stored; and beside it the subject keys,
 * created once per subject and deleted by erasure, transactionally like everything else.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcConsentLogContractTest extends ConsentLogContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 *
 *   &#64;Override
 *   protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
 *     return JdbcStorage.create(databaseOf(storage)); // a second instance, as on a second server
 *   }
 * }
 * </pre>
 *
 * <p>A database sequence does not meet this contract (it leaves gaps when a transaction rolls
 * back), and neither does reading the head without a lock (two transactions would chain onto the
 * same entry): the next number and the previous hash have to be taken inside the transaction from
 * one locked head row. Instants are compared exactly; a draft's instants have microsecond
 * precision, which the store must keep.
 */
public abstract class ConsentLogContract {
  private static final OrderId ORDER_A = Kit.orderId(1);
  private static final OrderId ORDER_B = Kit.orderId(2);
  private static final SubjectId ANN = Kit.SUBJECT;
  private static final SubjectId BEA = Kit.OTHER_SUBJECT;

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected ConsentLogContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event, consent or subject key) and that
   * no other test uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  /**
   * A second storage instance over the same data as {@code storage}, as another server of the shop
   * would open it; the concurrency tests append through both. The default returns {@code storage}
   * itself, which is right for a storage that lives in one process; a database adapter should
   * return a new instance with its own connections.
   *
   * @param storage a storage from {@link #newStorage()}
   * @return another instance over the same database, or the same instance
   */
  protected CheckoutStorage sameDatabase(CheckoutStorage storage) {
    return storage;
  }

  /**
   * How many entries the concurrency test appends, from 16 threads (default 2000).
   *
   * @return the number of appends, at least 16
   */
  protected int concurrentAppends() {
    return 2000;
  }

  @BeforeEach
  final void createFreshStorageForTheConsentLogContract() {
    storage = newStorage();
  }

  private ConsentEntry append(ConsentDraft draft) {
    return storage.inTransaction(tx -> tx.consents().append(draft));
  }

  private List<ConsentEntry> readAll(CheckoutStorage from) {
    List<ConsentEntry> all = new ArrayList<>();
    while (true) {
      long next = all.isEmpty() ? 1 : all.get(all.size() - 1).sequence() + 1;
      List<ConsentEntry> page = from.inTransaction(tx -> tx.consents().read(next, 500));
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
    }
  }

  private List<ConsentEntry> read(long fromSequence, int limit) {
    return storage.inTransaction(tx -> tx.consents().read(fromSequence, limit));
  }

  private ConsentHead head() {
    return storage.inTransaction(tx -> tx.consents().head());
  }

  private List<ConsentEntry> findByOrder(OrderId orderId) {
    return storage.inTransaction(tx -> tx.consents().findByOrder(orderId));
  }

  private List<ConsentEntry> findBySubject(SubjectId subject) {
    return storage.inTransaction(tx -> tx.consents().findBySubject(subject));
  }

  private Optional<SubjectKey> keyOf(SubjectId subject) {
    return storage.inTransaction(tx -> tx.consents().subjectKey(subject));
  }

  private static ConsentDraft terms(OrderId orderId) {
    return Kit.draft(orderId, ConsentPurpose.TERMS_OF_SALE, T0);
  }

  // ---- the chain ------------------------------------------------------------------------------

  @Test
  void anEmptyLogHasTheEmptyHeadAndNothingToRead() {
    assertThat(head()).isEqualTo(ConsentHead.EMPTY);
    assertThat(readAll(storage)).isEmpty();
    assertThat(findByOrder(ORDER_A)).isEmpty();
    assertThat(findBySubject(ANN)).isEmpty();
  }

  @Test
  void appendsAreNumberedFromOneAndEachIsChainedToTheOneBefore() {
    ConsentDraft d1 = terms(ORDER_A);
    ConsentDraft d2 = Kit.draft(ORDER_A, ConsentPurpose.MARKETING, T0);
    ConsentDraft d3 = terms(ORDER_B);

    List<ConsentEntry> firstUnit =
        storage.inTransaction(tx -> List.of(tx.consents().append(d1), tx.consents().append(d2)));
    ConsentEntry third = append(d3);

    ConsentEntry e1 = ConsentEntry.chain(d1, 1, ConsentHash.ZERO);
    ConsentEntry e2 = ConsentEntry.chain(d2, 2, e1.hash());
    ConsentEntry e3 = ConsentEntry.chain(d3, 3, e2.hash());
    assertThat(firstUnit).containsExactly(e1, e2);
    assertThat(third).isEqualTo(e3);
    assertThat(head()).isEqualTo(e3.asHead());
    assertThat(readAll(storage)).containsExactly(e1, e2, e3);
  }

  @Test
  void theHeadFollowsEveryAppendInsideTheUnitOfWork() {
    List<ConsentHead> heads =
        storage.inTransaction(
            tx -> {
              ConsentLog log = tx.consents();
              ConsentHead before = log.head();
              ConsentEntry appended = log.append(terms(ORDER_A));
              return List.of(before, log.head(), appended.asHead());
            });

    assertThat(heads.get(0)).isEqualTo(ConsentHead.EMPTY);
    assertThat(heads.get(1)).isEqualTo(heads.get(2));
    assertThat(head()).isEqualTo(heads.get(2));
  }

  @Test
  void everyDraftFieldIsStoredAndReadBackExactly() {
    List<ConsentDraft> drafts =
        List.of(
            new ConsentDraft(
                ANN,
                ConsentAction.WITHDRAWN,
                ConsentPurpose.WITHDRAWAL_RIGHT_WAIVER,
                "terms/v2026.11-rc.1+" + "x".repeat(44),
                ConsentHash.sha256(new byte[] {1, 2, 3}),
                "withdrawal-function-0123456789ab",
                ORDER_A,
                Instant.parse("2000-02-29T12:00:00.000001Z"),
                "A".repeat(4092) + "AA=="),
            new ConsentDraft(
                BEA,
                ConsentAction.GRANTED,
                ConsentPurpose.IMMEDIATE_PERFORMANCE,
                "1",
                ConsentHash.ZERO,
                "x",
                ORDER_A,
                Instant.parse("2999-12-31T23:59:59.999999Z"),
                ""),
            new ConsentDraft(
                BEA,
                ConsentAction.GRANTED,
                ConsentPurpose.MARKETING,
                "~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}",
                ConsentHash.sha256(new byte[0]),
                "0",
                ORDER_B,
                T0,
                "YWJj"));
    List<ConsentEntry> appended = new ArrayList<>();
    for (ConsentDraft d : drafts) {
      appended.add(append(d));
    }

    assertThat(appended).extracting(ConsentEntry::draft).containsExactlyElementsOf(drafts);
    assertThat(readAll(storage)).containsExactlyElementsOf(appended);
    assertThat(findByOrder(ORDER_A)).containsExactly(appended.get(0), appended.get(1));
    assertThat(findBySubject(BEA)).containsExactly(appended.get(1), appended.get(2));
    assertThat(appended).allMatch(ConsentEntry::isIntact);
  }

  @Test
  void readReturnsPagesByAscendingSequenceFromTheGivenNumber() {
    List<ConsentEntry> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(append(terms(i % 2 == 0 ? ORDER_A : ORDER_B)));
    }

    assertThat(read(1, 3)).containsExactlyElementsOf(all.subList(0, 3));
    assertThat(read(4, 3)).containsExactlyElementsOf(all.subList(3, 6));
    assertThat(read(7, 3)).containsExactly(all.get(6));
    assertThat(read(5, 10_000)).containsExactlyElementsOf(all.subList(4, 7));
    assertThat(read(8, 3)).isEmpty();
    assertThat(read(Long.MAX_VALUE, 1)).isEmpty();
  }

  @Test
  void readRefusesASequenceBelowOneAndALimitOutOfRange() {
    append(terms(ORDER_A));

    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().read(0, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().read(1, 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().read(1, 10_001)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void findByOrderAndBySubjectReturnOnlyTheirEntriesByAscendingSequence() {
    ConsentEntry a1 =
        append(Kit.draft(ANN, ConsentAction.GRANTED, ORDER_A, ConsentPurpose.TERMS_OF_SALE, T0));
    ConsentEntry b2 =
        append(Kit.draft(BEA, ConsentAction.GRANTED, ORDER_B, ConsentPurpose.TERMS_OF_SALE, T0));
    ConsentEntry a3 =
        append(Kit.draft(ANN, ConsentAction.WITHDRAWN, ORDER_B, ConsentPurpose.MARKETING, T0));

    assertThat(findByOrder(ORDER_A)).containsExactly(a1);
    assertThat(findByOrder(ORDER_B)).containsExactly(b2, a3);
    assertThat(findBySubject(ANN)).containsExactly(a1, a3);
    assertThat(findBySubject(BEA)).containsExactly(b2);
    assertThat(findBySubject(SubjectId.of("c".repeat(64)))).isEmpty();
    assertThat(findByOrder(Kit.orderId(99))).isEmpty();
  }

  @Test
  void everyListReturnedIsImmutable() {
    ConsentEntry entry = append(terms(ORDER_A));

    List<List<ConsentEntry>> lists =
        storage.inTransaction(
            tx ->
                List.of(
                    tx.consents().read(1, 10),
                    tx.consents().read(5, 10),
                    tx.consents().findByOrder(ORDER_A),
                    tx.consents().findByOrder(ORDER_B),
                    tx.consents().findBySubject(ANN),
                    tx.consents().findBySubject(BEA)));

    for (List<ConsentEntry> list : lists) {
      assertThatThrownBy(() -> list.add(entry)).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void appendsOfARolledBackUnitOfWorkLeaveNoGapAndDoNotMoveTheHead() {
    ConsentEntry first = append(terms(ORDER_A));
    RuntimeException boom = new IllegalStateException("rolled back on purpose");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.consents().append(terms(ORDER_B));
                      tx.consents().append(terms(ORDER_B));
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(head()).isEqualTo(first.asHead());
    ConsentEntry next = append(terms(ORDER_A));
    assertThat(next).isEqualTo(ConsentEntry.chain(terms(ORDER_A), 2, first.hash()));
    assertThat(findByOrder(ORDER_B)).isEmpty();
  }

  // ---- staging ----------------------------------------------------------------------------------

  /** Chains what is staged, in units of work of up to {@code max}, until nothing is left. */
  private static List<ConsentEntry> chainAll(CheckoutStorage on, int max) {
    List<ConsentEntry> all = new ArrayList<>();
    while (true) {
      List<ConsentEntry> batch = on.inTransaction(tx -> tx.consents().chainStaged(max));
      assertThat(batch.size()).as("a batch of at most " + max).isLessThanOrEqualTo(max);
      all.addAll(batch);
      if (batch.isEmpty()) {
        return all;
      }
    }
  }

  private static List<ConsentDraft> draftsOf(List<ConsentEntry> entries) {
    return entries.stream().map(ConsentEntry::draft).toList();
  }

  @Test
  void stagedDraftsAreChainedExactlyOnceInTheOrderTheyWereStaged() {
    ConsentDraft d1 = terms(ORDER_A);
    ConsentDraft d2 = Kit.draft(ORDER_A, ConsentPurpose.MARKETING, T0);
    ConsentDraft d3 = terms(ORDER_B);
    storage.inTransaction(
        tx -> {
          tx.consents().stage(d1);
          tx.consents().stage(d2);
          return Boolean.TRUE;
        });
    storage.inTransaction(
        tx -> {
          tx.consents().stage(d3);
          return Boolean.TRUE;
        });

    List<ConsentEntry> chained = chainAll(storage, 2);

    List<ConsentEntry> stored = readAll(storage);
    assertThat(draftsOf(stored)).containsExactly(d1, d2, d3);
    assertThat(stored)
        .as("numbered from 1")
        .extracting(ConsentEntry::sequence)
        .containsExactly(1L, 2L, 3L);
    assertThat(ConsentChain.verify(stored, Optional.of(head())).valid()).isTrue();
    assertThat(stored).as("what chainStaged returned").containsAll(chained);
    assertThat(chainAll(storage, 10)).as("nothing is chained twice").isEmpty();
    assertThat(findByOrder(ORDER_A)).hasSize(2);
  }

  @Test
  void stagedDraftsAndAppendsShareOneChain() {
    ConsentEntry first = append(terms(ORDER_A));
    storage.inTransaction(
        tx -> {
          tx.consents().stage(terms(ORDER_B));
          return Boolean.TRUE;
        });
    chainAll(storage, 10);
    ConsentEntry last = append(Kit.draft(ORDER_A, ConsentPurpose.MARKETING, T0));

    List<ConsentEntry> stored = readAll(storage);
    assertThat(stored).hasSize(3);
    assertThat(stored.get(0)).isEqualTo(first);
    assertThat(stored.get(1).draft()).isEqualTo(terms(ORDER_B));
    assertThat(stored.get(2)).isEqualTo(last);
    assertThat(ConsentChain.verify(stored, Optional.of(head())).valid()).isTrue();
  }

  @Test
  void draftsStagedByARolledBackUnitOfWorkAreNeverChained() {
    RuntimeException boom = new IllegalStateException("rolled back on purpose");
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.consents().stage(terms(ORDER_B));
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(chainAll(storage, 10)).isEmpty();
    assertThat(readAll(storage)).isEmpty();
    assertThat(head()).isEqualTo(ConsentHead.EMPTY);
  }

  @Test
  void aChainingUnitOfWorkThatRollsBackLeavesItsDraftsStaged() {
    storage.inTransaction(
        tx -> {
          tx.consents().stage(terms(ORDER_A));
          tx.consents().stage(terms(ORDER_B));
          return Boolean.TRUE;
        });
    ConsentHead before = head();
    RuntimeException boom = new IllegalStateException("rolled back on purpose");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.consents().chainStaged(10);
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(head()).isEqualTo(before);
    chainAll(storage, 10);
    assertThat(draftsOf(readAll(storage))).containsExactly(terms(ORDER_A), terms(ORDER_B));
  }

  @Test
  void chainStagedRefusesAMaxOutOfRange() {
    for (int max : new int[] {0, -1, 10_001}) {
      assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().chainStaged(max)))
          .as("max " + max)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void concurrentStagesAndChainersFromManyThreadsAndInstancesChainEveryDraftExactlyOnce() {
    int rounds = Math.max(6, concurrentAppends() / 3);
    int stages = rounds * 3;
    CheckoutStorage other = sameDatabase(storage);
    List<OrderId> orders = new ArrayList<>();
    for (int i = 0; i < stages; i++) {
      orders.add(Kit.orderId(5000 + i));
    }

    // Of every four tasks, three stage and one chains a small batch, each on either instance.
    Kit.values(
        Kit.race(
            16,
            rounds * 4,
            Duration.ofMinutes(2),
            i -> {
              CheckoutStorage on = i % 2 == 0 ? storage : other;
              if (i % 4 == 3) {
                return Kit.inTransactionRetrying(on, tx -> tx.consents().chainStaged(25).size());
              }
              OrderId order = orders.get(i / 4 * 3 + i % 4);
              return Kit.inTransactionRetrying(
                  on,
                  tx -> {
                    tx.consents().stage(terms(order));
                    return 0;
                  });
            }));
    chainAll(other, 100);

    List<ConsentEntry> stored = readAll(storage);
    ConsentVerification verification = ConsentChain.verify(stored, Optional.of(head()));
    assertThat(verification.firstBreak()).as("the first break").isEmpty();
    assertThat(stored)
        .extracting(ConsentEntry::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, stages).boxed().toList());
    assertThat(stored)
        .extracting(ConsentEntry::orderId)
        .as("every staged draft once")
        .containsExactlyInAnyOrderElementsOf(orders);
  }

  // ---- subject keys ---------------------------------------------------------------------------

  @Test
  void aSubjectHasNoKeyUntilOneIsCreatedAndThenAlwaysTheSameOne() {
    SubjectKey first = SubjectKey.random();
    SubjectKey second = SubjectKey.random();

    assertThat(keyOf(ANN)).isEmpty();
    SubjectKey created = storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(ANN, first));
    SubjectKey again = storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(ANN, second));

    assertThat(created).isEqualTo(first);
    assertThat(again).isEqualTo(first);
    assertThat(keyOf(ANN)).contains(first);
    assertThat(keyOf(BEA)).isEmpty();
  }

  @Test
  void erasingAKeyDeletesItForGoodAndLeavesEveryEntryAsItWas() {
    SubjectKey key = SubjectKey.random();
    storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(ANN, key));
    storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(BEA, SubjectKey.random()));
    append(Kit.draft(ANN, ConsentAction.GRANTED, ORDER_A, ConsentPurpose.TERMS_OF_SALE, T0));
    List<ConsentEntry> before = readAll(storage);

    boolean erased = storage.inTransaction(tx -> tx.consents().eraseSubjectKey(ANN));
    boolean again = storage.inTransaction(tx -> tx.consents().eraseSubjectKey(ANN));

    assertThat(erased).isTrue();
    assertThat(again).isFalse();
    assertThat(keyOf(ANN)).isEmpty();
    assertThat(keyOf(BEA)).isPresent();
    assertThat(readAll(storage)).isEqualTo(before);
    assertThat(head()).isEqualTo(before.get(0).asHead());
    SubjectKey fresh = SubjectKey.random();
    SubjectKey created = storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(ANN, fresh));
    assertThat(created).as("a key created after the erasure").isEqualTo(fresh);
  }

  @Test
  void keyChangesOfARolledBackUnitOfWorkLeaveNoTrace() {
    SubjectKey kept = SubjectKey.random();
    storage.inTransaction(tx -> tx.consents().subjectKeyOrCreate(ANN, kept));
    RuntimeException boom = new IllegalStateException("rolled back on purpose");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.consents().eraseSubjectKey(ANN);
                      tx.consents().subjectKeyOrCreate(BEA, SubjectKey.random());
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(keyOf(ANN)).contains(kept);
    assertThat(keyOf(BEA)).isEmpty();
  }

  @Test
  void aUnitOfWorkSeesItsOwnKeyChanges() {
    SubjectKey key = SubjectKey.random();

    List<Optional<SubjectKey>> seen =
        storage.inTransaction(
            tx -> {
              ConsentLog log = tx.consents();
              log.subjectKeyOrCreate(ANN, key);
              Optional<SubjectKey> afterCreate = log.subjectKey(ANN);
              log.eraseSubjectKey(ANN);
              return List.of(afterCreate, log.subjectKey(ANN));
            });

    assertThat(seen).containsExactly(Optional.of(key), Optional.empty());
  }

  // ---- concurrency ----------------------------------------------------------------------------

  @Test
  void concurrentAppendsFromManyThreadsAndInstancesFormOneUnbrokenChain() {
    int appends = Math.max(16, concurrentAppends());
    CheckoutStorage other = sameDatabase(storage);
    List<OrderId> orders = new ArrayList<>();
    for (int i = 0; i < appends; i++) {
      orders.add(Kit.orderId(1000 + i));
    }

    List<ConsentEntry> returned =
        Kit.values(
            Kit.race(
                16,
                appends,
                Duration.ofMinutes(2),
                i ->
                    Kit.inTransactionRetrying(
                        i % 2 == 0 ? storage : other,
                        tx -> tx.consents().append(terms(orders.get(i))))));

    List<ConsentEntry> stored = readAll(storage);
    ConsentVerification verification = ConsentChain.verify(stored, Optional.of(head()));
    assertThat(verification.firstBreak()).as("the first break").isEmpty();
    assertThat(verification.entries()).isEqualTo(appends);
    assertThat(stored)
        .extracting(ConsentEntry::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, appends).boxed().toList());
    List<ConsentEntry> returnedInOrder = new ArrayList<>(returned);
    returnedInOrder.sort(Comparator.comparingLong(ConsentEntry::sequence));
    assertThat(stored).as("what the appends returned").isEqualTo(returnedInOrder);
    assertThat(readAll(other)).as("seen from the other instance").isEqualTo(stored);
  }

  @Test
  void concurrentKeyCreationsForOneSubjectAllGetTheSameKey() {
    CheckoutStorage other = sameDatabase(storage);

    List<SubjectKey> keys =
        Kit.values(
            Kit.race(
                16,
                64,
                i ->
                    Kit.inTransactionRetrying(
                        i % 2 == 0 ? storage : other,
                        tx -> tx.consents().subjectKeyOrCreate(ANN, SubjectKey.random()))));

    Set<SubjectKey> distinct = new HashSet<>(keys);
    assertThat(distinct).hasSize(1);
    assertThat(keyOf(ANN)).contains(keys.get(0));
  }

  /**
   * The law of the chain: however appends are split into units of work that commit or roll back,
   * the committed entries are numbered 1 to n in commit order, each chained to the one before,
   * nothing of a rolled-back unit remains, and the trail verifies against the head.
   *
   * @param units for each unit of work: positive, append that many and commit; negative, append
   *     that many and roll back; zero, append nothing and commit
   */
  @Property(tries = 50)
  void committedEntriesFormOneChainInCommitOrderWhateverRollsBack(
      @ForAll @Size(max = 12) List<@IntRange(min = -3, max = 3) Integer> units) {
    CheckoutStorage fresh = newStorage();
    List<ConsentEntry> committed = new ArrayList<>();
    OrderId rolledBackOrder = Kit.orderId(-1);
    for (int u = 0; u < units.size(); u++) {
      int size = units.get(u);
      OrderId order = size < 0 ? rolledBackOrder : Kit.orderId(u);
      try {
        List<ConsentEntry> appended =
            fresh.inTransaction(
                tx -> {
                  List<ConsentEntry> list = new ArrayList<>();
                  for (int i = 0; i < Math.abs(size); i++) {
                    list.add(tx.consents().append(terms(order)));
                  }
                  if (size < 0) {
                    throw new RolledBack();
                  }
                  return list;
                });
        committed.addAll(appended);
      } catch (RolledBack expected) {
        // the unit of work rolled back, as intended
      }
    }

    assertThat(committed)
        .extracting(ConsentEntry::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, committed.size()).boxed().toList());
    assertThat(readAll(fresh)).isEqualTo(committed);
    ConsentHead freshHead = fresh.inTransaction(tx -> tx.consents().head());
    assertThat(ConsentChain.verify(committed, Optional.of(freshHead)).valid()).isTrue();
    List<ConsentEntry> rolledBack =
        fresh.inTransaction(tx -> tx.consents().findByOrder(rolledBackOrder));
    assertThat(rolledBack).isEmpty();
  }

  /** Thrown to roll a unit of work back on purpose. */
  private static final class RolledBack extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RolledBack() {
      super("rolled back on purpose", null, false, false);
    }
  }
}

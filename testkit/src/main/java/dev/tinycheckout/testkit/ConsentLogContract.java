package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.CheckoutStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ConsentLog}: an append-only log whose entries are numbered 1, 2, 3, ... in
 * commit order, with no gap left by a rolled-back unit of work and no duplicate under concurrency.
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
 * }
 * </pre>
 *
 * <p>A database sequence does not meet this contract (it leaves gaps when a transaction rolls
 * back); the next number has to be taken inside the transaction, under a lock. Instants are
 * compared exactly; the kit only stores instants of microsecond precision.
 */
public abstract class ConsentLogContract {
  private static final OrderId ORDER_A = Kit.orderId(1);
  private static final OrderId ORDER_B = Kit.orderId(2);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected ConsentLogContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event or consent) and that no other test
   * uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheConsentLogContract() {
    storage = newStorage();
  }

  private ConsentEntry append(ConsentEvidence evidence) {
    return storage.inTransaction(tx -> tx.consents().append(evidence));
  }

  private List<ConsentEntry> findByOrder(OrderId orderId) {
    return storage.inTransaction(tx -> tx.consents().findByOrder(orderId));
  }

  private static ConsentEvidence terms(OrderId orderId) {
    return Kit.evidence(orderId, ConsentPurpose.TERMS_OF_SALE, T0);
  }

  @Test
  void appendsAreNumberedConsecutivelyFromOneWithinAndAcrossUnitsOfWork() {
    ConsentEvidence e1 = terms(ORDER_A);
    ConsentEvidence e2 = Kit.evidence(ORDER_A, ConsentPurpose.MARKETING, T0);
    ConsentEvidence e3 = terms(ORDER_B);

    List<ConsentEntry> firstUnit =
        storage.inTransaction(tx -> List.of(tx.consents().append(e1), tx.consents().append(e2)));
    ConsentEntry third = append(e3);

    assertThat(firstUnit).containsExactly(new ConsentEntry(1, e1), new ConsentEntry(2, e2));
    assertThat(third).isEqualTo(new ConsentEntry(3, e3));
  }

  @Test
  void everyEvidenceFieldIsStoredExactly() {
    ConsentEvidence withdrawn =
        new ConsentEvidence(
            Email.of("Z.Zed+news@Example.co.uk"),
            ConsentAction.WITHDRAWN,
            ConsentPurpose.MARKETING,
            "terms/v2026.11-rc.1",
            ORDER_A,
            T0.plusNanos(1000));
    ConsentEvidence granted =
        new ConsentEvidence(
            Email.of("a@b.co"),
            ConsentAction.GRANTED,
            ConsentPurpose.TERMS_OF_SALE,
            "1",
            ORDER_A,
            T0.plusSeconds(86_400L * 365));

    append(withdrawn);
    append(granted);

    assertThat(findByOrder(ORDER_A))
        .containsExactly(new ConsentEntry(1, withdrawn), new ConsentEntry(2, granted));
  }

  @Test
  void findByOrderReturnsOnlyThatOrdersEntriesByAscendingSequence() {
    ConsentEntry a1 = append(terms(ORDER_A));
    ConsentEntry b2 = append(terms(ORDER_B));
    ConsentEntry a3 = append(Kit.evidence(ORDER_A, ConsentPurpose.MARKETING, T0));

    assertThat(findByOrder(ORDER_A)).containsExactly(a1, a3);
    assertThat(findByOrder(ORDER_B)).containsExactly(b2);
  }

  @Test
  void findByOrderReturnsAnEmptyListForAnOrderWithoutEntries() {
    append(terms(ORDER_A));

    assertThat(findByOrder(ORDER_B)).isEmpty();
  }

  @Test
  void findByOrderReturnsAnImmutableList() {
    ConsentEntry entry = append(terms(ORDER_A));

    List<ConsentEntry> found = findByOrder(ORDER_A);
    List<ConsentEntry> none = findByOrder(ORDER_B);

    assertThatThrownBy(() -> found.add(entry)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> none.add(entry)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void appendsOfARolledBackUnitOfWorkLeaveNoGap() {
    append(terms(ORDER_A));
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
    ConsentEntry next = append(terms(ORDER_A));

    assertThat(next.sequence()).isEqualTo(2);
    assertThat(findByOrder(ORDER_B)).isEmpty();
  }

  @Test
  void concurrentAppendsAreNumberedOneToNWithoutGapsOrDuplicates() {
    int appends = 128;
    List<OrderId> orders = new ArrayList<>();
    for (int i = 0; i < appends; i++) {
      orders.add(Kit.orderId(100 + i));
    }

    List<ConsentEntry> entries =
        Kit.values(
            Kit.race(
                16,
                appends,
                i ->
                    Kit.inTransactionRetrying(
                        storage, tx -> tx.consents().append(terms(orders.get(i))))));

    long[] expected = LongStream.rangeClosed(1, appends).toArray();
    assertThat(entries.stream().mapToLong(ConsentEntry::sequence).sorted().toArray())
        .as("sequences returned by append")
        .containsExactly(expected);
    List<ConsentEntry> stored = new ArrayList<>();
    for (int i = 0; i < appends; i++) {
      List<ConsentEntry> ofOrder = findByOrder(orders.get(i));
      assertThat(ofOrder).as("entries of order %d", i).containsExactly(entries.get(i));
      stored.addAll(ofOrder);
    }
    assertThat(stored.stream().mapToLong(ConsentEntry::sequence).sorted().toArray())
        .as("sequences stored")
        .containsExactly(expected);
  }

  /**
   * The law of numbering: however appends are split into units of work that commit or roll back,
   * the committed entries are numbered 1 to n in commit order, and nothing of a rolled-back unit
   * remains.
   *
   * @param units for each unit of work: positive, append that many and commit; negative, append
   *     that many and roll back; zero, append nothing and commit
   */
  @Property(tries = 50)
  void committedEntriesAreNumberedOneToNInCommitOrderWhateverRollsBack(
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

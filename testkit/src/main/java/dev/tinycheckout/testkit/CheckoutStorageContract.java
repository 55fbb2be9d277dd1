package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link CheckoutStorage#inTransaction}: a unit of work is atomic over all five
 * stores (all of its changes commit, or, if it throws, none is ever visible), its exception or
 * result comes back unchanged, its stores are dead once it ended, and it does not nest.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcCheckoutStorageContractTest extends CheckoutStorageContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>The per-store contracts ({@link ProductStoreContract}, {@link OrderStoreContract}, {@link
 * IdempotencyStoreContract}, {@link OutboxContract}, {@link ConsentLogContract}) pin what each
 * store does inside a unit of work; this one pins the unit of work itself.
 */
public abstract class CheckoutStorageContract {
  private static final Sku MUG = Sku.of("mug");
  private static final Sku NEW = Sku.of("new-product");
  private static final IdempotencyKey CLAIMED = IdempotencyKey.of("claimed");
  private static final IdempotencyKey DELETABLE = IdempotencyKey.of("deletable");
  private static final IdempotencyKey NEW_KEY = IdempotencyKey.of("new-key");
  private static final OrderId EXISTING_ORDER = Kit.orderId(1);
  private static final OrderId NEW_ORDER = Kit.orderId(2);
  private static final Instant T1 = T0.plusSeconds(10);
  private static final SubjectKey SEEDED_KEY = SubjectKey.random();

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected CheckoutStorageContract() {}

  /**
   * Creates the storage under test. Called before every test; it must return a storage that holds
   * nothing (no product, order, key, event or consent) and that no other test uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheCheckoutStorageContract() {
    storage = newStorage();
  }

  /** What the stores hold, as far as the tests below touch them. */
  private record Snapshot(
      Optional<Product> mug,
      Optional<Product> newProduct,
      Optional<Order> existingOrder,
      Optional<Order> newOrder,
      Optional<IdempotencyRecord> claimed,
      Optional<IdempotencyRecord> deletable,
      Optional<IdempotencyRecord> newKey,
      List<OutboxEvent> events,
      List<ConsentEntry> consents,
      ConsentHead consentHead,
      List<Optional<SubjectKey>> subjectKeys) {}

  private Snapshot snapshot() {
    return storage.inTransaction(
        tx ->
            new Snapshot(
                tx.products().find(MUG),
                tx.products().find(NEW),
                tx.orders().find(EXISTING_ORDER),
                tx.orders().find(NEW_ORDER),
                tx.idempotency().find(CLAIMED),
                tx.idempotency().find(DELETABLE),
                tx.idempotency().find(NEW_KEY),
                tx.outbox().findByAggregate(EXISTING_ORDER.toString()),
                tx.consents().findByOrder(EXISTING_ORDER),
                tx.consents().head(),
                List.of(
                    tx.consents().subjectKey(Kit.SUBJECT),
                    tx.consents().subjectKey(Kit.OTHER_SUBJECT))));
  }

  /** Commits a product, a pending order and two claimed keys. */
  private Snapshot seed() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(MUG, "Mug", Money.of(1250, "EUR"), 10, T0);
          tx.orders().insert(Kit.order(EXISTING_ORDER, T0));
          tx.idempotency().insert(Kit.claim(CLAIMED, "a", T0));
          tx.idempotency().insert(Kit.claim(DELETABLE, "b", T0));
          tx.consents().subjectKeyOrCreate(Kit.SUBJECT, SEEDED_KEY);
          return Boolean.TRUE;
        });
    return snapshot();
  }

  /** Changes every store, with every kind of change. */
  private static void changeEverything(StorageTransaction tx) {
    tx.products().upsert(NEW, "New", Money.of(500, "EUR"), 3, T1);
    tx.products().reserve(MUG, 4, T1);
    tx.products().release(MUG, 1, T1);
    tx.orders().insert(Kit.order(NEW_ORDER, T1));
    tx.orders().updateStatus(EXISTING_ORDER, OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1);
    tx.idempotency().insert(Kit.claim(NEW_KEY, "c", T1));
    IdempotencyRecord claimed = tx.idempotency().find(CLAIMED).orElseThrow();
    tx.idempotency().replace(claimed.takenOver(T1.plusSeconds(30)), claimed.fence());
    tx.idempotency().delete(DELETABLE, 1);
    tx.outbox()
        .enqueue(
            new OutboxEvent(
                UUID.fromString("00000000-0000-7000-8000-000000000001"),
                OutboxEvent.ORDER_PLACED,
                EXISTING_ORDER.toString(),
                "{}",
                T1));
    tx.consents().append(Kit.draft(EXISTING_ORDER, ConsentPurpose.TERMS_OF_SALE, T1));
    tx.consents().eraseSubjectKey(Kit.SUBJECT);
    tx.consents().subjectKeyOrCreate(Kit.OTHER_SUBJECT, SubjectKey.random());
  }

  @Test
  void aUnitOfWorkThatReturnsCommitsItsChangesToEveryStore() {
    Snapshot before = seed();

    storage.inTransaction(
        tx -> {
          changeEverything(tx);
          return Boolean.TRUE;
        });

    Snapshot after = snapshot();
    assertThat(after.mug()).map(Product::stock).contains(7L);
    assertThat(after.newProduct()).isPresent();
    assertThat(after.existingOrder()).map(Order::status).contains(OrderStatus.PAID);
    assertThat(after.newOrder()).isPresent();
    assertThat(after.claimed()).map(IdempotencyRecord::fence).contains(2L);
    assertThat(after.deletable()).isEmpty();
    assertThat(after.newKey()).isPresent();
    assertThat(after.events()).hasSize(1);
    assertThat(after.consents()).hasSize(1);
    assertThat(after.consentHead().sequence()).isEqualTo(1);
    assertThat(after.subjectKeys().get(0)).as("the erased key").isEmpty();
    assertThat(after.subjectKeys().get(1)).as("the created key").isPresent();
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void aUnitOfWorkThatThrowsLeavesNoTraceInAnyStore() {
    Snapshot before = seed();
    RuntimeException boom = new IllegalStateException("failed on purpose after changing all");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      changeEverything(tx);
                      throw boom;
                    }))
        .isSameAs(boom);

    assertThat(snapshot()).isEqualTo(before);
    ConsentEntry first =
        storage.inTransaction(
            tx -> tx.consents().append(Kit.draft(NEW_ORDER, ConsentPurpose.TERMS_OF_SALE, T1)));
    assertThat(first.sequence()).as("the rolled-back consent left no gap").isEqualTo(1);
  }

  @Test
  void aUnitOfWorkThatThrowsAnErrorIsRolledBackToo() {
    Snapshot before = seed();
    Error error = new UnitOfWorkError();

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      changeEverything(tx);
                      throw error;
                    }))
        .isSameAs(error);

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void theExceptionOfAFailedUnitOfWorkPropagatesUnchanged() {
    seed();
    RuntimeException boom = new UnsupportedOperationException("exactly this one");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.products().reserve(MUG, 1, T1);
                      throw boom;
                    }))
        .isSameAs(boom)
        .hasNoSuppressedExceptions();
  }

  @Test
  void aUnitOfWorkSeesItsOwnChangesBeforeItCommits() {
    seed();

    Snapshot inside =
        storage.inTransaction(
            tx -> {
              changeEverything(tx);
              return new Snapshot(
                  tx.products().find(MUG),
                  tx.products().find(NEW),
                  tx.orders().find(EXISTING_ORDER),
                  tx.orders().find(NEW_ORDER),
                  tx.idempotency().find(CLAIMED),
                  tx.idempotency().find(DELETABLE),
                  tx.idempotency().find(NEW_KEY),
                  tx.outbox().findByAggregate(EXISTING_ORDER.toString()),
                  tx.consents().findByOrder(EXISTING_ORDER),
                  tx.consents().head(),
                  List.of(
                      tx.consents().subjectKey(Kit.SUBJECT),
                      tx.consents().subjectKey(Kit.OTHER_SUBJECT)));
            });

    assertThat(inside).isEqualTo(snapshot());
    assertThat(inside.newOrder()).isPresent();
    assertThat(inside.mug()).map(Product::stock).contains(7L);
  }

  @Test
  void theResultIsReturnedOnlyOnceCommittedSoAnotherThreadSeesTheChangeAtOnce() {
    String result =
        storage.inTransaction(
            tx -> {
              tx.products().upsert(MUG, "Mug", Money.of(1250, "EUR"), 10, T0);
              return "the result";
            });

    List<Optional<Product>> seenElsewhere =
        Kit.values(Kit.race(1, 1, i -> storage.inTransaction(tx -> tx.products().find(MUG))));

    assertThat(result).isEqualTo("the result");
    assertThat(seenElsewhere.get(0)).map(Product::stock).contains(10L);
  }

  @Test
  void storesThrowIllegalStateExceptionWhenUsedAfterTheirUnitOfWorkReturned() {
    seed();
    AtomicReference<StorageTransaction> leaked = new AtomicReference<>();

    storage.inTransaction(
        tx -> {
          leaked.set(tx);
          return Boolean.TRUE;
        });

    assertEveryStoreIsClosed(Objects.requireNonNull(leaked.get(), "the unit of work ran"));
  }

  @Test
  void storesThrowIllegalStateExceptionWhenUsedAfterTheirUnitOfWorkRolledBack() {
    seed();
    AtomicReference<StorageTransaction> leaked = new AtomicReference<>();
    RuntimeException boom = new IllegalStateException("rolled back on purpose");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      leaked.set(tx);
                      throw boom;
                    }))
        .isSameAs(boom);

    assertEveryStoreIsClosed(Objects.requireNonNull(leaked.get(), "the unit of work ran"));
  }

  private void assertEveryStoreIsClosed(StorageTransaction tx) {
    Snapshot before = snapshot();
    List<Consumer<StorageTransaction>> uses =
        List.of(
            t -> t.products().find(MUG),
            t -> t.products().reserve(MUG, 1, T1),
            t -> t.orders().find(EXISTING_ORDER),
            t -> t.orders().insert(Kit.order(NEW_ORDER, T1)),
            t -> t.idempotency().find(CLAIMED),
            t -> t.idempotency().insert(Kit.claim(NEW_KEY, "late", T1)),
            t -> t.outbox().findByAggregate(EXISTING_ORDER.toString()),
            t -> t.consents().findByOrder(EXISTING_ORDER),
            t -> t.consents().append(Kit.draft(EXISTING_ORDER, ConsentPurpose.MARKETING, T1)),
            t -> t.consents().head(),
            t -> t.consents().read(1, 10),
            t -> t.consents().findBySubject(Kit.SUBJECT),
            t -> t.consents().subjectKey(Kit.SUBJECT),
            t -> t.consents().subjectKeyOrCreate(Kit.OTHER_SUBJECT, SubjectKey.random()),
            t -> t.consents().eraseSubjectKey(Kit.SUBJECT));
    for (int i = 0; i < uses.size(); i++) {
      Consumer<StorageTransaction> use = uses.get(i);
      assertThatThrownBy(() -> use.accept(tx))
          .as("use %d of a store after its unit of work ended", i)
          .isInstanceOf(IllegalStateException.class);
    }
    assertThat(snapshot()).as("late writes changed nothing").isEqualTo(before);
  }

  @Test
  void aNestedUnitOfWorkOnTheSameThreadThrowsIllegalStateException() {
    AtomicReference<Throwable> nested = new AtomicReference<>();

    storage.inTransaction(
        tx -> {
          try {
            storage.inTransaction(inner -> inner.products().find(MUG));
          } catch (RuntimeException e) {
            nested.set(e);
          }
          return Boolean.TRUE;
        });

    assertThat(nested.get()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unitsOfWorkFromManyThreadsAllCommit() {
    int threads = 16;

    Kit.values(
        Kit.race(
            threads,
            threads,
            i ->
                Kit.inTransactionRetrying(
                    storage,
                    tx ->
                        tx.products()
                            .upsert(
                                Sku.of("sku-" + i), "Product " + i, Money.of(i, "EUR"), i, T0))));

    List<Product> all = storage.inTransaction(tx -> tx.products().findAll());
    assertThat(all).hasSize(threads);
  }

  /** An {@link Error} thrown from a unit of work on purpose. */
  private static final class UnitOfWorkError extends Error {
    private static final long serialVersionUID = 1L;

    UnitOfWorkError() {
      super("an error thrown from a unit of work on purpose");
    }
  }
}

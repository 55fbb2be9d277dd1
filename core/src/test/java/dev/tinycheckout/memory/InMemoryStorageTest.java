package dev.tinycheckout.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderLine;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.store.StorageTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The in-memory storage's units of work: atomic, confined to their call, never nested. */
class InMemoryStorageTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Sku APPLE = Sku.of("apple");
  private static final Sku PEAR = Sku.of("pear");
  private static final Email EMAIL = Email.of("ann@example.com");
  private static final SubjectId ANN = SubjectId.of("a".repeat(64));
  private static final SubjectId BEA = SubjectId.of("b".repeat(64));
  private static final SubjectKey ANNS_KEY = SubjectKey.random();

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final OrderId existingOrder = OrderId.generate(Clock.fixed(T0, ZoneOffset.UTC));
  private final IdempotencyKey keptKey = IdempotencyKey.of("kept");
  private final IdempotencyKey expiredKey = IdempotencyKey.of("expired");
  private final IdempotencyKey deletedKey = IdempotencyKey.of("deleted");

  InMemoryStorageTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(APPLE, "Apple", Money.of(100, "USD"), 10, T0);
          tx.orders().insert(order(existingOrder, APPLE, 1));
          tx.idempotency().insert(record(keptKey, 1, Duration.ofHours(24)));
          tx.idempotency().insert(record(expiredKey, 1, Duration.ofMinutes(1)));
          tx.idempotency().insert(record(deletedKey, 1, Duration.ofHours(24)));
          tx.outbox().enqueue(event(existingOrder));
          tx.consents().append(consent(existingOrder));
          tx.consents().subjectKeyOrCreate(ANN, ANNS_KEY);
          return null;
        });
  }

  /** Every observable fact of the storage, to compare before and after a unit of work. */
  private record Snapshot(
      List<Product> products,
      Map<OrderId, Optional<Order>> orders,
      Map<IdempotencyKey, Optional<IdempotencyRecord>> keys,
      List<OutboxEvent> events,
      List<ConsentEntry> consents,
      ConsentHead consentHead,
      List<ConsentEntry> bySubject,
      List<Optional<SubjectKey>> subjectKeys) {}

  private Snapshot snapshot(OrderId newOrder) {
    return storage.inTransaction(
        tx ->
            new Snapshot(
                tx.products().findAll(),
                Map.of(
                    existingOrder, tx.orders().find(existingOrder),
                    newOrder, tx.orders().find(newOrder)),
                Map.of(
                    keptKey,
                    tx.idempotency().find(keptKey),
                    expiredKey,
                    tx.idempotency().find(expiredKey),
                    deletedKey,
                    tx.idempotency().find(deletedKey),
                    IdempotencyKey.of("new"),
                    tx.idempotency().find(IdempotencyKey.of("new"))),
                List.copyOf(
                    concat(
                        tx.outbox().findByAggregate(existingOrder.toString()),
                        tx.outbox().findByAggregate(newOrder.toString()))),
                List.copyOf(
                    concat(
                        tx.consents().findByOrder(existingOrder),
                        tx.consents().findByOrder(newOrder))),
                tx.consents().head(),
                tx.consents().findBySubject(ANN),
                List.of(tx.consents().subjectKey(ANN), tx.consents().subjectKey(BEA))));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"runtime", "error"})
  void aUnitOfWorkThatThrowsLeavesNoTraceInAnyStore(String thrown) {
    OrderId newOrder = OrderId.generate(Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));
    Snapshot before = snapshot(newOrder);
    Instant later = T0.plus(Duration.ofHours(1));
    Throwable failure =
        thrown.equals("runtime") ? new IllegalStateException("boom") : new Error("boom");

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      changeEveryStore(tx, newOrder, later);
                      if (failure instanceof RuntimeException r) {
                        throw r;
                      }
                      throw (Error) failure;
                    }))
        .isSameAs(failure);

    assertThat(snapshot(newOrder)).isEqualTo(before);
  }

  @Test
  void theSameChangesCommitTogetherWhenTheUnitOfWorkReturns() {
    OrderId newOrder = OrderId.generate(Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));
    Snapshot before = snapshot(newOrder);

    storage.inTransaction(
        tx -> {
          changeEveryStore(tx, newOrder, T0.plus(Duration.ofHours(1)));
          return null;
        });

    Snapshot after = snapshot(newOrder);
    assertThat(after).isNotEqualTo(before);
    assertThat(after.orders().get(newOrder)).isPresent();
    assertThat(after.keys().get(deletedKey)).isEmpty();
    assertThat(after.keys().get(expiredKey)).isEmpty();
    assertThat(after.products()).extracting(Product::sku).containsExactly(APPLE, PEAR);
    assertThat(after.events()).hasSize(2);
    assertThat(after.consents())
        .extracting(ConsentEntry::sequence)
        .containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void aRolledBackAppendLeavesNoGapInTheConsentSequence() {
    OrderId newOrder = OrderId.generate(Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.consents().append(consent(newOrder));
                      tx.consents().append(consent(newOrder));
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");

    ConsentEntry next = storage.inTransaction(tx -> tx.consents().append(consent(newOrder)));

    assertThat(next.sequence()).isEqualTo(2);
  }

  private void changeEveryStore(StorageTransaction tx, OrderId newOrder, Instant now) {
    tx.products().upsert(PEAR, "Pear", Money.of(80, "USD"), 3, now);
    tx.products().upsert(APPLE, "Green Apple", Money.of(120, "USD"), 20, now);
    assertThat(tx.products().reserve(APPLE, 5, now)).isTrue();
    assertThat(tx.products().release(PEAR, 2, now)).isTrue();
    tx.orders().insert(order(newOrder, PEAR, 2));
    assertThat(
            tx.orders().updateStatus(newOrder, OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, now))
        .isPresent();
    assertThat(
            tx.orders()
                .updateStatus(
                    existingOrder, OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, now))
        .isPresent();
    assertThat(tx.idempotency().insert(record(IdempotencyKey.of("new"), 1, Duration.ofHours(24))))
        .isTrue();
    assertThat(
            tx.idempotency()
                .replace(
                    record(keptKey, 2, Duration.ofHours(24))
                        .completedWith(
                            "finished", new StoredResponse(201, Map.of(), new byte[] {1, 2})),
                    1))
        .isTrue();
    assertThat(tx.idempotency().delete(deletedKey, 1)).isTrue();
    assertThat(tx.idempotency().deleteExpired(now, 10)).isEqualTo(1);
    tx.outbox().enqueue(event(newOrder));
    tx.consents().append(consent(newOrder));
    tx.consents().append(consent(existingOrder));
    assertThat(tx.consents().eraseSubjectKey(ANN)).isTrue();
    tx.consents().subjectKeyOrCreate(BEA, SubjectKey.random());
  }

  @ParameterizedTest
  @ValueSource(strings = {"products", "orders", "idempotency", "outbox", "consents"})
  void aStoreUsedAfterItsUnitOfWorkReturnedRefusesToAct(String store) {
    AtomicReference<StorageTransaction> leaked = new AtomicReference<>();
    storage.inTransaction(
        tx -> {
          leaked.set(tx);
          return null;
        });
    StorageTransaction tx = leaked.get();
    Map<String, Consumer<StorageTransaction>> uses =
        Map.of(
            "products", t -> t.products().reserve(APPLE, 1, T0),
            "orders", t -> t.orders().find(existingOrder),
            "idempotency", t -> t.idempotency().find(keptKey),
            "outbox", t -> t.outbox().enqueue(event(existingOrder)),
            "consents", t -> t.consents().append(consent(existingOrder)));

    assertThatThrownBy(() -> uses.get(store).accept(tx)).isInstanceOf(IllegalStateException.class);
    assertThat(appleStock()).isEqualTo(10);
  }

  @Test
  void aStoreKeptFromAUnitOfWorkThatThrewRefusesToAct() {
    AtomicReference<StorageTransaction> leaked = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      leaked.set(tx);
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");

    assertThatThrownBy(() -> leaked.get().products().reserve(APPLE, 1, T0))
        .isInstanceOf(IllegalStateException.class);
    assertThat(appleStock()).isEqualTo(10);
  }

  @Test
  void aNestedUnitOfWorkIsRefusedAndTheOuterOneRollsBack() {
    Function<StorageTransaction, Object> outer =
        tx -> {
          tx.products().reserve(APPLE, 4, T0);
          return storage.inTransaction(inner -> inner.products().reserve(APPLE, 1, T0));
        };

    assertThatThrownBy(() -> storage.inTransaction(outer::apply))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nested");

    assertThat(appleStock()).isEqualTo(10);
  }

  @Test
  void theStorageIsUsableAgainAfterARefusedNestedUnitOfWork() {
    assertThatThrownBy(
            () -> storage.inTransaction(tx -> storage.inTransaction(inner -> Boolean.TRUE)))
        .isInstanceOf(IllegalStateException.class);

    boolean reserved = storage.inTransaction(tx -> tx.products().reserve(APPLE, 1, T0));
    assertThat(reserved).isTrue();
    assertThat(appleStock()).isEqualTo(9);
  }

  private long appleStock() {
    return storage.inTransaction(t -> t.products().find(APPLE).orElseThrow().stock());
  }

  private static Order order(OrderId id, Sku sku, int quantity) {
    return Order.create(id, List.of(OrderLine.of(sku, quantity, Money.of(100, "USD"))), EMAIL, T0);
  }

  private static IdempotencyRecord record(IdempotencyKey key, long fence, Duration retention) {
    return IdempotencyRecord.claimed(
        key, RequestFingerprint.of(key.value()), fence, T0, T0.plusSeconds(30), T0.plus(retention));
  }

  private static OutboxEvent event(OrderId order) {
    return new OutboxEvent(UUID.randomUUID(), OutboxEvent.ORDER_PLACED, order.toString(), "{}", T0);
  }

  private static ConsentDraft consent(OrderId order) {
    return new ConsentDraft(
        ANN,
        ConsentAction.GRANTED,
        ConsentPurpose.TERMS_OF_SALE,
        "v1",
        ConsentHash.ZERO,
        "checkout",
        order,
        T0,
        "");
  }
}

package dev.tinycheckout.testkit;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Storages with one deliberate, realistic bug each, built on {@link InMemoryStorage}, for proving
 * that the contract kits catch them. Each bug is one an adapter author could plausibly write.
 */
final class BrokenStorages {
  private BrokenStorages() {}

  /** Reserve takes whatever stock is left instead of refusing: a read-compute-write "UPDATE". */
  static CheckoutStorage overselling() {
    return wrapping(
        tx ->
            new Stores(
                new ForwardingProductStore(tx.products()) {
                  @Override
                  public boolean reserve(Sku sku, int quantity, Instant now) {
                    if (quantity < 1) {
                      throw new IllegalArgumentException("quantity must be at least 1");
                    }
                    Optional<Product> p = find(sku);
                    if (p.isEmpty()) {
                      return false;
                    }
                    Product product = p.get();
                    upsert(
                        sku,
                        product.name(),
                        product.price(),
                        Math.max(0, product.stock() - quantity),
                        now);
                    return true;
                  }
                },
                tx.orders(),
                tx.idempotency(),
                tx.outbox(),
                tx.consents(),
                deliveriesOf(tx)));
  }

  /**
   * Insert of an existing key overwrites it and reports success: an upsert without a unique key.
   */
  static CheckoutStorage idempotencyInsertOverwrites() {
    return wrapping(
        tx ->
            new Stores(
                tx.products(),
                tx.orders(),
                new ForwardingIdempotencyStore(tx.idempotency()) {
                  @Override
                  public boolean insert(IdempotencyRecord record) {
                    Optional<IdempotencyRecord> existing = find(record.key());
                    if (existing.isPresent()) {
                      return replace(record, existing.get().fence());
                    }
                    return super.insert(record);
                  }
                },
                tx.outbox(),
                tx.consents(),
                deliveriesOf(tx)));
  }

  /** Replace ignores the expected fence: an "UPDATE ... WHERE key = ?" without "AND fence = ?". */
  static CheckoutStorage idempotencyReplaceIgnoresTheFence() {
    return wrapping(
        tx ->
            new Stores(
                tx.products(),
                tx.orders(),
                new ForwardingIdempotencyStore(tx.idempotency()) {
                  @Override
                  public boolean replace(IdempotencyRecord record, long expectedFence) {
                    Optional<IdempotencyRecord> current = find(record.key());
                    return current.isPresent() && super.replace(record, current.get().fence());
                  }
                },
                tx.outbox(),
                tx.consents(),
                deliveriesOf(tx)));
  }

  /**
   * Status updates report success whenever the order exists, whatever its status: an UPDATE whose
   * row count is not checked.
   */
  static CheckoutStorage orderStatusWithoutCompare() {
    return wrapping(
        tx ->
            new Stores(
                tx.products(),
                new ForwardingOrderStore(tx.orders()) {
                  @Override
                  public Optional<Order> updateStatus(
                      OrderId id, OrderStatus expected, OrderStatus next, Instant now) {
                    if (!expected.canTransitionTo(next)) {
                      throw new IllegalOrderTransitionException(id, expected, next);
                    }
                    Optional<Order> updated = super.updateStatus(id, expected, next, now);
                    if (updated.isPresent()) {
                      return updated;
                    }
                    return find(id)
                        .map(
                            o ->
                                new Order(
                                    o.id(),
                                    next,
                                    o.lines(),
                                    o.total(),
                                    o.email(),
                                    o.createdAt(),
                                    now.isBefore(o.createdAt()) ? o.createdAt() : now));
                  }
                },
                tx.idempotency(),
                tx.outbox(),
                tx.consents(),
                deliveriesOf(tx)));
  }

  /**
   * Consent times come back cut to the millisecond: a TIMESTAMP(3) column, or a driver that maps to
   * {@code java.util.Date}. The hashes cover microseconds, so every entry read back is off.
   */
  static CheckoutStorage consentTimesToTheMillisecond() {
    return wrapping(
        tx ->
            new Stores(
                tx.products(),
                tx.orders(),
                tx.idempotency(),
                tx.outbox(),
                new ForwardingConsentLog(tx.consents()) {
                  @Override
                  List<ConsentEntry> adapt(List<ConsentEntry> entries) {
                    return entries.stream()
                        .map(
                            e ->
                                new ConsentEntry(
                                    e.sequence(),
                                    e.subjectId(),
                                    e.action(),
                                    e.purpose(),
                                    e.termsVersion(),
                                    e.termsHash(),
                                    e.channel(),
                                    e.orderId(),
                                    e.recordedAt().truncatedTo(ChronoUnit.MILLIS),
                                    e.sealedPersonalData(),
                                    e.previousHash(),
                                    e.hash()))
                        .toList();
                  }
                },
                deliveriesOf(tx)));
  }

  /**
   * Reading the trail skips entries that do not match their hash: a "helpful" store that hides
   * damage, so that an edited entry looks deleted and the verifier names the wrong problem.
   */
  static InMemoryBacked consentReadSkipsDamagedEntries() {
    return new InMemoryBacked(
        InMemoryStorage.create(),
        tx ->
            new Stores(
                tx.products(),
                tx.orders(),
                tx.idempotency(),
                tx.outbox(),
                new ForwardingConsentLog(tx.consents()) {
                  @Override
                  List<ConsentEntry> adapt(List<ConsentEntry> entries) {
                    return entries.stream().filter(ConsentEntry::isIntact).toList();
                  }
                },
                deliveriesOf(tx)));
  }

  /** A broken storage over an in-memory one that a tamper test can reach. */
  record InMemoryBacked(InMemoryStorage delegate, UnaryOperator<StorageTransaction> breaker)
      implements CheckoutStorage {
    @Override
    public <T> T inTransaction(UnitOfWork<T> work) {
      return delegate.inTransaction(tx -> work.run(breaker.apply(tx)));
    }
  }

  /** Forwards every call; what the reads return passes through {@link #adapt}. */
  private abstract static class ForwardingConsentLog implements ConsentLog {
    private final ConsentLog delegate;

    ForwardingConsentLog(ConsentLog delegate) {
      this.delegate = delegate;
    }

    abstract List<ConsentEntry> adapt(List<ConsentEntry> entries);

    @Override
    public ConsentEntry append(ConsentDraft draft) {
      return delegate.append(draft);
    }

    @Override
    public ConsentHead head() {
      return delegate.head();
    }

    @Override
    public List<ConsentEntry> read(long fromSequence, int limit) {
      return adapt(delegate.read(fromSequence, limit));
    }

    @Override
    public List<ConsentEntry> findByOrder(OrderId orderId) {
      return adapt(delegate.findByOrder(orderId));
    }

    @Override
    public List<ConsentEntry> findBySubject(SubjectId subjectId) {
      return adapt(delegate.findBySubject(subjectId));
    }

    @Override
    public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
      return delegate.subjectKey(subjectId);
    }

    @Override
    public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
      return delegate.subjectKeyOrCreate(subjectId, candidate);
    }

    @Override
    public boolean eraseSubjectKey(SubjectId subjectId) {
      return delegate.eraseSubjectKey(subjectId);
    }
  }

  /** Events come back sorted by id instead of in enqueue order: "ORDER BY id". */
  static CheckoutStorage outboxOrderedById() {
    return wrapping(
        tx ->
            new Stores(
                tx.products(),
                tx.orders(),
                tx.idempotency(),
                new Outbox() {
                  @Override
                  public void enqueue(OutboxEvent event) {
                    tx.outbox().enqueue(event);
                  }

                  @Override
                  public List<OutboxEvent> findByAggregate(String aggregateId) {
                    return tx.outbox().findByAggregate(aggregateId).stream()
                        .sorted(Comparator.comparing(OutboxEvent::id))
                        .toList();
                  }
                },
                tx.consents(),
                deliveriesOf(tx)));
  }

  /**
   * Every store call commits on its own, as with a JDBC connection left in auto-commit mode: no
   * rollback, stores that work after their unit of work, and nesting that goes unnoticed.
   */
  static CheckoutStorage autoCommit() {
    InMemoryStorage delegate = InMemoryStorage.create();
    StorageTransaction autoCommitting =
        new Stores(
            autoCommitting(ProductStore.class, delegate, StorageTransaction::products),
            autoCommitting(OrderStore.class, delegate, StorageTransaction::orders),
            autoCommitting(IdempotencyStore.class, delegate, StorageTransaction::idempotency),
            autoCommitting(Outbox.class, delegate, StorageTransaction::outbox),
            autoCommitting(ConsentLog.class, delegate, StorageTransaction::consents),
            autoCommitting(DeliveryStore.class, delegate, StorageTransaction::deliveries));
    return new CheckoutStorage() {
      @Override
      public <T> T inTransaction(UnitOfWork<T> work) {
        return work.run(autoCommitting);
      }
    };
  }

  private static <S> S autoCommitting(
      Class<S> type, CheckoutStorage delegate, Function<StorageTransaction, S> store) {
    InvocationHandler handler =
        (proxy, method, args) ->
            delegate.inTransaction(tx -> invoke(method, store.apply(tx), args));
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  /**
   * The transaction's delivery store, looked up only when first used: a kit that never touches
   * deliveries must not depend on them.
   */
  private static DeliveryStore deliveriesOf(StorageTransaction tx) {
    InvocationHandler handler = (proxy, method, args) -> invoke(method, tx.deliveries(), args);
    return (DeliveryStore)
        Proxy.newProxyInstance(
            DeliveryStore.class.getClassLoader(), new Class<?>[] {DeliveryStore.class}, handler);
  }

  private static Object invoke(Method method, Object target, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CheckoutStorage wrapping(UnaryOperator<StorageTransaction> breaker) {
    InMemoryStorage delegate = InMemoryStorage.create();
    return new CheckoutStorage() {
      @Override
      public <T> T inTransaction(UnitOfWork<T> work) {
        return delegate.inTransaction(tx -> work.run(breaker.apply(tx)));
      }
    };
  }

  /** The six stores of a transaction, as a value. */
  record Stores(
      ProductStore products,
      OrderStore orders,
      IdempotencyStore idempotency,
      Outbox outbox,
      ConsentLog consents,
      DeliveryStore deliveries)
      implements StorageTransaction {}

  private static class ForwardingProductStore implements ProductStore {
    private final ProductStore delegate;

    ForwardingProductStore(ProductStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Product> find(Sku sku) {
      return delegate.find(sku);
    }

    @Override
    public List<Product> findAll() {
      return delegate.findAll();
    }

    @Override
    public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
      return delegate.upsert(sku, name, price, stock, now);
    }

    @Override
    public boolean reserve(Sku sku, int quantity, Instant now) {
      return delegate.reserve(sku, quantity, now);
    }

    @Override
    public boolean release(Sku sku, int quantity, Instant now) {
      return delegate.release(sku, quantity, now);
    }
  }

  private static class ForwardingOrderStore implements OrderStore {
    private final OrderStore delegate;

    ForwardingOrderStore(OrderStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void insert(Order order) {
      delegate.insert(order);
    }

    @Override
    public Optional<Order> find(OrderId id) {
      return delegate.find(id);
    }

    @Override
    public Optional<Order> updateStatus(
        OrderId id, OrderStatus expected, OrderStatus next, Instant now) {
      return delegate.updateStatus(id, expected, next, now);
    }
  }

  private static class ForwardingIdempotencyStore implements IdempotencyStore {
    private final IdempotencyStore delegate;

    ForwardingIdempotencyStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
      return delegate.find(key);
    }

    @Override
    public boolean insert(IdempotencyRecord record) {
      return delegate.insert(record);
    }

    @Override
    public boolean replace(IdempotencyRecord record, long expectedFence) {
      return delegate.replace(record, expectedFence);
    }

    @Override
    public boolean delete(IdempotencyKey key, long expectedFence) {
      return delegate.delete(key, expectedFence);
    }

    @Override
    public int deleteExpired(Instant now, int limit) {
      return delegate.deleteExpired(now, limit);
    }
  }
}

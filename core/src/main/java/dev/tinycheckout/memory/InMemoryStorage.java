package dev.tinycheckout.memory;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * All stores in memory, for tests, examples, benchmarks and single-process shops that can afford to
 * lose everything on restart. Units of work run one at a time under a lock and are atomic: each
 * change records its undo, and a unit of work that throws is undone completely before the exception
 * propagates.
 *
 * <p>Thread-safe. Every rule of the testkit contracts holds, including concurrency; nothing is
 * persisted. Tamper tests reach the consent rows behind the store's back through {@link
 * InMemoryConsentRows}, test support that nothing else uses.
 */
public final class InMemoryStorage implements CheckoutStorage {
  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<Sku, Product> products = new TreeMap<>();
  private final Map<OrderId, Order> orders = new HashMap<>();
  private final Map<IdempotencyKey, IdempotencyRecord> keys = new HashMap<>();
  private final Map<UUID, OutboxEvent> events = new HashMap<>();
  private final Map<String, List<OutboxEvent>> eventsByAggregate = new HashMap<>();
  private final InMemoryConsentTrail consentTrail = new InMemoryConsentTrail();
  private final Map<UUID, DeliveryRow> deliveries = new HashMap<>();
  // The pending and claimed deliveries, by enqueue sequence: what a claim has to look at.
  private final TreeMap<Long, UUID> activeDeliveries = new TreeMap<>();
  private long deliverySequence;

  private InMemoryStorage() {}

  /**
   * An empty storage.
   *
   * @return a storage with no product, order, key, event or consent
   */
  public static InMemoryStorage create() {
    return new InMemoryStorage();
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    Objects.requireNonNull(work, "work");
    if (lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("nested units of work are not supported");
    }
    Tx tx = new Tx();
    lock.lock();
    try {
      T result = work.run(tx);
      tx.open = false;
      return result;
    } catch (RuntimeException | Error e) {
      tx.open = false;
      tx.rollback();
      throw e;
    } finally {
      lock.unlock();
    }
  }

  InMemoryConsentTrail consentTrail() {
    return consentTrail;
  }

  /** Runs an action under the storage's lock, outside any unit of work (for test support). */
  <T> T underLock(Supplier<T> action) {
    if (lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("not from inside a unit of work");
    }
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private final class Tx implements StorageTransaction {
    boolean open = true;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Products products = new Products(this);
    private final Orders orders = new Orders(this);
    private final Keys keys = new Keys(this);
    private final Events events = new Events(this);
    private final ConsentLog consents = consentTrail.log(this::check, this::onRollback);
    private final Deliveries deliveries = new Deliveries(this);

    void check() {
      if (!open) {
        throw new IllegalStateException("this transaction has ended; use stores only inside it");
      }
    }

    void onRollback(Runnable action) {
      undo.push(action);
    }

    void rollback() {
      while (!undo.isEmpty()) {
        undo.pop().run();
      }
    }

    @Override
    public ProductStore products() {
      return products;
    }

    @Override
    public OrderStore orders() {
      return orders;
    }

    @Override
    public IdempotencyStore idempotency() {
      return keys;
    }

    @Override
    public Outbox outbox() {
      return events;
    }

    @Override
    public ConsentLog consents() {
      return consents;
    }

    @Override
    public DeliveryStore deliveries() {
      return deliveries;
    }
  }

  private <K, V> void put(Tx tx, Map<K, V> map, K key, V value) {
    V old = map.put(key, value);
    tx.onRollback(
        () -> {
          if (old == null) {
            map.remove(key);
          } else {
            map.put(key, old);
          }
        });
  }

  private final class Products implements ProductStore {
    private final Tx tx;

    Products(Tx tx) {
      this.tx = tx;
    }

    @Override
    public Optional<Product> find(Sku sku) {
      tx.check();
      return Optional.ofNullable(products.get(Objects.requireNonNull(sku, "sku")));
    }

    @Override
    public List<Product> findAll() {
      tx.check();
      return List.copyOf(products.values());
    }

    @Override
    public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
      tx.check();
      Objects.requireNonNull(sku, "sku");
      Product old = products.get(sku);
      Product next = new Product(sku, name, price, stock, old == null ? 1 : old.version() + 1, now);
      put(tx, products, sku, next);
      return next;
    }

    @Override
    public boolean reserve(Sku sku, int quantity, Instant now) {
      tx.check();
      requirePositive(quantity);
      Product p = products.get(Objects.requireNonNull(sku, "sku"));
      if (p == null || p.stock() < quantity) {
        return false;
      }
      put(tx, products, sku, withStock(p, p.stock() - quantity, now));
      return true;
    }

    @Override
    public boolean release(Sku sku, int quantity, Instant now) {
      tx.check();
      requirePositive(quantity);
      Product p = products.get(Objects.requireNonNull(sku, "sku"));
      if (p == null) {
        return false;
      }
      put(tx, products, sku, withStock(p, Math.addExact(p.stock(), quantity), now));
      return true;
    }

    private Product withStock(Product p, long stock, Instant now) {
      return new Product(
          p.sku(), p.name(), p.price(), stock, p.version() + 1, Objects.requireNonNull(now, "now"));
    }

    private void requirePositive(int quantity) {
      if (quantity < 1) {
        throw new IllegalArgumentException("quantity must be at least 1, but was " + quantity);
      }
    }
  }

  private final class Orders implements OrderStore {
    private final Tx tx;

    Orders(Tx tx) {
      this.tx = tx;
    }

    @Override
    public void insert(Order order) {
      tx.check();
      Objects.requireNonNull(order, "order");
      if (orders.containsKey(order.id())) {
        throw new IllegalStateException("order " + order.id() + " exists already");
      }
      put(tx, orders, order.id(), order);
    }

    @Override
    public Optional<Order> find(OrderId id) {
      tx.check();
      return Optional.ofNullable(orders.get(Objects.requireNonNull(id, "id")));
    }

    @Override
    public Optional<Order> updateStatus(
        OrderId id, OrderStatus expected, OrderStatus next, Instant now) {
      tx.check();
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(now, "now");
      if (!expected.canTransitionTo(next)) {
        throw new IllegalOrderTransitionException(id, expected, next);
      }
      Order current = orders.get(id);
      if (current == null || current.status() != expected) {
        return Optional.empty();
      }
      Order updated = current.transitionTo(next, now);
      put(tx, orders, id, updated);
      return Optional.of(updated);
    }
  }

  private final class Keys implements IdempotencyStore {
    private final Tx tx;

    Keys(Tx tx) {
      this.tx = tx;
    }

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
      tx.check();
      return Optional.ofNullable(keys.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public boolean insert(IdempotencyRecord record) {
      tx.check();
      Objects.requireNonNull(record, "record");
      if (keys.containsKey(record.key())) {
        return false;
      }
      put(tx, keys, record.key(), record);
      return true;
    }

    @Override
    public boolean replace(IdempotencyRecord record, long expectedFence) {
      tx.check();
      Objects.requireNonNull(record, "record");
      IdempotencyRecord current = keys.get(record.key());
      if (current == null || current.fence() != expectedFence) {
        return false;
      }
      put(tx, keys, record.key(), record);
      return true;
    }

    @Override
    public boolean delete(IdempotencyKey key, long expectedFence) {
      tx.check();
      IdempotencyRecord current = keys.get(Objects.requireNonNull(key, "key"));
      if (current == null || current.fence() != expectedFence) {
        return false;
      }
      keys.remove(key);
      tx.onRollback(() -> keys.put(key, current));
      return true;
    }

    @Override
    public int deleteExpired(Instant now, int limit) {
      tx.check();
      Objects.requireNonNull(now, "now");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      int deleted = 0;
      Iterator<Map.Entry<IdempotencyKey, IdempotencyRecord>> it = keys.entrySet().iterator();
      while (it.hasNext() && deleted < limit) {
        Map.Entry<IdempotencyKey, IdempotencyRecord> e = it.next();
        if (e.getValue().isPurgeable(now)) {
          IdempotencyKey key = e.getKey();
          IdempotencyRecord record = e.getValue();
          it.remove();
          tx.onRollback(() -> keys.put(key, record));
          deleted++;
        }
      }
      return deleted;
    }
  }

  private final class Events implements Outbox {
    private final Tx tx;

    Events(Tx tx) {
      this.tx = tx;
    }

    @Override
    public void enqueue(OutboxEvent event) {
      tx.check();
      Objects.requireNonNull(event, "event");
      if (events.containsKey(event.id())) {
        throw new IllegalStateException("outbox event " + event.id() + " exists already");
      }
      put(tx, events, event.id(), event);
      List<OutboxEvent> list =
          eventsByAggregate.computeIfAbsent(event.aggregateId(), k -> new ArrayList<>());
      list.add(event);
      tx.onRollback(
          () -> {
            list.remove(list.size() - 1);
            if (list.isEmpty()) {
              eventsByAggregate.remove(event.aggregateId());
            }
          });
    }

    @Override
    public List<OutboxEvent> findByAggregate(String aggregateId) {
      tx.check();
      return List.copyOf(
          eventsByAggregate.getOrDefault(
              Objects.requireNonNull(aggregateId, "aggregateId"), List.of()));
    }
  }

  private enum DeliveryState {
    PENDING,
    CLAIMED,
    DONE,
    DEAD
  }

  /** One delivery row; replaced as a whole on every change, so the undo log restores it. */
  private record DeliveryRow(
      long seq,
      PendingDelivery spec,
      Instant enqueuedAt,
      DeliveryState state,
      Instant availableAt,
      int attempts,
      long version,
      @Nullable String owner,
      @Nullable Instant leaseUntil,
      @Nullable String lastError,
      @Nullable Instant finishedAt) {

    boolean isActive() {
      return state == DeliveryState.PENDING || state == DeliveryState.CLAIMED;
    }

    boolean isDue(Instant now) {
      if (state == DeliveryState.PENDING) {
        return !availableAt.isAfter(now);
      }
      return state == DeliveryState.CLAIMED && leaseUntil != null && !leaseUntil.isAfter(now);
    }

    boolean holds(DeliveryClaim claim) {
      return state == DeliveryState.CLAIMED && version == claim.claimVersion();
    }

    DeliveryRow with(
        DeliveryState state,
        Instant availableAt,
        int attempts,
        long version,
        @Nullable String owner,
        @Nullable Instant leaseUntil,
        @Nullable String lastError,
        @Nullable Instant finishedAt) {
      return new DeliveryRow(
          seq,
          spec,
          enqueuedAt,
          state,
          availableAt,
          attempts,
          version,
          owner,
          leaseUntil,
          lastError,
          finishedAt);
    }
  }

  private static final int MAX_ERROR_LENGTH = 2000;

  private static String cut(String error) {
    Objects.requireNonNull(error, "error");
    return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH);
  }

  private final class Deliveries implements DeliveryStore {
    private final Tx tx;

    Deliveries(Tx tx) {
      this.tx = tx;
    }

    /** Stores the row (or deletes it, when next is null), keeping the index, with its undo. */
    private void save(@Nullable DeliveryRow old, @Nullable DeliveryRow next) {
      DeliveryRow any = next != null ? next : Objects.requireNonNull(old, "old");
      UUID id = any.spec().deliveryId();
      long seq = any.seq();
      if (next == null) {
        deliveries.remove(id);
      } else {
        deliveries.put(id, next);
      }
      boolean wasActive = old != null && old.isActive();
      boolean isActive = next != null && next.isActive();
      if (isActive) {
        activeDeliveries.put(seq, id);
      } else {
        activeDeliveries.remove(seq);
      }
      tx.onRollback(
          () -> {
            if (old == null) {
              deliveries.remove(id);
            } else {
              deliveries.put(id, old);
            }
            if (wasActive) {
              activeDeliveries.put(seq, id);
            } else {
              activeDeliveries.remove(seq);
            }
          });
    }

    @Override
    public void enqueue(PendingDelivery delivery) {
      tx.check();
      Objects.requireNonNull(delivery, "delivery");
      if (deliveries.containsKey(delivery.deliveryId())) {
        throw new StorageException(
            "delivery " + delivery.deliveryId() + " exists already", false, null);
      }
      if (!events.containsKey(delivery.eventId())) {
        throw new StorageException(
            "delivery "
                + delivery.deliveryId()
                + " refers to outbox event "
                + delivery.eventId()
                + ", which is not in the outbox; enqueue the event first",
            false,
            null);
      }
      long seq = ++deliverySequence;
      save(
          null,
          new DeliveryRow(
              seq,
              delivery,
              delivery.availableAt(),
              DeliveryState.PENDING,
              delivery.availableAt(),
              0,
              0,
              null,
              null,
              null,
              null));
    }

    @Override
    public List<DeliveryClaim> claim(String owner, Instant now, Duration lease, int limit) {
      tx.check();
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(lease, "lease");
      if (owner.isEmpty() || owner.length() > 128) {
        throw new IllegalArgumentException(
            "owner must be 1-128 characters, but was " + owner.length());
      }
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("lease must be positive, but was " + lease);
      }
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      // Walk the active rows in enqueue order: the first row seen of a (hook, ordering key) group
      // is its head, and only the head of a group may be claimed.
      Set<List<String>> groupsSeen = new HashSet<>();
      List<DeliveryRow> due = new ArrayList<>();
      for (UUID id : activeDeliveries.values()) {
        DeliveryRow row = Objects.requireNonNull(deliveries.get(id), "indexed row");
        Optional<String> key = row.spec().orderingKey();
        if (key.isPresent() && !groupsSeen.add(List.of(row.spec().hook(), key.get()))) {
          continue;
        }
        if (row.isDue(now)) {
          due.add(row);
        }
      }
      due.sort(Comparator.comparing(DeliveryRow::availableAt).thenComparingLong(DeliveryRow::seq));
      List<DeliveryClaim> claims = new ArrayList<>(Math.min(limit, due.size()));
      Instant leaseUntil = now.plus(lease);
      for (DeliveryRow row : due.subList(0, Math.min(limit, due.size()))) {
        DeliveryRow claimed =
            row.with(
                DeliveryState.CLAIMED,
                row.availableAt(),
                row.attempts() + 1,
                row.version() + 1,
                owner,
                leaseUntil,
                row.lastError(),
                null);
        save(row, claimed);
        claims.add(
            new DeliveryClaim(
                row.spec().deliveryId(),
                row.spec().hook(),
                claimed.attempts(),
                claimed.version(),
                owner,
                leaseUntil,
                event(row)));
      }
      return List.copyOf(claims);
    }

    private OutboxEvent event(DeliveryRow row) {
      return Objects.requireNonNull(events.get(row.spec().eventId()), "the delivery's event");
    }

    private @Nullable DeliveryRow held(DeliveryClaim claim) {
      DeliveryRow row = deliveries.get(Objects.requireNonNull(claim, "claim").deliveryId());
      return row != null && row.holds(claim) ? row : null;
    }

    @Override
    public boolean complete(DeliveryClaim claim, Instant now) {
      tx.check();
      Objects.requireNonNull(now, "now");
      DeliveryRow row = held(claim);
      if (row == null) {
        return false;
      }
      save(
          row,
          row.with(
              DeliveryState.DONE,
              row.availableAt(),
              row.attempts(),
              row.version(),
              null,
              null,
              row.lastError(),
              now));
      return true;
    }

    @Override
    public boolean retryLater(DeliveryClaim claim, Instant availableAt, String error) {
      tx.check();
      Objects.requireNonNull(availableAt, "availableAt");
      String text = cut(error);
      DeliveryRow row = held(claim);
      if (row == null) {
        return false;
      }
      save(
          row,
          row.with(
              DeliveryState.PENDING,
              availableAt,
              row.attempts(),
              row.version(),
              null,
              null,
              text,
              null));
      return true;
    }

    @Override
    public boolean deadLetter(DeliveryClaim claim, Instant now, String error) {
      tx.check();
      Objects.requireNonNull(now, "now");
      String text = cut(error);
      DeliveryRow row = held(claim);
      if (row == null) {
        return false;
      }
      save(
          row,
          row.with(
              DeliveryState.DEAD,
              row.availableAt(),
              row.attempts(),
              row.version(),
              null,
              null,
              text,
              now));
      return true;
    }

    @Override
    public int release(String owner, Instant now) {
      tx.check();
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(now, "now");
      List<DeliveryRow> mine = new ArrayList<>();
      for (UUID id : activeDeliveries.values()) {
        DeliveryRow row = Objects.requireNonNull(deliveries.get(id), "indexed row");
        if (row.state() == DeliveryState.CLAIMED && owner.equals(row.owner())) {
          mine.add(row);
        }
      }
      for (DeliveryRow row : mine) {
        save(
            row,
            row.with(
                DeliveryState.PENDING,
                now,
                Math.max(0, row.attempts() - 1),
                row.version(),
                null,
                null,
                row.lastError(),
                null));
      }
      return mine.size();
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
      tx.check();
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      return deliveries.values().stream()
          .filter(r -> r.state() == DeliveryState.DEAD)
          .sorted(
              Comparator.comparing((DeliveryRow r) -> Objects.requireNonNull(r.finishedAt()))
                  .thenComparingLong(DeliveryRow::seq))
          .limit(limit)
          .map(
              r ->
                  new DeadLetter(
                      r.spec().deliveryId(),
                      r.spec().hook(),
                      r.attempts(),
                      Objects.requireNonNull(r.lastError(), "lastError"),
                      Objects.requireNonNull(r.finishedAt(), "deadAt"),
                      event(r)))
          .toList();
    }

    @Override
    public boolean replay(UUID deliveryId, Instant now) {
      tx.check();
      Objects.requireNonNull(now, "now");
      DeliveryRow row = deliveries.get(Objects.requireNonNull(deliveryId, "deliveryId"));
      if (row == null || row.state() != DeliveryState.DEAD) {
        return false;
      }
      save(
          row,
          row.with(
              DeliveryState.PENDING, now, 0, row.version(), null, null, row.lastError(), null));
      return true;
    }

    @Override
    public int pruneDone(Instant doneBefore, int limit) {
      tx.check();
      Objects.requireNonNull(doneBefore, "doneBefore");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      List<DeliveryRow> old = new ArrayList<>();
      for (DeliveryRow row : deliveries.values()) {
        if (old.size() >= limit) {
          break;
        }
        Instant doneAt = row.finishedAt();
        if (row.state() == DeliveryState.DONE && doneAt != null && doneAt.isBefore(doneBefore)) {
          old.add(row);
        }
      }
      for (DeliveryRow row : old) {
        save(row, null);
      }
      return old.size();
    }

    @Override
    public DeliveryBacklog backlog(Instant now) {
      tx.check();
      Objects.requireNonNull(now, "now");
      Optional<Instant> oldest = Optional.empty();
      for (UUID id : activeDeliveries.values()) {
        Instant at = Objects.requireNonNull(deliveries.get(id), "indexed row").enqueuedAt();
        if (oldest.isEmpty() || at.isBefore(oldest.get())) {
          oldest = Optional.of(at);
        }
      }
      long dead = deliveries.values().stream().filter(r -> r.state() == DeliveryState.DEAD).count();
      return new DeliveryBacklog(activeDeliveries.size(), oldest, dead);
    }
  }
}

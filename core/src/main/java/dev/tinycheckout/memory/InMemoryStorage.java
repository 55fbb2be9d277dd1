package dev.tinycheckout.memory;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * All stores in memory, for tests, examples, benchmarks and single-process shops that can afford to
 * lose everything on restart. Units of work run one at a time under a lock and are atomic: each
 * change records its undo, and a unit of work that throws is undone completely before the exception
 * propagates.
 *
 * <p>Thread-safe. Every rule of the testkit contracts holds, including concurrency; nothing is
 * persisted.
 */
public final class InMemoryStorage implements CheckoutStorage {
  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<Sku, Product> products = new TreeMap<>();
  private final Map<OrderId, Order> orders = new HashMap<>();
  private final Map<IdempotencyKey, IdempotencyRecord> keys = new HashMap<>();
  private final Map<UUID, OutboxEvent> events = new HashMap<>();
  private final Map<String, List<OutboxEvent>> eventsByAggregate = new HashMap<>();
  private final List<ConsentEntry> consents = new ArrayList<>();
  private final Map<OrderId, List<ConsentEntry>> consentsByOrder = new HashMap<>();

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

  private final class Tx implements StorageTransaction {
    boolean open = true;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Products products = new Products(this);
    private final Orders orders = new Orders(this);
    private final Keys keys = new Keys(this);
    private final Events events = new Events(this);
    private final Consents consents = new Consents(this);

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

  private final class Consents implements ConsentLog {
    private final Tx tx;

    Consents(Tx tx) {
      this.tx = tx;
    }

    @Override
    public ConsentEntry append(ConsentEvidence evidence) {
      tx.check();
      Objects.requireNonNull(evidence, "evidence");
      ConsentEntry entry = new ConsentEntry(consents.size() + 1L, evidence);
      consents.add(entry);
      List<ConsentEntry> list =
          consentsByOrder.computeIfAbsent(evidence.orderId(), k -> new ArrayList<>());
      list.add(entry);
      tx.onRollback(
          () -> {
            consents.remove(consents.size() - 1);
            list.remove(list.size() - 1);
            if (list.isEmpty()) {
              consentsByOrder.remove(evidence.orderId());
            }
          });
      return entry;
    }

    @Override
    public List<ConsentEntry> findByOrder(OrderId orderId) {
      tx.check();
      return List.copyOf(
          consentsByOrder.getOrDefault(Objects.requireNonNull(orderId, "orderId"), List.of()));
    }
  }
}

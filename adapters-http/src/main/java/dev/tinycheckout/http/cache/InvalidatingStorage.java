package dev.tinycheckout.http.cache;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs units of work on a storage and, once one returned (committed), invalidates the products it
 * changed. Invalidating only after the commit matters: dropped before, a concurrent reader could
 * load and cache the old row again before the new one is visible.
 */
final class InvalidatingStorage implements CheckoutStorage {
  private final CheckoutStorage delegate;
  private final ProductReadCache cache;

  InvalidatingStorage(CheckoutStorage delegate, ProductReadCache cache) {
    this.delegate = delegate;
    this.cache = cache;
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    Objects.requireNonNull(work, "work");
    Set<Sku> touched = new LinkedHashSet<>();
    boolean[] workReturned = {false};
    T result;
    try {
      result =
          delegate.inTransaction(
              tx -> {
                // A retried or re-run unit of work starts from a clean slate.
                touched.clear();
                workReturned[0] = false;
                T r = work.run(new Tx(tx, touched));
                workReturned[0] = true;
                return r;
              });
    } catch (RuntimeException | Error e) {
      if (workReturned[0]) {
        // The commit failed or its outcome is unknown: it may have happened.
        cache.invalidateAll(touched);
      }
      throw e;
    }
    cache.invalidateAll(touched);
    return result;
  }

  private record Tx(StorageTransaction tx, Set<Sku> touched) implements StorageTransaction {
    @Override
    public ProductStore products() {
      return new Products(tx.products(), touched);
    }

    @Override
    public OrderStore orders() {
      return tx.orders();
    }

    @Override
    public IdempotencyStore idempotency() {
      return tx.idempotency();
    }

    @Override
    public Outbox outbox() {
      return tx.outbox();
    }

    @Override
    public ConsentLog consents() {
      return tx.consents();
    }

    @Override
    public DeliveryStore deliveries() {
      return tx.deliveries();
    }
  }

  private record Products(ProductStore store, Set<Sku> touched) implements ProductStore {
    @Override
    public Optional<Product> find(Sku sku) {
      return store.find(sku);
    }

    @Override
    public List<Product> findAll() {
      return store.findAll();
    }

    @Override
    public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
      // Recorded before the call: a store that changed the row and then failed still needs it.
      touched.add(sku);
      return store.upsert(sku, name, price, stock, now);
    }

    @Override
    public boolean reserve(Sku sku, int quantity, Instant now) {
      touched.add(sku);
      return store.reserve(sku, quantity, now);
    }

    @Override
    public boolean release(Sku sku, int quantity, Instant now) {
      touched.add(sku);
      return store.release(sku, quantity, now);
    }
  }
}

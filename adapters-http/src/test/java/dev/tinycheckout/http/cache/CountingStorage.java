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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A real storage that counts product reads and can make each {@code find} slow. */
final class CountingStorage implements CheckoutStorage {
  final AtomicInteger finds = new AtomicInteger();
  final AtomicInteger findAlls = new AtomicInteger();
  private final CheckoutStorage delegate;
  private final Duration findDelay;

  CountingStorage(CheckoutStorage delegate) {
    this(delegate, Duration.ZERO);
  }

  CountingStorage(CheckoutStorage delegate, Duration findDelay) {
    this.delegate = delegate;
    this.findDelay = findDelay;
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    return delegate.inTransaction(tx -> work.run(new Tx(tx)));
  }

  private final class Tx implements StorageTransaction {
    private final StorageTransaction tx;

    Tx(StorageTransaction tx) {
      this.tx = tx;
    }

    @Override
    public ProductStore products() {
      ProductStore store = tx.products();
      return new ProductStore() {
        @Override
        public Optional<Product> find(Sku sku) {
          finds.incrementAndGet();
          if (!findDelay.isZero()) {
            try {
              Thread.sleep(findDelay.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return store.find(sku);
        }

        @Override
        public List<Product> findAll() {
          findAlls.incrementAndGet();
          return store.findAll();
        }

        @Override
        public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
          return store.upsert(sku, name, price, stock, now);
        }

        @Override
        public boolean reserve(Sku sku, int quantity, Instant now) {
          return store.reserve(sku, quantity, now);
        }

        @Override
        public boolean release(Sku sku, int quantity, Instant now) {
          return store.release(sku, quantity, now);
        }
      };
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
}

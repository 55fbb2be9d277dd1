package dev.tinycheckout.benchmarks.consent;

import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;

/**
 * A storage exactly like the one it wraps, in the same transactions, except that {@link
 * StorageTransaction#consents()} is a {@link NoDatabaseConsentLog}: a checkout on it places, pays
 * and answers as usual but writes no consent entry and no subject key, and takes no head lock.
 */
final class WithoutConsentStorage implements CheckoutStorage {
  private final CheckoutStorage delegate;
  private final NoDatabaseConsentLog consents;

  WithoutConsentStorage(CheckoutStorage delegate, NoDatabaseConsentLog consents) {
    this.delegate = delegate;
    this.consents = consents;
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    return delegate.inTransaction(tx -> work.run(new Transaction(tx)));
  }

  /** The wrapped transaction's stores, but for the consent log. */
  private final class Transaction implements StorageTransaction {
    private final StorageTransaction tx;

    Transaction(StorageTransaction tx) {
      this.tx = tx;
    }

    @Override
    public ProductStore products() {
      return tx.products();
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
      return consents;
    }

    @Override
    public DeliveryStore deliveries() {
      return tx.deliveries();
    }
  }
}

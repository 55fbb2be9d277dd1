package dev.tinycheckout.benchmarks.observe;

import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.util.function.Supplier;

/**
 * The storage and the payment gateway that both APIs of a scenario share, replaceable between
 * windows so that the in-memory run's heap holds one window's orders, keys, consents and charges at
 * most ({@link dev.tinycheckout.memory.InMemoryStorage} and {@link TestPaymentGateway} keep all of
 * them). For PostgreSQL only the gateway is replaced; the database keeps everything.
 *
 * <p>Each call reads one volatile field more than the bare storage or gateway would, the same for
 * both variants. Thread-safe; {@link #reset()} only between windows, while no checkout runs.
 */
final class SwappableBackend {
  private final Supplier<CheckoutStorage> freshStorage;
  private final boolean swapsStorage;
  private volatile CheckoutStorage storage;
  private volatile TestPaymentGateway gateway = new TestPaymentGateway();
  private long approvedBefore;

  private final CheckoutStorage storageView =
      new CheckoutStorage() {
        @Override
        public <T> T inTransaction(UnitOfWork<T> work) {
          return storage.inTransaction(work);
        }
      };

  private final PaymentGateway gatewayView =
      new PaymentGateway() {
        @Override
        public PaymentResult charge(PaymentRequest request) {
          return gateway.charge(request);
        }
      };

  private SwappableBackend(Supplier<CheckoutStorage> freshStorage, boolean swapsStorage) {
    this.freshStorage = freshStorage;
    this.swapsStorage = swapsStorage;
    this.storage = freshStorage.get();
  }

  /** A backend whose storage is replaced by a fresh one from {@code fresh} at every reset. */
  static SwappableBackend replacing(Supplier<CheckoutStorage> fresh) {
    return new SwappableBackend(fresh, true);
  }

  /** A backend that keeps one storage for good; resets replace only the gateway. */
  static SwappableBackend keeping(CheckoutStorage storage) {
    return new SwappableBackend(() -> storage, false);
  }

  /** The storage to build the APIs on: always the current one. */
  CheckoutStorage storage() {
    return storageView;
  }

  /** The gateway to build the APIs on: always the current one. */
  PaymentGateway gateway() {
    return gatewayView;
  }

  /** Approved charges of every gateway so far, the current one included. */
  long approvedCharges() {
    return approvedBefore + gateway.approvedCharges();
  }

  /** A fresh gateway, and a fresh storage if this backend replaces it. */
  void reset() {
    approvedBefore += gateway.approvedCharges();
    gateway = new TestPaymentGateway();
    if (swapsStorage) {
      storage = freshStorage.get();
    }
  }
}

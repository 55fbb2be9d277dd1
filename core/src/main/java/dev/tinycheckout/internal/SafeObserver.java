package dev.tinycheckout.internal;

import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.observe.PaymentSignal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls observers so that one that throws never fails the work it observes: a runtime exception, a
 * linkage error or an assertion error is logged at most once a minute per wrapped observer, and
 * otherwise ignored (other errors, such as running out of memory, are not the observer's to hide).
 */
public final class SafeObserver implements CheckoutObserver {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutObserver.class);
  private static final long LOG_EVERY = TimeUnit.MINUTES.toNanos(1);

  private final CheckoutObserver[] observers;
  private final AtomicLong[] nextLog; // per observer, so one noisy observer hides no other

  private SafeObserver(List<CheckoutObserver> observers) {
    this.observers = observers.toArray(CheckoutObserver[]::new);
    this.nextLog = new AtomicLong[this.observers.length];
    long now = System.nanoTime();
    for (int i = 0; i < nextLog.length; i++) {
      nextLog[i] = new AtomicLong(now);
    }
  }

  /**
   * The observer, guarded; {@link CheckoutObserver#NONE} and guarded ones stay as they are.
   *
   * @param observer the observer
   * @return an observer that never throws
   */
  public static CheckoutObserver guard(CheckoutObserver observer) {
    if (observer == CheckoutObserver.NONE || observer instanceof SafeObserver) {
      return observer;
    }
    return new SafeObserver(List.of(observer));
  }

  /**
   * One guarded observer for all of them, each called in order.
   *
   * @param observers the observers
   * @return an observer that never throws
   */
  public static CheckoutObserver all(List<CheckoutObserver> observers) {
    return new SafeObserver(observers);
  }

  private void failed(int i, Throwable e) {
    long now = System.nanoTime();
    long next = nextLog[i].get();
    if (now - next >= 0 && nextLog[i].compareAndSet(next, now + LOG_EVERY)) {
      LOG.warn(
          "the observer {} failed; ignoring it (logged at most once a minute)", observers[i], e);
    }
  }

  @Override
  public void requestCompleted(String route, String method, int status, long durationNanos) {
    for (int i = 0; i < observers.length; i++) {
      CheckoutObserver o = observers[i];
      try {
        o.requestCompleted(route, method, status, durationNanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        // An observer's bug (or a metrics library of the wrong version) never fails a checkout.
        failed(i, e);
      }
    }
  }

  @Override
  public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
    for (int i = 0; i < observers.length; i++) {
      CheckoutObserver o = observers[i];
      try {
        o.checkoutCompleted(signal, durationNanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        // An observer's bug (or a metrics library of the wrong version) never fails a checkout.
        failed(i, e);
      }
    }
  }

  @Override
  public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
    for (int i = 0; i < observers.length; i++) {
      CheckoutObserver o = observers[i];
      try {
        o.paymentCompleted(signal, reason, durationNanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        // An observer's bug (or a metrics library of the wrong version) never fails a checkout.
        failed(i, e);
      }
    }
  }

  @Override
  public void consentRecorded(int entries) {
    for (int i = 0; i < observers.length; i++) {
      CheckoutObserver o = observers[i];
      try {
        o.consentRecorded(entries);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        // An observer's bug (or a metrics library of the wrong version) never fails a checkout.
        failed(i, e);
      }
    }
  }

  @Override
  public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
    for (int i = 0; i < observers.length; i++) {
      CheckoutObserver o = observers[i];
      try {
        o.deliveryFinished(hook, signal, durationNanos);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        // An observer's bug (or a metrics library of the wrong version) never fails a checkout.
        failed(i, e);
      }
    }
  }

  @Override
  public String toString() {
    return "SafeObserver" + List.of(observers);
  }
}

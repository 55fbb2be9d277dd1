package dev.tinycheckout.http;

import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.PaymentSignal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the request, checkout and payment signals it hears, in order; thread-safe. */
final class RecordingObserver implements CheckoutObserver {
  /** One {@link #requestCompleted} call. */
  record Request(String route, String method, int status, long nanos) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<CheckoutSignal> checkouts = new CopyOnWriteArrayList<>();
  final List<PaymentSignal> payments = new CopyOnWriteArrayList<>();

  @Override
  public void requestCompleted(String route, String method, int status, long durationNanos) {
    requests.add(new Request(route, method, status, durationNanos));
  }

  @Override
  public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
    checkouts.add(signal);
  }

  @Override
  public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
    payments.add(signal);
  }
}

package dev.tinycheckout.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every signal it hears, in order; thread-safe. Shared by core's observer tests. */
public final class RecordingObserver implements CheckoutObserver {
  /** One {@link #requestCompleted} call. */
  public record Request(String route, String method, int status, long nanos) {}

  /** One {@link #checkoutCompleted} call. */
  public record Checkout(CheckoutSignal signal, long nanos) {}

  /** One {@link #paymentCompleted} call. */
  public record Payment(PaymentSignal signal, String reason, long nanos) {}

  /** One {@link #deliveryFinished} call. */
  public record Finished(String hook, DeliverySignal signal, long nanos) {}

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  public final List<Checkout> checkouts = new CopyOnWriteArrayList<>();
  public final List<Payment> payments = new CopyOnWriteArrayList<>();
  public final List<Integer> consents = new CopyOnWriteArrayList<>();
  public final List<Finished> deliveries = new CopyOnWriteArrayList<>();

  /** An observer that has heard nothing yet. */
  public RecordingObserver() {}

  @Override
  public void requestCompleted(String route, String method, int status, long durationNanos) {
    requests.add(new Request(route, method, status, durationNanos));
  }

  @Override
  public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
    checkouts.add(new Checkout(signal, durationNanos));
  }

  @Override
  public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
    payments.add(new Payment(signal, reason, durationNanos));
  }

  @Override
  public void consentRecorded(int entries) {
    consents.add(entries);
  }

  @Override
  public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
    deliveries.add(new Finished(hook, signal, durationNanos));
  }

  /** The checkout signals heard, in order. */
  public List<CheckoutSignal> signals() {
    return checkouts.stream().map(Checkout::signal).toList();
  }

  /** Forgets everything heard so far. */
  public void clear() {
    requests.clear();
    checkouts.clear();
    payments.clear();
    consents.clear();
    deliveries.clear();
  }
}

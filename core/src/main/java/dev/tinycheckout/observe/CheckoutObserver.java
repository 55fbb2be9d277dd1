package dev.tinycheckout.observe;

import dev.tinycheckout.internal.SafeObserver;
import java.util.List;
import java.util.Objects;

/**
 * Hears the signals of the checkout's critical path, to count them in a metrics system, feed an
 * {@link SloMonitor} ({@link SloObserver}) or write them anywhere else. Core has no metrics
 * library: the {@code tinycheckout-micrometer} module implements this interface for Micrometer, and
 * you can implement it for anything else.
 *
 * <p>Give one observer to {@code Checkout.builder().observer(…)}, {@code
 * FulfilmentDispatcher.builder().observer(…)} and {@code CheckoutApi.builder().observer(…)} (which
 * passes it on to its checkout); combine several with {@link #of(CheckoutObserver...)}.
 *
 * <p>Every method has a no-op default, so an implementation overrides what it needs, and methods
 * added later do not break it (OkHttp's {@code EventListener} works the same way).
 *
 * <p><b>Contract for implementations.</b> Methods are called on the thread that did the work (a
 * request thread, the dispatcher's loop), after the work committed, outside any transaction or lock
 * of the library; they are on the critical path, so they must be quick, must not block and must be
 * thread-safe. An exception they throw is logged (at most once a minute per observer) and otherwise
 * ignored: it never fails a checkout. Durations are in nanoseconds, measured with {@link
 * System#nanoTime()}. No method ever receives personal data: no email, name, payment token or
 * idempotency key.
 */
public interface CheckoutObserver {

  /** An observer that ignores everything: the default wherever an observer can be given. */
  CheckoutObserver NONE = new CheckoutObserver() {};

  /**
   * An HTTP request was answered.
   *
   * @param route the route template, such as {@code /checkout}, {@code /products/{sku}} or {@code
   *     /orders/{id}/withdrawal}; {@code other} for a path no route serves (bounded: never the raw
   *     path)
   * @param method the request method, upper case; {@code _OTHER} for a method the API does not know
   * @param status the response status code
   * @param durationNanos from the request reaching the API to its answer being ready, not counting
   *     the time to write the body
   */
  default void requestCompleted(String route, String method, int status, long durationNanos) {}

  /**
   * A checkout attempt ended, in any way: once per {@code POST /checkout} that reached the
   * checkout, or that the HTTP layer refused before it (malformed, throttled).
   *
   * @param signal how it ended
   * @param durationNanos from the attempt's start to its answer, including the payment call
   */
  default void checkoutCompleted(CheckoutSignal signal, long durationNanos) {}

  /**
   * The payment provider answered a charge, or failed to. Not called for a free order.
   *
   * @param signal approved, declined or unavailable
   * @param reason the provider's decline reason for {@link PaymentSignal#DECLINED} (as the gateway
   *     gives it; an observer that turns it into a metric tag should bound the number of distinct
   *     values), the failure's exception class simple name for {@link PaymentSignal#UNAVAILABLE},
   *     and {@code ""} for {@link PaymentSignal#APPROVED}
   * @param durationNanos how long the call to the provider took
   */
  default void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {}

  /**
   * Consent entries were committed to the trail's staging area (a paid checkout records one per
   * purpose) or appended to it (a withdrawal).
   *
   * @param entries how many, at least 1
   */
  default void consentRecorded(int entries) {}

  /**
   * The outcome of one attempt to run a fulfilment hook was committed.
   *
   * @param hook the hook's name, as {@code FulfilmentHook.name()} gives it
   * @param signal succeeded, retrying, or dead-lettered
   * @param durationNanos how long the handler ran; 0 if it never ran (no such hook, rejected by the
   *     executor)
   */
  default void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {}

  /**
   * An observer that passes every signal to each of the given ones, in order; one that throws does
   * not keep the others from hearing it.
   *
   * @param observers the observers
   * @return one observer for all of them that never throws (an exception of one is logged at most
   *     once a minute and ignored); {@link #NONE} for none
   */
  static CheckoutObserver of(CheckoutObserver... observers) {
    Objects.requireNonNull(observers, "observers");
    List<CheckoutObserver> all = List.of(observers);
    if (all.isEmpty()) {
      return NONE;
    }
    return all.size() == 1 ? SafeObserver.guard(all.get(0)) : SafeObserver.all(all);
  }
}

package dev.tinycheckout.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.observe.PaymentSignal;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Laws of the observer over random sequences of signals: every meter counts exactly the signals
 * that carry its tags, and every histogram bucket counts exactly the recorded durations at or below
 * its bound, so the buckets are cumulative.
 */
class MicrometerObserverProperties {

  /** One signal given to the observer. */
  sealed interface Signal permits Request, Checkout, Payment, Consent, Delivery {}

  record Request(String route, String method, int status, long nanos) implements Signal {}

  record Checkout(CheckoutSignal signal, long nanos) implements Signal {}

  record Payment(PaymentSignal signal, String reason, long nanos) implements Signal {}

  record Consent(int entries) implements Signal {}

  record Delivery(String hook, DeliverySignal signal, long nanos) implements Signal {}

  private static void give(MicrometerObserver observer, Signal signal) {
    if (signal instanceof Request r) {
      observer.requestCompleted(r.route(), r.method(), r.status(), r.nanos());
    } else if (signal instanceof Checkout c) {
      observer.checkoutCompleted(c.signal(), c.nanos());
    } else if (signal instanceof Payment p) {
      observer.paymentCompleted(p.signal(), p.reason(), p.nanos());
    } else if (signal instanceof Consent c) {
      observer.consentRecorded(c.entries());
    } else if (signal instanceof Delivery d) {
      observer.deliveryFinished(d.hook(), d.signal(), d.nanos());
    }
  }

  @Property(tries = 200)
  void everyMeterCountsExactlyItsSignalsAndEveryBucketItsDurationsAtOrBelowTheBound(
      @ForAll("signals") List<Signal> signals) {
    SimpleMeterRegistry registry = Meters.registry();
    MicrometerObserver observer = MicrometerObserver.of(registry);

    signals.forEach(s -> give(observer, s));

    for (CheckoutSignal outcome : CheckoutSignal.values()) {
      check(
          registry.find(MicrometerObserver.CHECKOUT_DURATION).tag("outcome", outcome.label()),
          durations(signals, Checkout.class, c -> c.signal() == outcome, Checkout::nanos));
    }
    for (PaymentSignal outcome : PaymentSignal.values()) {
      for (String reason : List.of("", "card_declined", "Expired Card")) {
        String tag = MicrometerObserver.sanitize(reason);
        check(
            registry
                .find(MicrometerObserver.PAYMENT_DURATION)
                .tag("outcome", outcome.label())
                .tag("reason", tag),
            durations(
                signals,
                Payment.class,
                p -> p.signal() == outcome && MicrometerObserver.sanitize(p.reason()).equals(tag),
                Payment::nanos));
      }
    }
    for (String route : ROUTES) {
      for (String method : METHODS) {
        for (int status : STATUSES) {
          check(
              registry
                  .find(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                  .tag("http.route", route)
                  .tag("http.request.method", method)
                  .tag("http.response.status_code", Integer.toString(status)),
              durations(
                  signals,
                  Request.class,
                  r -> r.route().equals(route) && r.method().equals(method) && r.status() == status,
                  Request::nanos));
        }
      }
    }
    for (String hook : HOOKS) {
      for (DeliverySignal outcome : DeliverySignal.values()) {
        check(
            registry
                .find(MicrometerObserver.DELIVERY_DURATION)
                .tag("hook", hook)
                .tag("outcome", outcome.label()),
            durations(
                signals,
                Delivery.class,
                d -> d.hook().equals(hook) && d.signal() == outcome,
                Delivery::nanos));
      }
    }
    long consents =
        signals.stream()
            .filter(Consent.class::isInstance)
            .mapToLong(s -> ((Consent) s).entries())
            .sum();
    assertThat(registry.get(MicrometerObserver.CONSENT_ENTRIES).counter().count())
        .isEqualTo((double) consents);
  }

  /** The durations of the signals of one type that match. */
  private static <T extends Signal> List<Long> durations(
      List<Signal> signals, Class<T> type, Predicate<T> matches, ToLongFunction<T> nanos) {
    List<Long> out = new ArrayList<>();
    for (Signal s : signals) {
      if (type.isInstance(s) && matches.test(type.cast(s))) {
        out.add(nanos.applyAsLong(type.cast(s)));
      }
    }
    return out;
  }

  /**
   * The timers found by a search (one, or none if nothing was recorded under those tags) hold
   * exactly the durations.
   */
  private static void check(Search search, List<Long> durations) {
    List<Timer> timers = new ArrayList<>(search.timers());
    if (durations.isEmpty()) {
      assertThat(timers).allSatisfy(t -> assertThat(t.count()).isZero());
      return;
    }
    assertThat(timers).hasSize(1);
    Timer timer = timers.get(0);
    assertThat(timer.count()).isEqualTo(durations.size());
    assertThat((long) timer.totalTime(TimeUnit.NANOSECONDS))
        .isEqualTo(durations.stream().mapToLong(Long::longValue).sum());
    CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
    assertThat(buckets).hasSize(MicrometerObserver.SLO_BUCKETS.size());
    double previous = 0;
    for (int i = 0; i < buckets.length; i++) {
      long bound = MicrometerObserver.SLO_BUCKETS.get(i).toNanos();
      assertThat(buckets[i].bucket(TimeUnit.NANOSECONDS)).isEqualTo((double) bound);
      long atOrBelow = durations.stream().filter(d -> d <= bound).count();
      assertThat(buckets[i].count()).as("bucket %s", bound).isEqualTo((double) atOrBelow);
      assertThat(buckets[i].count()).isGreaterThanOrEqualTo(previous);
      previous = buckets[i].count();
    }
  }

  private static final List<String> ROUTES = List.of("/checkout", "/products/{sku}", "other");
  private static final List<String> METHODS = List.of("GET", "POST");
  private static final List<Integer> STATUSES = List.of(200, 201, 402, 404, 422);
  private static final List<String> HOOKS = List.of("webhook", "mail");

  /** Durations around the bucket bounds (exactly on, just above) and anywhere up to 20 s. */
  private static Arbitrary<Long> nanos() {
    List<Long> edges = new ArrayList<>();
    for (Duration bound : MicrometerObserver.SLO_BUCKETS) {
      edges.add(bound.toNanos());
      edges.add(bound.toNanos() + 1);
      edges.add(bound.toNanos() - 1);
    }
    edges.add(0L);
    return Arbitraries.oneOf(
        Arbitraries.of(edges), Arbitraries.longs().between(0, Duration.ofSeconds(20).toNanos()));
  }

  @Provide
  Arbitrary<List<Signal>> signals() {
    Arbitrary<Signal> request =
        Combinators.combine(
                Arbitraries.of(ROUTES), Arbitraries.of(METHODS), Arbitraries.of(STATUSES), nanos())
            .as(Request::new);
    Arbitrary<Signal> checkout =
        Combinators.combine(Arbitraries.of(CheckoutSignal.class), nanos()).as(Checkout::new);
    Arbitrary<Signal> payment =
        Combinators.combine(
                Arbitraries.of(PaymentSignal.class),
                Arbitraries.of("", "card_declined", "Expired Card"),
                nanos())
            .as(Payment::new);
    Arbitrary<Signal> consent = Arbitraries.integers().between(1, 4).map(Consent::new);
    Arbitrary<Signal> delivery =
        Combinators.combine(Arbitraries.of(HOOKS), Arbitraries.of(DeliverySignal.class), nanos())
            .as(Delivery::new);
    return Arbitraries.oneOf(request, checkout, payment, consent, delivery).list().ofMaxSize(200);
  }
}

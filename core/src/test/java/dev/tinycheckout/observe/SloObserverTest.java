package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which checkouts an {@link SloObserver} counts as good or bad events of its objective, and a
 * payment provider outage seen end to end: checkouts through the observer into a monitor, whose
 * alert fires once and resolves once.
 */
class SloObserverTest {
  /** Midnight UTC, so that minute buckets start on whole minutes. */
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private static final ServiceLevelObjective AVAILABILITY =
      new ServiceLevelObjective(
          "checkout-availability", 0.999, "99.9% of checkouts succeed without a server error");
  private static final ServiceLevelObjective LATENCY =
      new ServiceLevelObjective("checkout-latency", 0.99, "99% of checkouts within 300 ms");
  private static final Duration THRESHOLD = Duration.ofMillis(300);

  private final ManualClock clock = new ManualClock(T0);

  private SloMonitor monitor(ServiceLevelObjective slo) {
    return SloMonitor.builder(slo).clock(clock).build();
  }

  /** The events and bad events the monitor holds in its first rule's long window. */
  private static WindowStatus window(SloMonitor monitor) {
    return monitor.evaluate(T0).rules().get(0).longWindow();
  }

  // ---- availability ------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = CheckoutSignal.class,
      names = {"PAID", "DECLINED", "OUT_OF_STOCK", "REPLAYED"})
  void aCheckoutTheShopAnsweredIsAGoodAvailabilityEvent(CheckoutSignal signal) {
    SloMonitor monitor = monitor(AVAILABILITY);

    SloObserver.availability(monitor).checkoutCompleted(signal, Duration.ofMinutes(5).toNanos());

    assertThat(window(monitor).events()).isEqualTo(1);
    assertThat(window(monitor).badEvents()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = CheckoutSignal.class,
      names = {"PAYMENT_UNAVAILABLE", "FAILED"})
  void aServerSideFailureIsABadAvailabilityEvent(CheckoutSignal signal) {
    SloMonitor monitor = monitor(AVAILABILITY);

    SloObserver.availability(monitor).checkoutCompleted(signal, 1);

    assertThat(window(monitor).events()).isEqualTo(1);
    assertThat(window(monitor).badEvents()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = CheckoutSignal.class,
      names = {"IN_PROGRESS", "KEY_REUSED", "REJECTED", "THROTTLED"})
  void aDeliberateRefusalOfTheClientIsNoEventOfEitherObjective(CheckoutSignal signal) {
    SloMonitor availability = monitor(AVAILABILITY);
    SloMonitor latency = monitor(LATENCY);

    SloObserver.availability(availability).checkoutCompleted(signal, 1);
    SloObserver.latency(latency, THRESHOLD)
        .checkoutCompleted(signal, Duration.ofMinutes(1).toNanos());

    assertThat(window(availability).events()).isZero();
    assertThat(window(latency).events()).isZero();
  }

  @Test
  void theAvailabilityObserverIgnoresEverySignalButCheckouts() {
    SloMonitor monitor = monitor(AVAILABILITY);
    SloObserver observer = SloObserver.availability(monitor);

    observer.requestCompleted("/checkout", "POST", 503, 1);
    observer.paymentCompleted(PaymentSignal.UNAVAILABLE, "PaymentUnavailableException", 1);
    observer.consentRecorded(1);
    observer.deliveryFinished("shipping", DeliverySignal.DEAD_LETTERED, 1);

    assertThat(window(monitor).events()).isZero();
    assertThat(observer.monitor()).isSameAs(monitor);
  }

  // ---- latency -----------------------------------------------------------------------------

  @Test
  void aCheckoutAtTheThresholdIsGoodAndOneNanosecondOverItIsBad() {
    SloMonitor monitor = monitor(LATENCY);
    SloObserver observer = SloObserver.latency(monitor, THRESHOLD);

    observer.checkoutCompleted(CheckoutSignal.PAID, THRESHOLD.toNanos());
    assertThat(window(monitor).events()).isEqualTo(1);
    assertThat(window(monitor).badEvents()).isZero();
    observer.checkoutCompleted(CheckoutSignal.DECLINED, THRESHOLD.toNanos() + 1);

    assertThat(window(monitor).events()).isEqualTo(2);
    assertThat(window(monitor).badEvents()).isEqualTo(1);
  }

  @Test
  void aFastServerSideFailureIsStillABadLatencyEvent() {
    SloMonitor monitor = monitor(LATENCY);

    SloObserver.latency(monitor, THRESHOLD).checkoutCompleted(CheckoutSignal.FAILED, 1);

    assertThat(window(monitor).events()).isEqualTo(1);
    assertThat(window(monitor).badEvents()).isEqualTo(1);
  }

  @Test
  void aThresholdBeyondTheNanosecondRangeCountsEveryAnsweredCheckoutAsFast() {
    SloMonitor monitor = monitor(LATENCY);

    SloObserver observer = SloObserver.latency(monitor, ChronoUnit.FOREVER.getDuration());
    observer.checkoutCompleted(CheckoutSignal.PAID, Long.MAX_VALUE - 1);

    assertThat(window(monitor).events()).isEqualTo(1);
    assertThat(window(monitor).badEvents()).isZero();
  }

  @Test
  void aThresholdMustBePositiveAndTheMessageCarriesTheBadValue() {
    SloMonitor monitor = monitor(LATENCY);

    assertThatThrownBy(() -> SloObserver.latency(monitor, Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessage("threshold: must be positive, but was PT0S");
    assertThatThrownBy(() -> SloObserver.latency(monitor, Duration.ofMillis(-5)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("threshold: must be positive, but was PT-0.005S");
    assertThatThrownBy(() -> SloObserver.latency(monitor, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> SloObserver.latency(null, THRESHOLD))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("monitor");
    assertThatThrownBy(() -> SloObserver.availability(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("monitor");
  }

  @Test
  void itsNameSaysWhichObjectiveAndWhichKind() {
    assertThat(SloObserver.availability(monitor(AVAILABILITY)))
        .hasToString("SloObserver[checkout-availability, availability]");
    assertThat(SloObserver.latency(monitor(LATENCY), THRESHOLD))
        .hasToString("SloObserver[checkout-latency, latency under PT0.3S]");
  }

  // ---- a payment provider outage, end to end -----------------------------------------------

  @Test
  void aProviderOutageFiresTheFastPageOnceAndRecoveryResolvesItOnce() {
    RecordingListener alerts = new RecordingListener();
    SloMonitor monitor = SloMonitor.builder(AVAILABILITY).clock(clock).listener(alerts).build();
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10_000, T0));
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .terms("v1", "Terms of sale.")
            .consentAudit(ConsentAudit.builder(storage).subjectSecret(new byte[32]).build())
            .observer(SloObserver.availability(monitor))
            .build();

    for (int i = 0; i < 150; i++) {
      String key = "outage-" + i;
      assertThatThrownBy(
              () -> checkout.placeOrder(IdempotencyKey.of(key), order(key, "tok_unavailable")))
          .isInstanceOf(PaymentUnavailableException.class);
    }
    SloStatus during = monitor.evaluate();

    assertThat(during.firing()).extracting(r -> r.rule().name()).containsExactly("page-fast");
    assertThat(during.rule("page-fast").orElseThrow().longWindow().badEvents()).isEqualTo(150);
    assertThat(alerts.changes)
        .extracting(RecordingListener.Change::fired, RecordingListener.Change::rule)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, "page-fast"));
    monitor.evaluate();
    assertThat(alerts.changes).as("still firing: no second alert").hasSize(1);

    clock.advance(Duration.ofMinutes(6));
    for (int i = 0; i < 300; i++) {
      String key = "recovered-" + i;
      assertThat(checkout.placeOrder(IdempotencyKey.of(key), order(key, "tok_ok")).outcome())
          .isEqualTo(CheckoutOutcome.PLACED);
    }
    SloStatus after = monitor.evaluate();

    assertThat(alerts.resolved())
        .extracting(RecordingListener.Change::rule)
        .containsExactly("page-fast");
    assertThat(after.rule("page-fast").orElseThrow().firing()).isFalse();
    assertThat(after.rule("page-fast").orElseThrow().shortWindow().badEvents()).isZero();
    // The slower rules see a third of their windows failed, now over their minimum events (200
    // and 400, not yet 1200): the outage still burns them, so they fire once now.
    assertThat(alerts.fired())
        .extracting(RecordingListener.Change::rule)
        .containsExactly("page-fast", "page-slow", "ticket-fast");
    assertThat(alerts.of("page-fast")).hasSize(2);
  }

  private static CheckoutRequest order(String key, String token) {
    return CheckoutRequest.builder()
        .item("apple", 1)
        .email(key + "@example.com")
        .acceptedTerms("v1")
        .paymentToken(token)
        .build();
  }

  @Test
  void rulesListedByTheDefaultMonitorAreTheWorkbooks() {
    // The outage scenario above relies on these minimum event counts.
    assertThat(monitor(AVAILABILITY).rules())
        .extracting(BurnRateRule::name, BurnRateRule::minEvents)
        .containsExactlyElementsOf(
            List.of(
                org.assertj.core.groups.Tuple.tuple("page-fast", 100L),
                org.assertj.core.groups.Tuple.tuple("page-slow", 200L),
                org.assertj.core.groups.Tuple.tuple("ticket-fast", 400L),
                org.assertj.core.groups.Tuple.tuple("ticket-slow", 1200L)));
  }
}

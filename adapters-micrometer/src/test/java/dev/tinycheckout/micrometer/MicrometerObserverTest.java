package dev.tinycheckout.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.observe.PaymentSignal;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerObserverTest {
  private final SimpleMeterRegistry registry = Meters.registry();
  private final MicrometerObserver observer = MicrometerObserver.of(registry);

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private Timer checkoutTimer(String outcome) {
    return registry.get(MicrometerObserver.CHECKOUT_DURATION).tag("outcome", outcome).timer();
  }

  private Timer paymentTimer(String outcome, String reason) {
    return registry
        .get(MicrometerObserver.PAYMENT_DURATION)
        .tag("outcome", outcome)
        .tag("reason", reason)
        .timer();
  }

  @Test
  void buildingRegistersATimerForEveryCheckoutOutcomeWithZeroCounts() {
    List<String> outcomes =
        registry.get(MicrometerObserver.CHECKOUT_DURATION).timers().stream()
            .map(t -> t.getId().getTag("outcome"))
            .toList();

    assertThat(outcomes)
        .containsExactlyInAnyOrder(
            "paid",
            "declined",
            "out_of_stock",
            "replayed",
            "in_progress",
            "key_reused",
            "rejected",
            "throttled",
            "payment_unavailable",
            "failed");
    assertThat(registry.get(MicrometerObserver.CHECKOUT_DURATION).timers())
        .allSatisfy(t -> assertThat(t.count()).isZero());
    assertThat(paymentTimer("approved", "none").count()).isZero();
    assertThat(registry.get(MicrometerObserver.CONSENT_ENTRIES).counter().count()).isZero();
  }

  @Test
  void aCheckoutIsTimedUnderItsOutcomeLabelOnly() {
    observer.checkoutCompleted(CheckoutSignal.PAID, ms(40));
    observer.checkoutCompleted(CheckoutSignal.PAID, ms(60));
    observer.checkoutCompleted(CheckoutSignal.OUT_OF_STOCK, ms(5));

    assertThat(checkoutTimer("paid").count()).isEqualTo(2);
    assertThat(checkoutTimer("paid").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100.0);
    assertThat(checkoutTimer("out_of_stock").count()).isEqualTo(1);
    assertThat(checkoutTimer("declined").count()).isZero();
  }

  @Test
  void everyTimerHasExactlyTheFifteenServiceLevelBucketsAndCountsThemCumulatively() {
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(4));
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(20));
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(280));
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(300));
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(2_000));
    observer.checkoutCompleted(CheckoutSignal.DECLINED, ms(60_000));

    assertThat(Meters.buckets(checkoutTimer("declined")))
        .containsExactly(
            entry(5.0, 1.0),
            entry(10.0, 1.0),
            entry(25.0, 2.0),
            entry(50.0, 2.0),
            entry(75.0, 2.0),
            entry(100.0, 2.0),
            entry(250.0, 2.0),
            entry(300.0, 4.0),
            entry(500.0, 4.0),
            entry(750.0, 4.0),
            entry(1_000.0, 4.0),
            entry(2_500.0, 5.0),
            entry(5_000.0, 5.0),
            entry(7_500.0, 5.0),
            entry(10_000.0, 5.0));
    assertThat(checkoutTimer("declined").count()).isEqualTo(6);
    assertThat(checkoutTimer("declined").takeSnapshot().percentileValues()).isEmpty();
  }

  @Test
  void aRequestIsTimedWithTheOpenTelemetryRouteMethodAndStatusTags() {
    observer.requestCompleted("/checkout", "POST", 201, ms(12));
    observer.requestCompleted("/checkout", "POST", 201, ms(13));
    observer.requestCompleted("/checkout", "POST", 402, ms(14));
    observer.requestCompleted("/products/{sku}", "GET", 200, ms(1));

    Timer created =
        registry
            .get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
            .tag("http.route", "/checkout")
            .tag("http.request.method", "POST")
            .tag("http.response.status_code", "201")
            .timer();
    assertThat(created.count()).isEqualTo(2);
    assertThat(
            registry
                .get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                .tag("http.response.status_code", "402")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                .tag("http.route", "/products/{sku}")
                .tag("http.request.method", "GET")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION).timers()).hasSize(3);
  }

  @Test
  void requestTimersBeyondTheCapFoldTheirRouteIntoOther() {
    for (int i = 0; i < MicrometerObserver.MAX_REQUEST_TIMERS; i++) {
      observer.requestCompleted("/r" + i, "GET", 200, ms(1));
    }

    observer.requestCompleted("/one-too-many", "GET", 200, ms(1));
    observer.requestCompleted("/and-another", "GET", 200, ms(1));
    observer.requestCompleted("/r7", "GET", 200, ms(1));

    assertThat(registry.find(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION).timers())
        .hasSize(MicrometerObserver.MAX_REQUEST_TIMERS + 1);
    assertThat(
            registry
                .get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                .tag("http.route", "other")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                .tag("http.route", "/r7")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .find(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION)
                .tag("http.route", "/one-too-many")
                .timer())
        .isNull();
  }

  @Test
  void anApprovedPaymentHasTheReasonNoneAndADeclineItsSanitizedReason() {
    observer.paymentCompleted(PaymentSignal.APPROVED, "", ms(80));
    observer.paymentCompleted(PaymentSignal.DECLINED, "card_declined", ms(90));
    observer.paymentCompleted(PaymentSignal.DECLINED, "Insufficient Funds!", ms(90));
    observer.paymentCompleted(PaymentSignal.UNAVAILABLE, "PaymentUnavailableException", ms(9));

    assertThat(paymentTimer("approved", "none").count()).isEqualTo(1);
    assertThat(paymentTimer("declined", "card_declined").count()).isEqualTo(1);
    assertThat(paymentTimer("declined", "insufficient_funds_").count()).isEqualTo(1);
    assertThat(paymentTimer("unavailable", "paymentunavailableexception").count()).isEqualTo(1);
  }

  @Test
  void aReasonIsCutToFortyCharactersOfLowerCaseLettersDigitsAndUnderscores() {
    assertThat(MicrometerObserver.sanitize("Do-Not-Honor 05 ÄÖ/é"))
        .isEqualTo("do_not_honor_05_____");
    assertThat(MicrometerObserver.sanitize("x".repeat(100))).isEqualTo("x".repeat(40));
    assertThat(MicrometerObserver.sanitize("")).isEqualTo("none");
  }

  @Test
  void reasonsBeyondTheBoundAreRecordedAsOtherWhileAdmittedOnesKeepTheirTag() {
    SimpleMeterRegistry small = Meters.registry();
    MicrometerObserver bounded = MicrometerObserver.builder(small).maxPaymentReasons(2).build();

    bounded.paymentCompleted(PaymentSignal.DECLINED, "card_declined", ms(1));
    bounded.paymentCompleted(PaymentSignal.DECLINED, "expired_card", ms(1));
    bounded.paymentCompleted(PaymentSignal.DECLINED, "txn_4711", ms(1));
    bounded.paymentCompleted(PaymentSignal.DECLINED, "txn_4712", ms(1));
    bounded.paymentCompleted(PaymentSignal.UNAVAILABLE, "TimeoutException", ms(1));
    bounded.paymentCompleted(PaymentSignal.DECLINED, "card_declined", ms(1));
    bounded.paymentCompleted(PaymentSignal.UNAVAILABLE, "card_declined", ms(1));
    bounded.paymentCompleted(PaymentSignal.APPROVED, "", ms(1));

    List<String> reasons =
        small.get(MicrometerObserver.PAYMENT_DURATION).timers().stream()
            .map(t -> t.getId().getTag("outcome") + "/" + t.getId().getTag("reason"))
            .toList();
    assertThat(reasons)
        .containsExactlyInAnyOrder(
            "approved/none",
            "declined/card_declined",
            "declined/expired_card",
            "declined/other",
            "unavailable/other",
            "unavailable/card_declined");
    assertThat(
            small
                .get(MicrometerObserver.PAYMENT_DURATION)
                .tag("outcome", "declined")
                .tag("reason", "other")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            small
                .get(MicrometerObserver.PAYMENT_DURATION)
                .tag("outcome", "declined")
                .tag("reason", "card_declined")
                .timer()
                .count())
        .isEqualTo(2);
  }

  @Test
  void aBoundOfZeroRecordsEveryReasonAsOther() {
    SimpleMeterRegistry none = Meters.registry();
    MicrometerObserver bounded = MicrometerObserver.builder(none).maxPaymentReasons(0).build();

    bounded.paymentCompleted(PaymentSignal.DECLINED, "card_declined", ms(1));

    assertThat(
            none.get(MicrometerObserver.PAYMENT_DURATION)
                .tag("outcome", "declined")
                .tag("reason", "other")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void theBuilderRejectsAnOutOfRangeReasonBoundNamingTheValue() {
    MicrometerObserver.Builder builder = MicrometerObserver.builder(registry);

    assertThatThrownBy(() -> builder.maxPaymentReasons(-1))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("but was -1");
    assertThatThrownBy(() -> builder.maxPaymentReasons(1001))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("but was 1001");
    assertThatThrownBy(() -> MicrometerObserver.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }

  @Test
  void consentEntriesAreCountedOnePerEntry() {
    observer.consentRecorded(1);
    observer.consentRecorded(2);
    observer.consentRecorded(4);

    assertThat(registry.get(MicrometerObserver.CONSENT_ENTRIES).counter().count()).isEqualTo(7.0);
  }

  @Test
  void aDeliveryIsTimedUnderItsHookAndOutcome() {
    observer.deliveryFinished("webhook", DeliverySignal.SUCCEEDED, ms(30));
    observer.deliveryFinished("webhook", DeliverySignal.RETRYING, ms(2_000));
    observer.deliveryFinished("webhook", DeliverySignal.RETRYING, ms(2_000));
    observer.deliveryFinished("mail", DeliverySignal.DEAD_LETTERED, 0);

    assertThat(
            registry
                .get(MicrometerObserver.DELIVERY_DURATION)
                .tag("hook", "webhook")
                .tag("outcome", "retrying")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(MicrometerObserver.DELIVERY_DURATION)
                .tag("hook", "mail")
                .tag("outcome", "dead_lettered")
                .timer()
                .count())
        .isEqualTo(1);
    // A hook's three outcome timers are registered together on its first delivery.
    assertThat(registry.get(MicrometerObserver.DELIVERY_DURATION).timers()).hasSize(6);
  }

  @Test
  void theBucketsAreTheDocumentedDurations() {
    assertThat(MicrometerObserver.SLO_BUCKETS).first().isEqualTo(Duration.ofMillis(5));
    assertThat(MicrometerObserver.SLO_BUCKETS).hasSize(15).contains(Duration.ofMillis(300));
    Meter.Id id = checkoutTimer("paid").getId();
    assertThat(id.getBaseUnit()).isEqualTo("seconds");
  }
}

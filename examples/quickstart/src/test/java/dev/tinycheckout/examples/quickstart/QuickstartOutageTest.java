package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tinycheckout.checkout.CheckoutConfig;
import dev.tinycheckout.fulfilment.AlertOutbox;
import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.observe.RuleStatus;
import dev.tinycheckout.observe.SloStatus;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payment-provider outage, end to end: the real quickstart in this JVM over HTTP, its SLO
 * monitors on a clock the test moves, evaluated when the test says (as the 15-second timer would).
 */
class QuickstartOutageTest {
  private static final String AVAILABILITY_PAGE_FAST = "checkout-availability/page-fast";
  private static final String LATENCY_PAGE_FAST = "checkout-latency/page-fast";
  private static final String FIRING = "tinycheckout_slo_alert_firing";
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  /**
   * Three hours behind the real time, so that the alert deliveries, which the outbox makes
   * available at the evaluation's instant, are due at once for the dispatcher on the real clock,
   * even after the test moves this clock on by two hours.
   */
  private final MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofHours(3)));

  private final List<Quickstart> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(Quickstart::close);
  }

  /**
   * The fraud rules are off, so that nothing but the outage shapes the traffic. The latency
   * threshold is a minute, so that only failures (which a latency objective counts as bad) and
   * never a slow test machine make the latency objective burn.
   */
  private Quickstart start() {
    List<String> args =
        List.of(
            "--port",
            "0",
            "--jdbc-url",
            "jdbc:h2:file:" + dir.resolve("shop"),
            "--data-dir",
            dir.resolve("data").toString(),
            "--fraud-rules",
            "off");
    Quickstart quickstart =
        Main.start(
            Settings.parse(args, Map.of()),
            CheckoutConfig.ofDefaults(),
            new Observability(clock, Duration.ZERO, Duration.ofMinutes(1)));
    started.add(quickstart);
    return quickstart;
  }

  private static List<String> delivered(Quickstart quickstart, String type) {
    return quickstart.alertLog().delivered().stream()
        .filter(d -> d.type().equals(type))
        .map(AlertLog.Delivered::alert)
        .toList();
  }

  private static List<String> firing(List<SloStatus> statuses) {
    List<String> firing = new ArrayList<>();
    for (SloStatus status : statuses) {
      for (RuleStatus rule : status.firing()) {
        firing.add(status.slo().name() + "/" + rule.rule().name());
      }
    }
    return firing;
  }

  private static List<Integer> checkouts(ShopClient shop, String run, int count, String token)
      throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      statuses.add(shop.checkout(run + "-" + i, "buyer" + i + "@example.com", token).statusCode());
    }
    return statuses;
  }

  @Test
  void anOutagePagesOnceThroughTheAlertHookAndResolvesOnceAfterRecovery() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());

    // The provider is down: 150 attempts, each under its own key, each a server-side failure.
    List<Integer> duringOutage = checkouts(shop, "outage", 150, "tok_unavailable");
    String healthBeforeEvaluation = shop.get("/health").body();
    List<SloStatus> atOutage = quickstart.evaluateSlos();
    HttpResponse<String> healthAtOutage = shop.get("/health");
    PrometheusText metricsAtOutage = PrometheusText.parse(shop.get("/metrics").body());
    ShopClient.awaitUpTo(
        DELIVERY_TIMEOUT, () -> delivered(quickstart, AlertOutbox.ALERT_FIRED).size() >= 2);
    ShopClient.awaitUpTo(DELIVERY_TIMEOUT, () -> quickstart.dispatcher().backlog().pending() == 0);
    List<String> firedAtOutage = delivered(quickstart, AlertOutbox.ALERT_FIRED);

    assertThat(duringOutage).hasSize(150).containsOnly(503);
    // Nothing is announced before an evaluation: alerts change only when the monitors evaluate.
    assertThat(healthBeforeEvaluation).contains("\"alerts\":[]");
    // 150 events, all bad: both page-fast rules fire (a failure is not a fast answer either);
    // the slower rules need more events than that.
    assertThat(firing(atOutage)).containsExactly(AVAILABILITY_PAGE_FAST, LATENCY_PAGE_FAST);
    assertThat(healthAtOutage.statusCode()).isEqualTo(200);
    assertThat(healthAtOutage.body())
        .contains(
            "{\"objective\":\"checkout-availability\",\"rule\":\"page-fast\",\"severity\":\"PAGE\"")
        .contains(
            "{\"objective\":\"checkout-latency\",\"rule\":\"page-fast\",\"severity\":\"PAGE\"")
        .doesNotContain("page-slow")
        .doesNotContain("ticket-");
    assertThat(metricsAtOutage.value(FIRING, alert("checkout-availability", "page-fast", "page")))
        .isEqualTo(1);
    assertThat(metricsAtOutage.value(FIRING, alert("checkout-availability", "page-slow", "page")))
        .isZero();
    assertThat(
            metricsAtOutage.value(
                "tinycheckout_slo_burn_rate",
                Map.of(
                    "objective", "checkout-availability", "rule", "page-fast", "window", "long")))
        .isEqualTo(1000.0, within(1e-6));
    assertThat(
            metricsAtOutage.value(
                "tinycheckout_checkout_duration_seconds_count",
                Map.of("outcome", "payment_unavailable")))
        .isEqualTo(150);
    // One delivery per alert, not one per failed request.
    assertThat(firedAtOutage).containsExactlyInAnyOrder(AVAILABILITY_PAGE_FAST, LATENCY_PAGE_FAST);
    assertThat(delivered(quickstart, AlertOutbox.ALERT_RESOLVED)).isEmpty();
    assertThat(quickstart.alertLog().delivered())
        .filteredOn(d -> d.alert().equals(AVAILABILITY_PAGE_FAST))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.summary())
                    .startsWith("checkout-availability page-fast (PAGE): burn rate 1000.0x")
                    .contains("150 of 150 events bad"));

    // An evaluation that finds the same rules firing writes nothing more.
    List<SloStatus> stillOutage = quickstart.evaluateSlos();
    long pendingAfterSecondEvaluation = quickstart.dispatcher().backlog().pending();

    assertThat(firing(stillOutage)).containsExactly(AVAILABILITY_PAGE_FAST, LATENCY_PAGE_FAST);
    assertThat(pendingAfterSecondEvaluation).isZero();
    assertThat(delivered(quickstart, AlertOutbox.ALERT_FIRED)).hasSize(2);

    // Recovery. The clock moves past the page's 5-minute confirmation window, and past the
    // slower rules' confirmation windows too (30 minutes, 2 hours): otherwise the 300 good
    // checkouts would lift the long windows over those rules' minimum events while their short
    // windows still held the outage, and page-slow and ticket-fast would rightly fire.
    clock.advance(Duration.ofHours(2).plusMinutes(5));
    List<Integer> recovered = checkouts(shop, "recovered", 300, "tok_ok");
    List<SloStatus> afterRecovery = quickstart.evaluateSlos();
    ShopClient.awaitUpTo(
        DELIVERY_TIMEOUT, () -> delivered(quickstart, AlertOutbox.ALERT_RESOLVED).size() >= 2);
    ShopClient.awaitUpTo(DELIVERY_TIMEOUT, () -> quickstart.dispatcher().backlog().pending() == 0);
    // The dispatcher reports a delivery to its observer just after committing its outcome.
    ShopClient.awaitUpTo(DELIVERY_TIMEOUT, () -> alertDeliveries(quickstart) >= 4);
    HttpResponse<String> healthAfterRecovery = shop.get("/health");
    PrometheusText metricsAfterRecovery = PrometheusText.parse(shop.get("/metrics").body());

    assertThat(recovered).hasSize(300).containsOnly(201);
    assertThat(firing(afterRecovery)).isEmpty();
    // The slow page's long window (6 hours) still holds the outage, and more than its minimum
    // events; its short window (30 minutes) shows the recovery, so it does not fire.
    RuleStatus pageSlow = afterRecovery.get(0).rule("page-slow").orElseThrow();
    assertThat(pageSlow.longWindow().events()).isEqualTo(450);
    assertThat(pageSlow.longWindow().badEvents()).isEqualTo(150);
    assertThat(pageSlow.shortWindow().events()).isEqualTo(300);
    assertThat(pageSlow.shortWindow().badEvents()).isZero();
    assertThat(delivered(quickstart, AlertOutbox.ALERT_RESOLVED))
        .containsExactlyInAnyOrder(AVAILABILITY_PAGE_FAST, LATENCY_PAGE_FAST);
    assertThat(delivered(quickstart, AlertOutbox.ALERT_FIRED)).hasSize(2);
    assertThat(healthAfterRecovery.statusCode()).isEqualTo(200);
    assertThat(healthAfterRecovery.body()).contains("\"alerts\":[]");
    assertThat(quickstart.dispatcher().backlog().dead()).isZero();
    assertThat(metricsAfterRecovery.samples(FIRING, Map.of()))
        .hasSize(8)
        .allSatisfy(sample -> assertThat(sample.value()).as(sample.toString()).isZero());
    assertThat(
            metricsAfterRecovery.value(
                "tinycheckout_fulfilment_delivery_duration_seconds_count",
                Map.of("hook", AlertLog.NAME, "outcome", "succeeded")))
        .isEqualTo(4);
  }

  private static double alertDeliveries(Quickstart quickstart) {
    return PrometheusText.parse(quickstart.registry().scrape())
        .valueOrZero(
            "tinycheckout_fulfilment_delivery_duration_seconds_count",
            Map.of("hook", AlertLog.NAME, "outcome", "succeeded"));
  }

  private static Map<String, String> alert(String objective, String rule, String severity) {
    return Map.of("objective", objective, "rule", rule, "severity", severity);
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} end to end: the real quickstart in this JVM on a free port, real traffic
 * over loopback, and the Prometheus text it then serves.
 */
class QuickstartMetricsTest {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String CHECKOUT = "tinycheckout_checkout_duration_seconds";
  private static final String REQUESTS = "http_server_request_duration_seconds";
  private static final int PAID = 5;

  /** Under the default fraud rules' limit of five declines per address. */
  private static final int DECLINED = 3;

  @TempDir Path dir;

  private final List<Quickstart> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(Quickstart::close);
  }

  private Quickstart start(String... flags) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", "0", "--jdbc-url", "jdbc:h2:file:" + dir.resolve("shop")));
    args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    args.addAll(List.of(flags));
    Quickstart quickstart = Main.start(Settings.parse(args, Map.of()));
    started.add(quickstart);
    return quickstart;
  }

  @Test
  void metricsAreServedAsPrometheusTextAndNeverCached() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());

    HttpResponse<String> metrics = shop.get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
    assertThat(metrics.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(metrics.body())
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("process_uptime_seconds")
        .contains("system_cpu_count");
  }

  @Test
  void realTrafficShowsInTheMetricsWithExactCountsAndNoPersonalData() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());
    List<Integer> paid = new ArrayList<>();
    for (int i = 0; i < PAID; i++) {
      paid.add(
          shop.checkout("metrics-paid-" + i, "paid" + i + "@example.com", "tok_ok").statusCode());
    }
    List<Integer> declined = new ArrayList<>();
    for (int i = 0; i < DECLINED; i++) {
      declined.add(
          shop.checkout("metrics-declined-" + i, "declined" + i + "@example.com", "tok_declined")
              .statusCode());
    }
    HttpResponse<String> replay = shop.checkout("metrics-paid-0", "paid0@example.com", "tok_ok");
    HttpResponse<String> malformed = shop.post("/checkout", "metrics-malformed", "{\"items\":");
    for (int i = 0; i < 3; i++) {
      assertThat(shop.get("/products/one-dollar-item").statusCode()).isEqualTo(200);
    }
    assertThat(shop.get("/products").statusCode()).isEqualTo(200);
    // Each paid order and each declined payment is one delivery to the fulfilment hook.
    ShopClient.awaitUpTo(
        Duration.ofSeconds(60),
        () -> delivered(scrape(quickstart), "succeeded") >= PAID + DECLINED);

    HttpResponse<String> response = shop.get("/metrics");
    PrometheusText metrics = PrometheusText.parse(response.body());

    assertThat(paid).containsOnly(201);
    assertThat(declined).containsOnly(402);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);

    // Checkouts by outcome, and each outcome's histogram consistent with its count.
    Map<String, Integer> outcomes =
        Map.of(
            "paid",
            PAID,
            "declined",
            DECLINED,
            "replayed",
            1,
            "rejected",
            1,
            "throttled",
            0,
            "payment_unavailable",
            0,
            "failed",
            0,
            "out_of_stock",
            0,
            "in_progress",
            0,
            "key_reused",
            0);
    outcomes.forEach(
        (outcome, count) -> {
          Map<String, String> tags = Map.of("outcome", outcome);
          assertThat(metrics.value(CHECKOUT + "_count", tags))
              .as(outcome)
              .isEqualTo((double) count);
          assertHistogramConsistent(metrics, CHECKOUT, tags, count);
        });
    assertThat(metrics.samples(CHECKOUT + "_bucket", Map.of("outcome", "paid", "le", "0.3")))
        .hasSize(1);

    // HTTP requests by route template, method and status.
    assertThat(metrics.value(REQUESTS + "_count", request("POST", "/checkout", "201")))
        .isEqualTo(PAID + 1);
    assertThat(metrics.value(REQUESTS + "_count", request("POST", "/checkout", "402")))
        .isEqualTo(DECLINED);
    assertThat(metrics.value(REQUESTS + "_count", request("POST", "/checkout", "400")))
        .isEqualTo(1);
    assertThat(metrics.value(REQUESTS + "_count", request("GET", "/products/{sku}", "200")))
        .isEqualTo(3);
    assertThat(metrics.value(REQUESTS + "_count", request("GET", "/products", "200"))).isEqualTo(1);
    assertHistogramConsistent(metrics, REQUESTS, request("POST", "/checkout", "201"), PAID + 1);

    // Payments: a replay does not call the provider again.
    assertThat(
            metrics.value(
                "tinycheckout_payment_duration_seconds_count",
                Map.of("outcome", "approved", "reason", "none")))
        .isEqualTo(PAID);
    assertThat(
            metrics.value(
                "tinycheckout_payment_duration_seconds_count",
                Map.of("outcome", "declined", "reason", "card_declined")))
        .isEqualTo(DECLINED);
    // One consent entry per paid order (the terms; no marketing opt-in).
    assertThat(metrics.value("tinycheckout_consent_entries_total", Map.of())).isEqualTo(PAID);
    assertThat(delivered(metrics, "succeeded")).isEqualTo(PAID + DECLINED);
    assertThat(delivered(metrics, "dead_lettered")).isZero();

    // Gauges and counters bound from the parts.
    for (String gauge :
        List.of(
            "tinycheckout_outbox_pending",
            "tinycheckout_outbox_oldest_age_seconds",
            "tinycheckout_fulfilment_dead_letters")) {
      assertThat(metrics.value(gauge, Map.of())).as(gauge).isNotNaN().isNotNegative();
    }
    assertThat(metrics.value("tinycheckout_fulfilment_dead_letters", Map.of())).isZero();
    assertThat(metrics.value("cache_gets_total", Map.of("cache", "products", "result", "hit")))
        .isPositive();
    assertThat(metrics.value("cache_gets_total", Map.of("cache", "products", "result", "miss")))
        .isPositive();
    assertThat(metrics.value("tinycheckout_fraud_flags_total", Map.of("rule", "declines_per_ip")))
        .isZero();
    for (String objective : List.of("checkout-availability", "checkout-latency")) {
      assertThat(metrics.samples("tinycheckout_slo_alert_firing", Map.of("objective", objective)))
          .extracting(PrometheusText.Sample::value)
          .containsExactly(0.0, 0.0, 0.0, 0.0);
      assertThat(metrics.samples("tinycheckout_slo_burn_rate", Map.of("objective", objective)))
          .hasSize(8);
    }

    // Nothing personal: no email, no payment token, no idempotency key.
    assertThat(response.body())
        .doesNotContain("@")
        .doesNotContain("tok_")
        .doesNotContain("metrics-paid")
        .doesNotContain("metrics-declined");
  }

  private static String scrape(Quickstart quickstart) {
    return quickstart.registry().scrape();
  }

  private static double delivered(String scrape, String outcome) {
    return delivered(PrometheusText.parse(scrape), outcome);
  }

  private static double delivered(PrometheusText metrics, String outcome) {
    return metrics.valueOrZero(
        "tinycheckout_fulfilment_delivery_duration_seconds_count",
        Map.of("hook", FulfilmentLog.NAME, "outcome", outcome));
  }

  private static Map<String, String> request(String method, String route, String status) {
    return Map.of(
        "http_request_method", method, "http_route", route, "http_response_status_code", status);
  }

  private static double le(@Nullable String le) {
    assertThat(le).as("le label").isNotNull();
    return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  /** The le buckets never decrease as le grows, and the +Inf bucket equals the count. */
  private static void assertHistogramConsistent(
      PrometheusText metrics, String name, Map<String, String> tags, int count) {
    List<PrometheusText.Sample> buckets =
        metrics.samples(name + "_bucket", tags).stream()
            .sorted(Comparator.comparingDouble(b -> le(b.labels().get("le"))))
            .toList();
    assertThat(buckets).as("%s%s buckets", name, tags).hasSizeGreaterThan(1);
    for (int i = 1; i < buckets.size(); i++) {
      assertThat(buckets.get(i).value())
          .as("%s%s bucket le=%s", name, tags, buckets.get(i).labels().get("le"))
          .isGreaterThanOrEqualTo(buckets.get(i - 1).value());
    }
    PrometheusText.Sample last = buckets.get(buckets.size() - 1);
    assertThat(last.labels().get("le")).isEqualTo("+Inf");
    assertThat(last.value()).as("%s%s le=+Inf", name, tags).isEqualTo((double) count);
  }

  @Test
  void headAnswersLikeGetWithoutABodyAndOtherMethodsGet405() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());

    HttpResponse<String> head = shop.send("HEAD", "/metrics");
    HttpResponse<String> post = shop.send("POST", "/metrics");
    HttpResponse<String> delete = shop.send("DELETE", "/metrics");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
    assertThat(head.body()).isEmpty();
    for (HttpResponse<String> refused : List.of(post, delete)) {
      assertThat(refused.statusCode()).isEqualTo(405);
      assertThat(refused.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(refused.body()).contains("https://tinycheckout.dev/problems/method-not-allowed");
    }
  }
}

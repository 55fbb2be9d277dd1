package dev.tinycheckout.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The observer wired into a real {@link CheckoutApi} on the JDK mount, driven over real sockets,
 * and read back as the Prometheus text a scrape of {@code /metrics} would serve.
 */
class PrometheusOverHttpTest {
  private static final String TERMS = "v1";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private JdkHttpMount.Running server;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("widget"),
                    "Widget",
                    Money.parse("1.00", "USD"),
                    1_000,
                    Instant.parse("2026-11-25T00:00:00Z")));
    CheckoutApi api =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .terms(TERMS, "Terms of sale.")
            .observer(MicrometerObserver.of(registry))
            .build();
    server =
        JdkHttpMount.builder()
            .handler(api)
            .address(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0))
            .virtualThreads(false)
            .threads(4)
            .build()
            .start();
    base = URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
    registry.close();
  }

  private static String order(String token, int quantity) {
    return "{\"items\":[{\"sku\":\"widget\",\"quantity\":"
        + quantity
        + "}],\"email\":\"ann@example.com\",\"acceptedTerms\":\""
        + TERMS
        + "\",\"paymentToken\":\""
        + token
        + "\"}";
  }

  private int checkout(String key, String body) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("checkout"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private int get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aScrapeAfterRealTrafficCountsEveryOutcomeRouteAndStatus() throws Exception {
    assertThat(checkout("key-paid-0001", order(TestPaymentGateway.APPROVE, 1))).isEqualTo(201);
    assertThat(checkout("key-declined-0001", order(TestPaymentGateway.DECLINE, 1))).isEqualTo(402);
    assertThat(checkout("key-paid-0001", order(TestPaymentGateway.APPROVE, 1))).isEqualTo(201);
    assertThat(checkout("key-paid-0001", order(TestPaymentGateway.APPROVE, 2))).isEqualTo(422);
    assertThat(get("products")).isEqualTo(200);
    assertThat(get("products/widget")).isEqualTo(200);
    assertThat(get("products/widget")).isEqualTo(200);
    assertThat(get("products/gadget")).isEqualTo(404);
    assertThat(get("nowhere")).isEqualTo(404);

    String scrape = registry.scrape();
    List<String> lines = Arrays.asList(scrape.split("\n"));

    // Checkout outcomes: one line per outcome, zeros included.
    assertThat(lines)
        .contains(
            "tinycheckout_checkout_duration_seconds_count{outcome=\"paid\"} 1",
            "tinycheckout_checkout_duration_seconds_count{outcome=\"declined\"} 1",
            "tinycheckout_checkout_duration_seconds_count{outcome=\"replayed\"} 1",
            "tinycheckout_checkout_duration_seconds_count{outcome=\"key_reused\"} 1",
            "tinycheckout_checkout_duration_seconds_count{outcome=\"failed\"} 0",
            "tinycheckout_checkout_duration_seconds_bucket{outcome=\"paid\",le=\"+Inf\"} 1",
            "tinycheckout_checkout_duration_seconds_bucket{outcome=\"failed\",le=\"0.3\"} 0");
    // Payments: the replay and the reused key never reached the provider.
    assertThat(lines)
        .contains(
            "tinycheckout_payment_duration_seconds_count{outcome=\"approved\",reason=\"none\"} 1",
            "tinycheckout_payment_duration_seconds_count{outcome=\"declined\",reason=\"card_declined\"} 1",
            "tinycheckout_consent_entries_total 1.0");
    // Requests, by route template, method and status.
    String post = "http_request_method=\"POST\"";
    String get = "http_request_method=\"GET\"";
    assertThat(lines)
        .contains(
            requestLine("count", post, "201", "/checkout", null, 2),
            requestLine("count", post, "402", "/checkout", null, 1),
            requestLine("count", post, "422", "/checkout", null, 1),
            requestLine("count", get, "200", "/products", null, 1),
            requestLine("count", get, "200", "/products/{sku}", null, 2),
            requestLine("count", get, "404", "/products/{sku}", null, 1),
            requestLine("count", get, "404", "other", null, 1),
            requestLine("bucket", post, "201", "/checkout", "+Inf", 2),
            requestLine("bucket", get, "200", "/products/{sku}", "+Inf", 2));
    // The 300 ms bucket exists for each series and holds at most all of its requests (how many
    // were that fast depends on the machine).
    assertThat(bucket(scrape, post, "201", "/checkout", "0.3")).isBetween(0L, 2L);
    assertThat(bucket(scrape, get, "200", "/products/{sku}", "0.3")).isBetween(0L, 2L);
    assertThat(bucket(scrape, post, "201", "/checkout", "0.005"))
        .isLessThanOrEqualTo(bucket(scrape, post, "201", "/checkout", "0.3"));
    // Each timer has the 15 bounds plus +Inf, and no other.
    assertThat(
            lines.stream()
                .filter(
                    l ->
                        l.startsWith(
                            "tinycheckout_checkout_duration_seconds_bucket{outcome=\"paid\""))
                .count())
        .isEqualTo(16);
    // No raw path, no idempotency key, no token, no email leaks into a label.
    assertThat(scrape)
        .doesNotContain("gadget")
        .doesNotContain("nowhere")
        .doesNotContain("key-paid")
        .doesNotContain("tok_")
        .doesNotContain("example.com");
  }

  private static String requestLine(
      String kind, String method, String status, String route, String le, long value) {
    return "http_server_request_duration_seconds_"
        + kind
        + "{"
        + method
        + ",http_response_status_code=\""
        + status
        + "\",http_route=\""
        + route
        + "\""
        + (le == null ? "" : ",le=\"" + le + "\"")
        + "} "
        + value;
  }

  private static long bucket(String scrape, String method, String status, String route, String le) {
    String prefix = requestLine("bucket", method, status, route, le, 0);
    prefix = prefix.substring(0, prefix.length() - 1);
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "(\\d+)$").matcher(scrape);
    assertThat(m.find()).as("a line starting %s", prefix).isTrue();
    return Long.parseLong(m.group(1));
  }
}

package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.http.RecordingObserver.Request;
import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.FraudRules;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.http.openapi.OpenApiDocument;
import dev.tinycheckout.http.openapi.ResponseChecker;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.PaymentSignal;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's signals over real sockets on the JDK mount: each request is reported with a bounded
 * route template and method label and the status the client got; refusals of the HTTP layer count
 * as checkouts; and {@code /health} reports the fulfilment backlog and firing alerts.
 */
class ObservedApiTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final String SKU = "widget";
  private static final String EMAIL = "jo@example.com";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Every label {@link CheckoutApi#routeOf} may give: the route templates and the two others. */
  private static final Set<String> ROUTES =
      Set.of(
          "/health",
          "/terms",
          "/products",
          "/products/{sku}",
          "/checkout",
          "/orders/{id}",
          "/orders/{id}/withdrawal",
          "/admin/audit/verify",
          "/admin/consents",
          "/admin/fulfilment/dead-letters",
          "/admin/fulfilment/dead-letters/{id}/retry",
          "other",
          "/admin/other");

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final RecordingObserver observer = new RecordingObserver();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A real storage that can be switched off: then every unit of work throws. */
  private static final class Switchable implements CheckoutStorage {
    private final CheckoutStorage delegate;
    volatile boolean down;

    Switchable(CheckoutStorage delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(UnitOfWork<T> work) {
      if (down) {
        throw new StorageException("the test switched the storage off", true, null);
      }
      return delegate.inTransaction(work);
    }
  }

  private CheckoutApi.Builder api(CheckoutStorage storage) {
    this.storage.inTransaction(
        tx -> tx.products().upsert(Sku.of(SKU), "Widget", Money.parse("1.00", "USD"), 1_000, T0));
    return CheckoutApi.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .terms("v1", "Terms of sale.")
        .clock(clock);
  }

  private CheckoutApi.Builder api() {
    return api(storage).observer(observer);
  }

  private URI start(CheckoutApi api) throws IOException {
    JdkHttpMount.Running server =
        JdkHttpMount.builder()
            .handler(api)
            .address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
            .virtualThreads(false)
            .threads(4)
            .build()
            .start();
    toClose.add(() -> server.stop(Duration.ZERO));
    return URI.create("http://127.0.0.1:" + server.port());
  }

  private HttpResponse<String> send(
      URI base, String method, String path, UnaryOperator<HttpRequest.Builder> f)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    return client.send(f.apply(b).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(URI base, String method, String path)
      throws IOException, InterruptedException {
    return send(base, method, path, b -> b);
  }

  private HttpResponse<String> post(URI base, String path, @Nullable String key, String body)
      throws IOException, InterruptedException {
    return send(
        base,
        "POST",
        path,
        b -> {
          b.header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
          return key == null ? b : b.header("Idempotency-Key", key);
        });
  }

  private static String order(String token) {
    return "{\"items\":[{\"sku\":\""
        + SKU
        + "\",\"quantity\":1}],\"email\":\""
        + EMAIL
        + "\",\"acceptedTerms\":\"v1\",\"paymentToken\":\""
        + token
        + "\"}";
  }

  /** Waits, with a deadline, until the observer heard {@code n} requests. */
  private void awaitRequests(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (observer.requests.size() < n) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("heard " + observer.requests + ", expected " + n + " requests");
      }
      Thread.sleep(5);
    }
  }

  private static Request seen(String route, String method, int status) {
    return new Request(route, method, status, 0);
  }

  private static List<Request> withoutDurations(List<Request> requests) {
    return requests.stream().map(r -> seen(r.route(), r.method(), r.status())).toList();
  }

  // ---- requestCompleted --------------------------------------------------------------------

  @Test
  void everyRequestIsReportedWithItsRouteTemplateMethodAndTheStatusTheClientGot() throws Exception {
    URI base = start(api().build());
    List<HttpResponse<String>> answers = new ArrayList<>();

    HttpResponse<String> placed = post(base, "/checkout", "k1", order("tok_ok"));
    answers.add(placed);
    String location = placed.headers().firstValue("Location").orElseThrow();
    String id = location.substring(location.lastIndexOf('/') + 1);
    answers.add(send(base, "GET", location));
    answers.add(post(base, location + "/withdrawal", "w1", "{\"email\":\"" + EMAIL + "\"}"));
    answers.add(send(base, "GET", "/products/" + SKU));
    answers.add(send(base, "GET", "/products/no-such-sku"));
    answers.add(send(base, "GET", "/products"));
    answers.add(send(base, "GET", "/nowhere/at/all"));
    answers.add(send(base, "BREW", "/health"));
    answers.add(send(base, "DELETE", "/checkout"));
    answers.add(send(base, "GET", "/admin/fulfilment/dead-letters"));
    answers.add(send(base, "GET", "/admin/secret-plans"));
    answers.add(send(base, "HEAD", "/terms"));
    answers.add(send(base, "GET", "/health"));
    awaitRequests(answers.size());

    assertThat(answers)
        .extracting(HttpResponse::statusCode)
        .containsExactly(201, 200, 200, 200, 404, 200, 404, 405, 405, 401, 401, 200, 200);
    assertThat(withoutDurations(observer.requests))
        .containsExactly(
            seen("/checkout", "POST", 201),
            seen("/orders/{id}", "GET", 200),
            seen("/orders/{id}/withdrawal", "POST", 200),
            seen("/products/{sku}", "GET", 200),
            seen("/products/{sku}", "GET", 404),
            seen("/products", "GET", 200),
            seen("other", "GET", 404),
            seen("/health", "_OTHER", 405),
            seen("/checkout", "DELETE", 405),
            seen("/admin/fulfilment/dead-letters", "GET", 401),
            seen("/admin/other", "GET", 401),
            seen("/terms", "HEAD", 200),
            seen("/health", "GET", 200));
    assertThat(observer.requests)
        .allSatisfy(
            r -> {
              assertThat(r.nanos()).isPositive();
              assertThat(r.route()).doesNotContain(id, SKU, "no-such-sku", "secret", "nowhere");
            });
    assertThat(observer.checkouts).containsExactly(CheckoutSignal.PAID);
    assertThat(observer.payments).containsExactly(PaymentSignal.APPROVED);
  }

  @Test
  void aMalformedBodyAndAMissingKeyAreCountedAsRejectedCheckouts() throws Exception {
    URI base = start(api().build());

    HttpResponse<String> malformed = post(base, "/checkout", "k1", "{not json");
    HttpResponse<String> keyless = post(base, "/checkout", null, order("tok_ok"));
    HttpResponse<String> badEmail =
        post(base, "/checkout", "k2", order("tok_ok").replace(EMAIL, "not-an-email"));
    awaitRequests(3);

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(keyless.statusCode()).isBetween(400, 499);
    assertThat(badEmail.statusCode()).isEqualTo(422);
    assertThat(observer.checkouts)
        .containsExactly(CheckoutSignal.REJECTED, CheckoutSignal.REJECTED, CheckoutSignal.REJECTED);
    assertThat(observer.payments).isEmpty();
    assertThat(withoutDurations(observer.requests))
        .containsExactly(
            seen("/checkout", "POST", 400),
            seen("/checkout", "POST", keyless.statusCode()),
            seen("/checkout", "POST", 422));
  }

  @Test
  void aCheckoutTheFraudGuardRefusesIsCountedThrottledAndNeverReachesTheProvider()
      throws Exception {
    FraudGuard guard =
        FraudGuard.builder()
            .rules(
                FraudRules.off().toBuilder()
                    .checkoutsPerIp(FraudRules.Limit.of(1, Duration.ofMinutes(1)))
                    .build())
            .clock(clock)
            .build();
    URI base = start(api().fraudGuard(guard).build());

    HttpResponse<String> first = post(base, "/checkout", "k1", order("tok_ok"));
    HttpResponse<String> second = post(base, "/checkout", "k2", order("tok_ok"));
    awaitRequests(2);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(observer.checkouts).containsExactly(CheckoutSignal.PAID, CheckoutSignal.THROTTLED);
    assertThat(observer.payments).containsExactly(PaymentSignal.APPROVED);
    assertThat(withoutDurations(observer.requests))
        .containsExactly(seen("/checkout", "POST", 201), seen("/checkout", "POST", 429));
  }

  @Test
  void withoutAnObserverNothingIsReportedAndTheApiAnswersAsBefore() throws Exception {
    CheckoutApi plain = api(storage).build();
    URI base = start(plain);

    assertThat(post(base, "/checkout", "k1", order("tok_ok")).statusCode()).isEqualTo(201);
    assertThat(send(base, "GET", "/health").statusCode()).isEqualTo(200);

    assertThat(observer.requests).isEmpty();
    assertThat(observer.checkouts).isEmpty();
  }

  // ---- /health -----------------------------------------------------------------------------

  @Test
  void healthListsTheFulfilmentBacklogAndTheFiringAlerts() throws Exception {
    FulfilmentHook shipping =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "shipping";
          }

          @Override
          public void handle(Delivery delivery) {}
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder().storage(storage).hooks(hooks).clock(clock).build();
    toClose.add(() -> dispatcher.stop(Duration.ZERO));
    SloMonitor monitor = firingMonitor();
    URI base =
        start(
            api()
                .hooks(hooks)
                .fulfilmentBacklog(dispatcher::backlog)
                .sloMonitors(List.of(monitor))
                .build());
    assertThat(post(base, "/checkout", "k1", order("tok_ok")).statusCode()).isEqualTo(201);
    clock.advance(Duration.ofSeconds(42));

    HttpResponse<String> health = send(base, "GET", "/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    JsonNode json = JSON.readTree(health.body());
    assertThat(json.get("status").stringValue()).isEqualTo("UP");
    JsonNode outbox = json.get("outbox");
    assertThat(outbox.get("pending").longValue()).isEqualTo(1);
    assertThat(outbox.get("dead").longValue()).isZero();
    assertThat(outbox.get("oldestPendingAgeSeconds").longValue()).isEqualTo(42);
    JsonNode alerts = json.get("alerts");
    assertThat(alerts.isArray()).isTrue();
    List<String> rules = new ArrayList<>();
    for (JsonNode alert : alerts) {
      assertThat(alert.get("objective").stringValue()).isEqualTo("checkout-availability");
      assertThat(alert.get("severity").stringValue()).isEqualTo("PAGE");
      assertThat(alert.get("since").stringValue()).isEqualTo("2026-11-25T10:00:00Z");
      assertThat(alert.get("summary").stringValue()).contains("200 of 200 events bad");
      rules.add(alert.get("rule").stringValue());
    }
    // 200 bad events reach both pages' minimum events, not the tickets'.
    assertThat(rules).containsExactly("page-fast", "page-slow");
  }

  @Test
  void healthWithNoFiringAlertListsAnEmptyArray() throws Exception {
    SloMonitor quiet =
        SloMonitor.builder(ServiceLevelObjective.of("checkout-availability", 0.999))
            .clock(clock)
            .build();
    URI base = start(api().sloMonitors(List.of(quiet)).build());

    HttpResponse<String> health = send(base, "GET", "/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"UP\",\"alerts\":[]}");
  }

  @Test
  void healthWithoutBacklogOrMonitorsIsExactlyStatusUp() throws Exception {
    URI base = start(api().build());

    HttpResponse<String> health = send(base, "GET", "/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
  }

  @Test
  void aStorageThatFailsMakesHealthAnswer503Down() throws Exception {
    Switchable switchable = new Switchable(storage);
    URI base = start(api(switchable).observer(observer).build());
    switchable.down = true;

    HttpResponse<String> health = send(base, "GET", "/health");

    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).isEqualTo("{\"status\":\"DOWN\"}");
    awaitRequests(1);
    assertThat(withoutDurations(observer.requests)).containsExactly(seen("/health", "GET", 503));
  }

  @Test
  void aStorageThatFailsMakesTheDetailedHealthDownWithoutAnOutboxButWithItsAlerts()
      throws Exception {
    Switchable switchable = new Switchable(storage);
    FulfilmentHooks hooks =
        FulfilmentHooks.of(
            new FulfilmentHook() {
              @Override
              public String name() {
                return "shipping";
              }

              @Override
              public void handle(Delivery delivery) {}
            });
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder().storage(switchable).hooks(hooks).clock(clock).build();
    toClose.add(() -> dispatcher.stop(Duration.ZERO));
    SloMonitor monitor = firingMonitor();
    URI base =
        start(
            api(switchable)
                .fulfilmentBacklog(dispatcher::backlog)
                .sloMonitors(List.of(monitor))
                .build());
    switchable.down = true;

    HttpResponse<String> health = send(base, "GET", "/health");

    assertThat(health.statusCode()).isEqualTo(503);
    JsonNode json = JSON.readTree(health.body());
    assertThat(json.get("status").stringValue()).isEqualTo("DOWN");
    assertThat(json.has("outbox")).isFalse();
    assertThat(json.get("alerts").size()).isEqualTo(2);
  }

  @Test
  void theDetailedHealthAnswerIsAsTheOpenApiDocumentSays() {
    SloMonitor monitor = firingMonitor();
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder()
            .storage(storage)
            .hooks(FulfilmentHooks.none())
            .clock(clock)
            .build();
    toClose.add(() -> dispatcher.stop(Duration.ZERO));
    CheckoutApi api =
        api().fulfilmentBacklog(dispatcher::backlog).sloMonitors(List.of(monitor)).build();

    ApiResponse health =
        api.handle(
            new ApiRequest(
                "GET",
                "/health",
                Optional.empty(),
                RequestHeaders.of(Map.of()),
                new ByteArrayInputStream(new byte[0])));

    OpenApiDocument document = OpenApiDocument.load();
    assertThat(health.status()).isEqualTo(200);
    assertThat(
            new ResponseChecker(document)
                .check(document.operation("GET", "/health").orElseThrow(), health))
        .isEmpty();
  }

  @Test
  void anAlertIsListedSinceItStartedFiringNotSinceTheLastEvaluation() throws Exception {
    SloMonitor monitor = firingMonitor();
    clock.advance(Duration.ofMinutes(2));
    assertThat(monitor.evaluate().rule("page-fast").orElseThrow().firing()).isTrue();
    URI base = start(api().sloMonitors(List.of(monitor)).build());

    JsonNode json = JSON.readTree(send(base, "GET", "/health").body());

    assertThat(json.get("alerts").get(0).get("rule").stringValue()).isEqualTo("page-fast");
    assertThat(json.get("alerts").get(0).get("since").stringValue())
        .isEqualTo("2026-11-25T10:00:00Z");
  }

  /** A monitor whose two page rules fire: 200 bad events, evaluated at T0. */
  private SloMonitor firingMonitor() {
    SloMonitor monitor =
        SloMonitor.builder(ServiceLevelObjective.of("checkout-availability", 0.999))
            .clock(clock)
            .build();
    for (int i = 0; i < 200; i++) {
      monitor.record(false);
    }
    assertThat(monitor.evaluate().firing()).hasSize(2);
    return monitor;
  }

  // ---- routeOf and methodOf ----------------------------------------------------------------

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, other",
    "/health, /health",
    "/health/deep, other",
    "/terms, /terms",
    "/products, /products",
    "/products/apple, /products/{sku}",
    "/products/apple/reviews, other",
    "/products/%61pple, other",
    "/products/., other",
    "/products//, other",
    "/checkout, /checkout",
    "/checkout/, other",
    "/orders/0193a1b2-0000-7000-8000-000000000000, /orders/{id}",
    "/orders/42/withdrawal, /orders/{id}/withdrawal",
    "/orders/42/refund, other",
    "/orders, other",
    "/admin, /admin/other",
    "/admin/audit/verify, /admin/audit/verify",
    "/admin/consents, /admin/consents",
    "/admin/fulfilment/dead-letters, /admin/fulfilment/dead-letters",
    "/admin/fulfilment/dead-letters/abc/retry, /admin/fulfilment/dead-letters/{id}/retry",
    "/admin/fulfilment/dead-letters/abc, /admin/other",
    "/admin/users/ann@example.com, /admin/other",
    "/ann@example.com, other"
  })
  void aPathIsLabelledWithTheRouteTemplateItMatches(String path, String route) {
    assertThat(CheckoutApi.routeOf(path)).isEqualTo(route);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "GET, GET",
    "HEAD, HEAD",
    "POST, POST",
    "PUT, PUT",
    "DELETE, DELETE",
    "PATCH, PATCH",
    "OPTIONS, OPTIONS",
    "TRACE, TRACE",
    "CONNECT, CONNECT",
    "BREW, _OTHER",
    "get, _OTHER",
    "PROPFIND, _OTHER"
  })
  void aMethodIsLabelledByItselfIfKnownAndOtherwiseOther(String method, String label) {
    assertThat(CheckoutApi.methodOf(method)).isEqualTo(label);
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> prefix =
        Arbitraries.of(
            "",
            "health",
            "terms",
            "products/",
            "checkout",
            "orders/",
            "admin/",
            "admin/audit/verify",
            "admin/fulfilment/dead-letters/");
    Arbitrary<String> rest = Arbitraries.strings().withChars("abcxyz019-_./%@").ofMaxLength(40);
    return Combinators.combine(prefix, rest).as((p, r) -> "/" + p + r);
  }

  @Provide
  Arbitrary<String> segments() {
    return Arbitraries.strings()
        .withChars("abcxyz0189-_.~@")
        .ofMinLength(1)
        .ofMaxLength(40)
        .filter(s -> !s.equals(".") && !s.equals(".."));
  }

  /** Law: whatever the path, its label is one of the fixed set, so a metric's tags are bounded. */
  @Property(tries = 2000)
  void everyPathIsLabelledWithOneOfTheFixedRoutes(@ForAll("paths") String path) {
    assertThat(ROUTES).contains(CheckoutApi.routeOf(path));
  }

  /** Law: a SKU or an order id never reaches the label; the template stands for any of them. */
  @Property(tries = 500)
  void theLabelOfAPathWithAnIdIsTheTemplateWhateverTheId(@ForAll("segments") String id) {
    assertThat(CheckoutApi.routeOf("/products/" + id)).isEqualTo("/products/{sku}");
    assertThat(CheckoutApi.routeOf("/orders/" + id)).isEqualTo("/orders/{id}");
    assertThat(CheckoutApi.routeOf("/orders/" + id + "/withdrawal"))
        .isEqualTo("/orders/{id}/withdrawal");
    assertThat(CheckoutApi.routeOf("/admin/fulfilment/dead-letters/" + id + "/retry"))
        .isEqualTo("/admin/fulfilment/dead-letters/{id}/retry");
  }

  /** Law: a method label is a known method, unchanged, or {@code _OTHER}. */
  @Property(tries = 500)
  void everyMethodIsLabelledByItselfIfKnownOrOther(@ForAll("methods") String method) {
    String label = CheckoutApi.methodOf(method);

    assertThat(label).isEqualTo(METHODS.contains(method) ? method : "_OTHER");
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.oneOf(
        Arbitraries.of(METHODS),
        Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(10),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(10));
  }
}

package dev.tinycheckout.http.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP contract ({@code http-contract.md}) as one suite over real sockets, for every server
 * mount of tinycheckout's {@link ApiHandler}. A mount's test extends this class and supplies two
 * things: how to {@linkplain #start start} the mount around a handler, and a {@linkplain
 * #newStorage fresh storage}. The kit builds the {@link CheckoutApi} itself, over that storage,
 * with a payment gateway it controls, a clock it can move, and a small catalog it seeds directly
 * into the storage; then it talks to the mount only over sockets: {@link HttpClient} for ordinary
 * requests, a plain socket for what {@code HttpClient} refuses to send.
 *
 * <p>Modelled on Micrometer's {@code HttpSenderCompatibilityKit}. Each test starts a mount of its
 * own on a new storage, so tests never see each other's data.
 *
 * <pre>{@code
 * class JdkMountH2ContractTest extends HttpContractKit {
 *   @AutoClose final H2Storages databases = new H2Storages();
 *
 *   @Override protected CheckoutStorage newStorage() { return databases.fresh(); }
 *
 *   @Override protected RunningServer start(ApiHandler handler) { ... }
 * }
 * }</pre>
 *
 * <p>The consent admin routes are covered together with the withdrawal function they record: every
 * withdrawal case checks the order, the stock and the consent trail after it. Not covered here:
 * {@code /metrics}.
 */
public abstract class HttpContractKit {
  /** The terms version the kit's API asks customers to accept. */
  protected static final String TERMS_VERSION = "2025-01";

  /** The terms text the kit's API serves. */
  protected static final String TERMS_TEXT =
      "Be kind to the shop, and the shop will be kind to you.";

  /** The bearer token of the kit's admin routes. */
  protected static final String ADMIN_TOKEN = "kit-admin-token-5f1d3c";

  /** A product with plenty of stock, 12.50 EUR. */
  static final String WIDGET = "widget";

  /** A product with 5 in stock, 9.99 EUR. */
  static final String GADGET = "gadget";

  /** A product with 10 in stock, for the race of 100 buyers. */
  static final String LIMITED = "limited";

  static final long WIDGET_STOCK = 100;
  static final long GADGET_STOCK = 5;
  static final long LIMITED_STOCK = 10;
  static final String EMAIL = "ada@example.com";
  static final String ZERO_HASH = "0".repeat(64);

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age=(\\d+)");
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final Pattern STALE = Pattern.compile("stale-while-revalidate=(\\d+)");

  private KitClock clock = new KitClock();
  private GatedPaymentGateway gateway = new GatedPaymentGateway();
  private SwitchableStorage storage;
  private CheckoutApi api;
  private RunningServer server;

  /** For subclasses. */
  protected HttpContractKit() {}

  /**
   * Starts the mount under test on a free loopback port, serving {@code handler} at its root.
   *
   * @param handler the handler the kit built; the mount must serve it for every path
   * @return where it listens and how to stop it
   */
  protected abstract RunningServer start(ApiHandler handler);

  /**
   * A new, empty, migrated storage for one test. It must not hold data of an earlier test.
   *
   * @return the storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void startMountOverAFreshCatalog() {
    clock = new KitClock();
    gateway = new GatedPaymentGateway();
    storage = new SwitchableStorage(newStorage());
    Instant now = clock.instant();
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of(WIDGET), "Widget", Money.of(1250, "EUR"), WIDGET_STOCK, now);
          tx.products().upsert(Sku.of(GADGET), "Gadget", Money.of(999, "EUR"), GADGET_STOCK, now);
          tx.products()
              .upsert(
                  Sku.of(LIMITED), "Limited Edition", Money.of(5000, "EUR"), LIMITED_STOCK, now);
          return null;
        });
    api =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(TERMS_VERSION, TERMS_TEXT)
            .adminToken(ADMIN_TOKEN)
            .clock(clock)
            .build();
    server = start(api);
  }

  @AfterEach
  final void stopMount() throws Exception {
    gateway.release();
    if (server != null) {
      server.stopper().close();
    }
  }

  // ---- routes --------------------------------------------------------------------------------

  @Nested
  class Routing {
    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "/nope",
          "/products/widget/extra",
          "/orders",
          "/checkout/now",
          "/products/../terms",
          "/health/..",
        })
    void unknownPathsAnswer404NotFound(String target) {
      Answer answer = raw("GET " + target + " HTTP/1.1\r\n", false);

      assertProblem(answer, 404, "not-found");
    }

    /**
     * Ambiguous targets (empty segments, encoded dot segments, an encoded NUL) never reach a route:
     * the API answers them 404, and a server that refuses them itself first (Jetty's default URI
     * compliance answers 400) is as good, since the API never sees them.
     */
    @ParameterizedTest
    @ValueSource(
        strings = {
          "/products//widget",
          "/orders//withdrawal",
          "/products/%2e%2e/terms",
          "/products/%2E%2E",
          "/%2e%2e/health",
          "/orders/%00",
        })
    void ambiguousTargetsAnswer404OrAreRefusedByTheServer(String target) {
      Answer answer = raw("GET " + target + " HTTP/1.1\r\n", false);

      assertThat(answer.status()).as("%s", answer).isIn(400, 404);
      if (answer.status() == 404) {
        assertProblem(answer, 404, "not-found");
      }
    }

    @Test
    void aTargetStartingWithADoubleSlashAnswers404() {
      // Only the status: the JDK's HttpServer reads "//products" as an authority and answers this
      // one itself, before any mount sees it. Double slashes further in are checked in full above.
      Answer answer = raw("GET //products HTTP/1.1\r\n", false);

      assertThat(answer.status()).as("%s", answer).isIn(400, 404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
      "POST, /health, GET",
      "DELETE, /terms, GET",
      "POST, /products, GET",
      "PUT, /products/widget, GET",
      "DELETE, /products/widget, HEAD",
      "GET, /checkout, POST",
      "PUT, /checkout, POST",
    })
    void knownPathsAnswer405WithAllowForAnotherMethod(String method, String path, String allowed) {
      Answer answer = send(method, path, null);

      assertProblem(answer, 405, "method-not-allowed");
      assertThat(allow(answer)).contains(allowed).doesNotContain(method);
    }

    @Test
    void theWithdrawalRouteAnswers405WithAllowPostForGet() {
      String id = placeOrder(WIDGET, 1).path("id").asString();

      Answer answer = get("/orders/" + id + "/withdrawal");

      assertProblem(answer, 405, "method-not-allowed");
      assertThat(allow(answer)).contains("POST");
    }

    private static Set<String> allow(Answer answer) {
      return Arrays.stream(answer.headerOrEmpty("Allow").split(","))
          .map(String::trim)
          .collect(Collectors.toSet());
    }
  }

  @Nested
  class Health {
    @Test
    void healthAnswersUp() {
      Answer answer = get("/health");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertThat(answer.json().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void healthAnswers503DownWhenTheStorageFails() {
      storage.down(true);

      Answer answer = get("/health");

      assertThat(answer.status()).as("%s", answer).isEqualTo(503);
      assertThat(answer.json().path("status").asString()).isEqualTo("DOWN");
    }

    @Test
    void healthAnswersUpAgainOnceTheStorageRecovers() {
      storage.down(true);
      get("/health");
      storage.down(false);

      Answer answer = get("/health");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.json().path("status").asString()).isEqualTo("UP");
    }
  }

  @Nested
  class Terms {
    @Test
    void termsAnswerTheCurrentVersionAndText() {
      Answer answer = get("/terms");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertThat(answer.json().path("version").asString()).isEqualTo(TERMS_VERSION);
      assertThat(answer.json().path("text").asString()).isEqualTo(TERMS_TEXT);
    }

    @Test
    void termsCarryAStrongETag() {
      Answer answer = get("/terms");

      assertThat(answer.header("ETag"))
          .hasValueSatisfying(v -> assertThat(v).matches("\"[^\"]*\""));
    }

    @Test
    void termsAnswer304ToAMatchingIfNoneMatch() {
      String etag = get("/terms").headerOrEmpty("ETag");

      Answer answer = get("/terms", "If-None-Match", etag);

      assertThat(answer.status()).as("%s", answer).isEqualTo(304);
      assertThat(answer.body()).isEmpty();
      assertThat(answer.header("ETag")).hasValue(etag);
    }
  }

  // ---- products ------------------------------------------------------------------------------

  @Nested
  class Products {
    @Test
    void theProductListHoldsEveryProductInTheContractShape() {
      Answer answer = get("/products");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      JsonNode products = answer.json().path("products");
      assertThat(products.isArray()).as("%s", answer).isTrue();
      List<String> skus = new ArrayList<>();
      products.forEach(p -> skus.add(p.path("sku").asString()));
      assertThat(skus).containsExactlyInAnyOrder(WIDGET, GADGET, LIMITED);
      for (JsonNode product : products) {
        if (product.path("sku").asString().equals(WIDGET)) {
          assertWidget(product, WIDGET_STOCK);
        }
      }
    }

    @Test
    void aProductAnswersItsSkuNamePriceAndStock() {
      Answer answer = get("/products/" + WIDGET);

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertWidget(answer.json(), WIDGET_STOCK);
    }

    @Test
    void aProductCarriesAStrongETagAndLastModified() {
      Answer answer = get("/products/" + WIDGET);

      assertThat(answer.header("ETag"))
          .hasValueSatisfying(v -> assertThat(v).matches("\"[^\"]*\""));
      assertThat(answer.header("Last-Modified")).isPresent();
      assertThat(httpDate(answer.headerOrEmpty("Last-Modified")))
          .isBeforeOrEqualTo(clock.instant());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/products", "/products/widget"})
    void productsArePublicForAtMostSixtySecondsAndMayBeServedStaleWhileRevalidating(String path) {
      String cacheControl = get(path).headerOrEmpty("Cache-Control");

      assertThat(cacheControl).contains("public");
      assertThat(maxAge(cacheControl)).as(cacheControl).isBetween(1L, 60L);
      assertThat(STALE.matcher(cacheControl).find()).as(cacheControl).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/products", "/products/widget"})
    void productsCarryACdnCacheControl(String path) {
      Answer answer = get(path);

      assertThat(answer.header("CDN-Cache-Control")).isPresent();
      assertThat(maxAge(answer.headerOrEmpty("CDN-Cache-Control"))).isPositive();
    }

    @Test
    void headAnswersTheFieldsOfGetWithoutABody() {
      Answer got = get("/products/" + WIDGET);

      Answer head = send("HEAD", "/products/" + WIDGET, null);

      assertThat(head.status()).as("%s", head).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(head.header("ETag")).isEqualTo(got.header("ETag"));
      assertThat(head.header("Last-Modified")).isEqualTo(got.header("Last-Modified"));
      assertThat(head.header("Cache-Control")).isEqualTo(got.header("Cache-Control"));
    }

    @Test
    void anUnknownSkuAnswers404NotFound() {
      assertProblem(get("/products/no-such-sku"), 404, "not-found");
    }

    @Test
    void headOfAnUnknownSkuAnswers404WithoutABody() {
      Answer head = send("HEAD", "/products/no-such-sku", null);

      assertThat(head.status()).isEqualTo(404);
      assertThat(head.body()).isEmpty();
    }

    @Test
    void aPurchaseIsVisibleAtOnceInTheProduct() {
      get("/products/" + WIDGET);
      placeOrder(WIDGET, 2);

      assertThat(get("/products/" + WIDGET).json().path("stock").asLong())
          .isEqualTo(WIDGET_STOCK - 2);
    }

    @Test
    void aPurchaseIsVisibleAtOnceInTheProductList() {
      get("/products");
      placeOrder(WIDGET, 3);

      JsonNode widget = productIn(get("/products").json(), WIDGET);
      assertThat(widget.path("stock").asLong()).isEqualTo(WIDGET_STOCK - 3);
    }

    @Test
    void theETagChangesWhenTheStockChanges() {
      String before = get("/products/" + WIDGET).headerOrEmpty("ETag");
      placeOrder(WIDGET, 1);

      assertThat(get("/products/" + WIDGET).headerOrEmpty("ETag")).isNotEqualTo(before);
    }

    @Test
    void theETagAndPriceChangeWhenThePriceChanges() {
      String before = get("/products/" + WIDGET).headerOrEmpty("ETag");
      changeProduct(WIDGET, "Widget", 1300, WIDGET_STOCK);

      Answer after = get("/products/" + WIDGET);

      assertThat(after.headerOrEmpty("ETag")).isNotEqualTo(before);
      assertThat(after.json().path("price").path("amount").asLong()).isEqualTo(1300);
    }

    @Test
    void theETagAndNameChangeWhenTheNameChanges() {
      String before = get("/products/" + WIDGET).headerOrEmpty("ETag");
      changeProduct(WIDGET, "Widget Deluxe", 1250, WIDGET_STOCK);

      Answer after = get("/products/" + WIDGET);

      assertThat(after.headerOrEmpty("ETag")).isNotEqualTo(before);
      assertThat(after.json().path("name").asString()).isEqualTo("Widget Deluxe");
    }

    @Test
    void theListETagChangesWhenAProductChanges() {
      String before = get("/products").headerOrEmpty("ETag");
      placeOrder(GADGET, 1);

      assertThat(get("/products").headerOrEmpty("ETag")).isNotEqualTo(before);
    }

    private void assertWidget(JsonNode product, long stock) {
      assertThat(product.path("sku").asString()).isEqualTo(WIDGET);
      assertThat(product.path("name").asString()).isEqualTo("Widget");
      assertMoney(product.path("price"), 1250, "EUR");
      assertThat(product.path("stock").isIntegralNumber()).as("%s", product).isTrue();
      assertThat(product.path("stock").asLong()).isEqualTo(stock);
    }
  }

  @Nested
  class ConditionalRequests {
    private String path = "/products/" + WIDGET;

    @Test
    void ifNoneMatchWithTheCurrentTagAnswers304WithETagAndCacheControlButNoBody() {
      Answer full = get(path);

      Answer answer = get(path, "If-None-Match", full.headerOrEmpty("ETag"));

      assertThat(answer.status()).as("%s", answer).isEqualTo(304);
      assertThat(answer.body()).isEmpty();
      assertThat(answer.header("ETag")).isEqualTo(full.header("ETag"));
      assertThat(answer.header("Cache-Control")).isEqualTo(full.header("Cache-Control"));
      assertThat(answer.header("Vary")).isEqualTo(full.header("Vary"));
    }

    @Test
    void ifNoneMatchComparesWeaklySoAWeakFormOfTheTagMatches() {
      String etag = get(path).headerOrEmpty("ETag");

      assertThat(get(path, "If-None-Match", "W/" + etag).status()).isEqualTo(304);
    }

    @Test
    void ifNoneMatchStarAnswers304ForAnExistingProduct() {
      assertThat(get(path, "If-None-Match", "*").status()).isEqualTo(304);
    }

    @Test
    void ifNoneMatchWithAListHoldingTheTagAnswers304() {
      String etag = get(path).headerOrEmpty("ETag");

      Answer answer = get(path, "If-None-Match", "\"nope\", W/\"older\", " + etag);

      assertThat(answer.status()).as("%s", answer).isEqualTo(304);
    }

    @Test
    void ifNoneMatchWithAnotherTagAnswers200WithTheProduct() {
      Answer answer = get(path, "If-None-Match", "\"not-the-current-tag\"");

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("sku").asString()).isEqualTo(WIDGET);
    }

    @Test
    void ifNoneMatchWithTheTagOfAnOlderVersionAnswers200() {
      String old = get(path).headerOrEmpty("ETag");
      placeOrder(WIDGET, 1);

      assertThat(get(path, "If-None-Match", old).status()).isEqualTo(200);
    }

    @Test
    void headWithAMatchingIfNoneMatchAnswers304() {
      String etag = get(path).headerOrEmpty("ETag");

      Answer answer = send("HEAD", path, null, "If-None-Match", etag);

      assertThat(answer.status()).isEqualTo(304);
      assertThat(answer.header("ETag")).hasValue(etag);
      assertThat(answer.header("Cache-Control")).isPresent();
    }

    @Test
    void theProductListAnswers304ToAMatchingIfNoneMatch() {
      Answer full = get("/products");

      Answer answer = get("/products", "If-None-Match", full.headerOrEmpty("ETag"));

      assertThat(answer.status()).isEqualTo(304);
      assertThat(answer.body()).isEmpty();
      assertThat(answer.header("Cache-Control")).isEqualTo(full.header("Cache-Control"));
    }

    @Test
    void ifModifiedSinceTheLastModificationAnswers304() {
      String lastModified = get(path).headerOrEmpty("Last-Modified");

      Answer answer = get(path, "If-Modified-Since", lastModified);

      assertThat(answer.status()).as("%s", answer).isEqualTo(304);
      assertThat(answer.body()).isEmpty();
    }

    @Test
    void ifModifiedSinceBeforeTheLastModificationAnswers200() {
      Instant lastModified = httpDate(get(path).headerOrEmpty("Last-Modified"));

      Answer answer =
          get(path, "If-Modified-Since", httpDate(lastModified.minus(Duration.ofHours(1))));

      assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
      String lastModified = get(path).headerOrEmpty("Last-Modified");

      Answer answer =
          get(path, "If-None-Match", "\"not-the-current-tag\"", "If-Modified-Since", lastModified);

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    }

    @Test
    void aFailingIfMatchAnswers412PreconditionFailed() {
      assertProblem(get(path, "If-Match", "\"not-the-current-tag\""), 412, "precondition-failed");
    }

    @Test
    void ifMatchWithTheCurrentTagAnswers200() {
      String etag = get(path).headerOrEmpty("ETag");

      assertThat(get(path, "If-Match", etag).status()).isEqualTo(200);
    }

    @Test
    void ifMatchComparesStronglySoAWeakFormOfTheTagFails() {
      String etag = get(path).headerOrEmpty("ETag");

      assertProblem(get(path, "If-Match", "W/" + etag), 412, "precondition-failed");
    }

    @Test
    void ifMatchStarAnswers200ForAnExistingProduct() {
      assertThat(get(path, "If-Match", "*").status()).isEqualTo(200);
    }

    @Test
    void aFailingIfUnmodifiedSinceAnswers412PreconditionFailed() {
      Instant lastModified = httpDate(get(path).headerOrEmpty("Last-Modified"));

      Answer answer =
          get(path, "If-Unmodified-Since", httpDate(lastModified.minus(Duration.ofHours(1))));

      assertProblem(answer, 412, "precondition-failed");
    }

    @Test
    void ifUnmodifiedSinceTheLastModificationAnswers200() {
      String lastModified = get(path).headerOrEmpty("Last-Modified");

      assertThat(get(path, "If-Unmodified-Since", lastModified).status()).isEqualTo(200);
    }

    @Test
    void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() {
      Answer full = get(path);
      Instant lastModified = httpDate(full.headerOrEmpty("Last-Modified"));

      Answer answer =
          get(
              path,
              "If-Match",
              full.headerOrEmpty("ETag"),
              "If-Unmodified-Since",
              httpDate(lastModified.minus(Duration.ofHours(1))));

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    }

    @Test
    void ifMatchIsEvaluatedBeforeIfNoneMatch() {
      String etag = get(path).headerOrEmpty("ETag");

      Answer answer = get(path, "If-Match", "\"not-the-current-tag\"", "If-None-Match", etag);

      assertProblem(answer, 412, "precondition-failed");
    }

    @Test
    void aConditionalRequestForAnUnknownSkuStillAnswers404() {
      assertProblem(get("/products/no-such-sku", "If-None-Match", "*"), 404, "not-found");
    }
  }

  // ---- checkout ------------------------------------------------------------------------------

  @Nested
  class Checkout {
    @Test
    void aValidCheckoutAnswers201WithLocationAndThePaidOrder() {
      Answer answer = checkout(newKey(), order(WIDGET, 2));

      assertThat(answer.status()).as("%s", answer).isEqualTo(201);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      JsonNode order = answer.json();
      assertOrderShape(order);
      assertThat(order.path("status").asString()).isEqualTo("PAID");
      assertThat(order.path("email").asString()).isEqualTo(EMAIL);
      JsonNode line = order.path("items").path(0);
      assertThat(order.path("items").size()).isEqualTo(1);
      assertThat(line.path("sku").asString()).isEqualTo(WIDGET);
      assertThat(line.path("quantity").asInt()).isEqualTo(2);
      assertMoney(line.path("unitPrice"), 1250, "EUR");
      assertMoney(line.path("lineTotal"), 2500, "EUR");
      assertMoney(order.path("total"), 2500, "EUR");
      assertThat(answer.header("Location")).hasValue("/orders/" + order.path("id").asString());
    }

    @Test
    void aCheckoutTakesTheBoughtUnitsOutOfStock() {
      placeOrder(WIDGET, 2);

      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 2);
    }

    @Test
    void theFirstAnswerIsMarkedNotReplayed() {
      Answer answer = checkout(newKey(), order(WIDGET, 1));

      assertThat(answer.header("Idempotent-Replayed")).hasValue("false");
    }

    @Test
    void checkoutAnswersMustNotBeStored() {
      Answer answer = checkout(newKey(), order(WIDGET, 1));

      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
    }

    @Test
    void refusedCheckoutAnswersMustNotBeStoredEither() {
      Answer answer = checkout(newKey(), order(WIDGET, 1, EMAIL, TestPaymentGateway.DECLINE));

      assertThat(answer.status()).isEqualTo(402);
      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
    }

    @Test
    void aContentTypeWithACharsetParameterIsJsonToo() {
      Answer answer =
          post("/checkout", newKey(), "application/json; charset=utf-8", order(WIDGET, 1));

      assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    }

    @Test
    void anUnknownSkuAnswers422UnknownProductNamingTheSku() {
      Answer answer = checkout(newKey(), order("no-such-sku", 1));

      assertProblem(answer, 422, "unknown-product");
      assertThat(answer.json().path("sku").asString()).isEqualTo("no-such-sku");
    }

    @ParameterizedTest(name = "acceptedTerms {0}")
    @ValueSource(strings = {"absent", "2024-01", ""})
    void termsMissingOrNotCurrentAnswer422ConsentRequired(String terms) {
      String body =
          "absent".equals(terms)
              ? order(WIDGET, 1).replace(",\"acceptedTerms\":\"" + TERMS_VERSION + "\"", "")
              : order(WIDGET, 1).replace(TERMS_VERSION, terms);

      assertProblem(checkout(newKey(), body), 422, "consent-required");
    }

    @Test
    void notEnoughStockAnswers409OutOfStockAndTakesNothing() {
      Answer answer = checkout(newKey(), order(GADGET, 6));

      assertProblem(answer, 409, "out-of-stock");
      assertThat(stock(GADGET)).isEqualTo(GADGET_STOCK);
    }

    @Test
    void outOfStockIsStoredAndReplayed() {
      String key = newKey();
      Answer first = checkout(key, order(GADGET, 6));

      Answer replay = checkout(key, order(GADGET, 6));

      assertProblem(replay, 409, "out-of-stock");
      assertThat(replay.json()).isEqualTo(first.json());
      assertThat(first.header("Idempotent-Replayed")).hasValue("false");
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void aDeclinedPaymentAnswers402AndTakesNoStock() {
      Answer answer = checkout(newKey(), order(WIDGET, 4, EMAIL, TestPaymentGateway.DECLINE));

      assertProblem(answer, 402, "payment-declined");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void aDeclinedPaymentIsStoredAndReplayed() {
      String key = newKey();
      String body = order(WIDGET, 1, EMAIL, TestPaymentGateway.DECLINE);
      Answer first = checkout(key, body);

      Answer replay = checkout(key, body);

      assertProblem(replay, 402, "payment-declined");
      assertThat(replay.json()).isEqualTo(first.json());
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void aBodyOver16KiBAnswers413PayloadTooLarge() {
      String body =
          order(WIDGET, 1).replace("{\"items\"", "{" + " ".repeat(16 * 1024) + "\"items\"");

      assertProblem(checkout(newKey(), body), 413, "payload-too-large");
    }

    @Test
    void aHugeContentLengthIsAnswered413WithoutWaitingForTheBody() {
      try (RawHttp http = RawHttp.connect(base())) {
        http.send(
            "POST /checkout HTTP/1.1\r\nHost: "
                + http.host()
                + "\r\nContent-Type: application/json\r\nIdempotency-Key: "
                + newKey()
                + "\r\nContent-Length: 1000000000\r\n\r\n{\"items\":");

        // The rest of the body never comes: only an answer that does not wait for it arrives.
        assertProblem(http.read(), 413, "payload-too-large");
      }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
    void aContentTypeThatIsNotJsonAnswers415(String contentType) {
      Answer answer = post("/checkout", newKey(), contentType, order(WIDGET, 1));

      assertProblem(answer, 415, "unsupported-media-type");
    }

    @Test
    void aBodyWithoutContentTypeAnswers415() {
      Answer answer = post("/checkout", newKey(), null, order(WIDGET, 1));

      assertProblem(answer, 415, "unsupported-media-type");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tinycheckout.http.kit.HttpContractKit#malformedBodies")
    void aMalformedBodyAnswers400NamingTheField(String why, String body, String field) {
      Answer answer = checkout(newKey(), body);

      assertProblem(answer, 400, "malformed-request");
      assertThat(answer.json().path("field").asString()).as("%s", answer).isEqualTo(field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.tinycheckout.http.kit.HttpContractKit#invalidBodies")
    void invalidValuesAnswer422ValidationFailedNamingTheField(
        String why, String body, String field) {
      Answer answer = checkout(newKey(), body);

      assertProblem(answer, 422, "validation-failed");
      assertThat(answer.json().path("field").asString()).as("%s", answer).isEqualTo(field);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "malformed",
          "invalid",
          "unknown product",
          "terms not accepted",
          "too large",
          "not JSON",
        })
    void aRefusedRequestStoresNothingSoTheSameKeyWithACorrectedBodySucceeds(String refusal) {
      String key = newKey();
      String good = order(WIDGET, 1);
      Answer refused =
          switch (refusal) {
            case "malformed" -> checkout(key, good.replace("\"quantity\":1", "\"quantity\":\"1\""));
            case "invalid" -> checkout(key, good.replace("\"quantity\":1", "\"quantity\":0"));
            case "unknown product" -> checkout(key, order("no-such-sku", 1));
            case "terms not accepted" -> checkout(key, good.replace(TERMS_VERSION, "2024-01"));
            case "too large" -> checkout(key, good.replace("{", "{" + " ".repeat(17 * 1024)));
            case "not JSON" -> post("/checkout", key, "text/plain", good);
            default -> throw new IllegalArgumentException(refusal);
          };
      assertThat(refused.status()).as("%s", refused).isBetween(400, 499);

      Answer corrected = checkout(key, good);

      assertThat(corrected.status()).as("%s", corrected).isEqualTo(201);
      assertThat(corrected.header("Idempotent-Replayed")).hasValue("false");
    }
  }

  @Nested
  class IdempotencyKeys {
    @Test
    void theSameKeyAndBodyAfterCompletionReplayTheFirstAnswer() {
      String key = newKey();
      Answer first = checkout(key, order(WIDGET, 1));

      Answer replay = checkout(key, order(WIDGET, 1));

      assertThat(replay.status()).isEqualTo(201);
      assertThat(replay.json()).isEqualTo(first.json());
      assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void aReplayBuysNothingMore() {
      String key = newKey();
      checkout(key, order(WIDGET, 1));
      checkout(key, order(WIDGET, 1));

      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 1);
      assertThat(gateway.approvedCharges()).isEqualTo(1);
    }

    @Test
    void aBareKeyAndAStructuredFieldsStringAreTheSameKey() {
      String key = newKey();
      Answer bare = checkout(key, order(WIDGET, 1));

      Answer quoted = checkout("\"" + key + "\"", order(WIDGET, 1));

      assertThat(quoted.status()).as("%s", quoted).isEqualTo(201);
      assertThat(quoted.header("Location")).isEqualTo(bare.header("Location"));
      assertThat(quoted.header("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void theSameKeyWhileTheFirstIsInFlightAnswers409InUseWithRetryAfter() throws Exception {
      String key = newKey();
      gateway.hold();
      CompletableFuture<Answer> first = checkoutAsync(key, order(WIDGET, 1));
      gateway.awaitChargeStarted();

      Answer second = checkout(key, order(WIDGET, 1));
      gateway.release();

      assertProblem(second, 409, "idempotency-key-in-use");
      assertThat(second.header("Idempotent-Replayed")).hasValue("false");
      assertThat(second.header("Retry-After"))
          .hasValueSatisfying(v -> assertThat(v).matches("\\d+"));
      assertThat(first.get().status()).isEqualTo(201);
    }

    @Test
    void anotherBodyWhileTheFirstIsInFlightAnswers422ReusedRatherThanInUse() throws Exception {
      String key = newKey();
      gateway.hold();
      CompletableFuture<Answer> first = checkoutAsync(key, order(WIDGET, 1));
      gateway.awaitChargeStarted();

      Answer second = checkout(key, order(WIDGET, 2));
      gateway.release();

      assertProblem(second, 422, "idempotency-key-reused");
      assertThat(first.get().status()).isEqualTo(201);
    }

    @Test
    void theSameKeyWithAnotherBodyAnswers422Reused() {
      String key = newKey();
      checkout(key, order(WIDGET, 1));

      assertProblem(checkout(key, order(WIDGET, 2)), 422, "idempotency-key-reused");
    }

    @Test
    void otherWhitespaceAndKeyOrderMakeTheSameRequest() {
      String key = newKey();
      Answer first = checkout(key, order(WIDGET, 1));
      String reordered =
          "{ \"paymentToken\" : \"tok_ok\",\n  \"email\": \""
              + EMAIL
              + "\",\n  \"marketingOptIn\": false, \"acceptedTerms\": \""
              + TERMS_VERSION
              + "\",\n  \"items\": [ { \"quantity\": 1, \"sku\": \""
              + WIDGET
              + "\" } ]\n}\n";

      Answer replay = checkout(key, reordered);

      assertThat(replay.status()).as("%s", replay).isEqualTo(201);
      assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void noKeyAnswers400Missing() {
      Answer answer = post("/checkout", null, "application/json", order(WIDGET, 1));

      assertProblem(answer, 400, "idempotency-key-missing");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"empty, 0", "256 characters, 256"})
    void aKeyThatIsEmptyOrTooLongAnswers400Invalid(String why, int length) {
      Answer answer = checkout("k".repeat(length), order(WIDGET, 1));

      assertProblem(answer, 400, "idempotency-key-invalid");
      assertThat(answer.header("Idempotent-Replayed")).hasValue("false");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void aKeyThatIsNotAsciiAnswers400Invalid() {
      Answer answer =
          rawCheckout(
              ("Idempotency-Key: cl\u00e9-" + UUID.randomUUID() + "\r\n")
                  .getBytes(StandardCharsets.UTF_8),
              order(WIDGET, 1));

      assertProblem(answer, 400, "idempotency-key-invalid");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void aKeyOf255CharactersIsAccepted() {
      Answer answer = checkout("k".repeat(254) + "1", order(WIDGET, 1));

      assertThat(answer.status()).as("%s", answer).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "out of stock",
          "declined",
          "malformed",
          "invalid",
          "reused",
          "not JSON",
          "too large"
        })
    void everyAnswerToAKeyedRequestSaysWhetherItWasReplayed(String refusal) {
      String key = newKey();
      Answer refused =
          switch (refusal) {
            case "out of stock" -> checkout(key, order(GADGET, 6));
            case "declined" -> checkout(key, order(WIDGET, 1, EMAIL, TestPaymentGateway.DECLINE));
            case "malformed" -> checkout(key, "{");
            case "invalid" -> checkout(key, order(WIDGET, 0));
            case "not JSON" -> post("/checkout", key, "text/plain", order(WIDGET, 1));
            case "too large" ->
                checkout(key, order(WIDGET, 1).replace("{", "{" + " ".repeat(17 * 1024)));
            case "reused" -> {
              checkout(key, order(WIDGET, 1));
              yield checkout(key, order(WIDGET, 2));
            }
            default -> throw new IllegalArgumentException(refusal);
          };

      assertThat(refused.status()).as("%s", refused).isBetween(400, 499);
      assertThat(refused.header("Idempotent-Replayed")).hasValue("false");
    }
  }

  // ---- orders --------------------------------------------------------------------------------

  @Nested
  class Orders {
    @Test
    void anOrderAnswersItselfWithNoStore() {
      JsonNode placed = placeOrder(WIDGET, 2);

      Answer answer = get("/orders/" + placed.path("id").asString());

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
      assertOrderShape(answer.json());
      assertThat(answer.json()).isEqualTo(placed);
    }

    @Test
    void anUnknownOrderAnswers404NotFound() {
      String unknown = OrderId.generate(Clock.systemUTC()).toString();

      assertProblem(get("/orders/" + unknown), 404, "not-found");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not-an-order", "2c4d6a6e-3c7e-4d8a-9f7e-0d8e2b1c9a01", "123", ".."})
    void aMalformedOrderIdAnswers404NotFound(String id) {
      assertProblem(raw("GET /orders/" + id + " HTTP/1.1\r\n", false), 404, "not-found");
    }
  }

  @Nested
  class Withdrawal {
    @Test
    void aWithdrawalAnswers200WithTheWithdrawal() {
      String id = placeOrder(WIDGET, 2).path("id").asString();

      Answer answer = withdraw(id, newKey(), EMAIL);

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      JsonNode withdrawal = answer.json();
      assertThat(withdrawal.path("orderId").asString()).isEqualTo(id);
      assertThat(withdrawal.path("status").asString()).isEqualTo("WITHDRAWN");
      assertRfc3339Utc(withdrawal.path("withdrawnAt").asString());
      assertThat(withdrawal.path("receiptId").asString()).isNotBlank();
      assertThat(answer.header("Idempotent-Replayed")).hasValue("false");
    }

    @Test
    void aWithdrawnOrderIsWithdrawn() {
      String id = placeOrder(WIDGET, 2).path("id").asString();
      withdrawOk(id, newKey());

      assertThat(get("/orders/" + id).json().path("status").asString()).isEqualTo("WITHDRAWN");
    }

    @Test
    void aWithdrawalReturnsTheStock() {
      get("/products/" + WIDGET);
      String id = placeOrder(WIDGET, 2).path("id").asString();

      withdrawOk(id, newKey());

      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void theSameWithdrawalKeyReplaysTheFirstAnswer() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      String key = newKey();
      Answer first = withdrawOk(id, key);

      Answer replay = withdraw(id, key, EMAIL);

      assertThat(replay.status()).as("%s", replay).isEqualTo(200);
      assertThat(replay.json()).isEqualTo(first.json());
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void anotherEmailThanTheOrdersAnswers404AndWithdrawsNothing() {
      String id = placeOrder(WIDGET, 1).path("id").asString();

      assertProblem(withdraw(id, newKey(), "mallory@example.com"), 404, "not-found");
      assertThat(get("/orders/" + id).json().path("status").asString()).isEqualTo("PAID");
    }

    @Test
    void anUnknownOrderAnswers404() {
      String unknown = OrderId.generate(Clock.systemUTC()).toString();

      assertProblem(withdraw(unknown, newKey(), EMAIL), 404, "not-found");
    }

    @Test
    void aMalformedOrderIdAnswers404AndStillSaysTheKeyedAnswerIsNoReplay() {
      Answer answer = withdraw("not-an-order", newKey(), EMAIL);

      assertProblem(answer, 404, "not-found");
      assertThat(answer.header("Idempotent-Replayed")).hasValue("false");
    }

    @Test
    void aSecondWithdrawalWithAnotherKeyAnswers409AlreadyWithdrawn() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      withdrawOk(id, newKey());

      assertProblem(withdraw(id, newKey(), EMAIL), 409, "already-withdrawn");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void aCheckoutKeyUsedAgainForAWithdrawalAnswers422Reused() {
      String key = newKey();
      String id = checkout(key, order(WIDGET, 1)).json().path("id").asString();

      assertProblem(withdraw(id, key, EMAIL), 422, "idempotency-key-reused");
      assertThat(get("/orders/" + id).json().path("status").asString()).isEqualTo("PAID");
    }

    @Test
    void aWithdrawalPastTheWithdrawalPeriodAnswers409Expired() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      clock.advance(Duration.ofDays(15));

      assertProblem(withdraw(id, newKey(), EMAIL), 409, "withdrawal-period-expired");
      assertThat(get("/orders/" + id).json().path("status").asString()).isEqualTo("PAID");
    }

    @Test
    void aWithdrawalWithoutKeyAnswers400Missing() {
      String id = placeOrder(WIDGET, 1).path("id").asString();

      Answer answer =
          post(
              "/orders/" + id + "/withdrawal",
              null,
              "application/json",
              "{\"email\":\"" + EMAIL + "\"}");

      assertProblem(answer, 400, "idempotency-key-missing");
    }

    @Test
    void aWithdrawalAnswerMustNotBeStored() {
      String id = placeOrder(WIDGET, 1).path("id").asString();

      assertThat(withdrawOk(id, newKey()).headerOrEmpty("Cache-Control")).contains("no-store");
    }
  }

  // ---- admin ---------------------------------------------------------------------------------

  @Nested
  class Admin {
    @ParameterizedTest(name = "{0} with Authorization ''{1}''")
    @CsvSource(
        value = {
          "/admin/audit/verify, ",
          "/admin/audit/verify, Bearer wrong-token",
          "/admin/audit/verify, Basic " + ADMIN_TOKEN,
          "/admin/audit/verify, Bearer",
          "/admin/consents?email=ada@example.com, ",
          "/admin/consents?email=ada@example.com, Bearer wrong-token",
          "/admin/fulfilment/dead-letters, ",
          "/admin/fulfilment/dead-letters, Bearer wrong-token",
          "/admin/no-such-route, ",
        })
    void adminRoutesWithoutTheTokenAnswer401WithABearerChallenge(
        String path, String authorization) {
      Answer answer = authorization == null ? get(path) : get(path, "Authorization", authorization);

      assertProblem(answer, 401, "unauthorized");
      assertThat(answer.headerOrEmpty("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void deadLettersAreListedWithoutTheirPayloadAndReplayedWithTheToken() {
      UUID deliveryId = UUID.randomUUID();
      Instant now = clock.instant();
      storage.inTransaction(
          tx -> {
            OutboxEvent event =
                new OutboxEvent(
                    UUID.randomUUID(), "order.placed", "order-1", "{\"email\":\"x@y.z\"}", now);
            tx.outbox().enqueue(event);
            tx.deliveries()
                .enqueue(
                    new PendingDelivery(deliveryId, event.id(), "email", Optional.empty(), now));
            return null;
          });
      storage.inTransaction(
          tx -> {
            List<DeliveryClaim> claims =
                tx.deliveries().claim("kit", now, Duration.ofMinutes(1), 1);
            assertThat(tx.deliveries().deadLetter(claims.get(0), now, "smtp down")).isTrue();
            return null;
          });
      String auth = "Bearer " + ADMIN_TOKEN;

      Answer listed = get("/admin/fulfilment/dead-letters", "Authorization", auth);
      Answer replayed =
          send(
              "POST",
              "/admin/fulfilment/dead-letters/" + deliveryId + "/retry",
              "",
              "Authorization",
              auth);
      Answer after = get("/admin/fulfilment/dead-letters", "Authorization", auth);
      Answer again =
          send(
              "POST",
              "/admin/fulfilment/dead-letters/" + deliveryId + "/retry",
              "",
              "Authorization",
              auth);

      assertThat(listed.status()).as("%s", listed).isEqualTo(200);
      JsonNode dead = listed.json().path("deadLetters").path(0);
      assertThat(dead.path("id").asString()).isEqualTo(deliveryId.toString());
      assertThat(dead.path("hook").asString()).isEqualTo("email");
      assertThat(dead.path("lastError").asString()).isEqualTo("smtp down");
      assertThat(dead.path("event").path("type").asString()).isEqualTo("order.placed");
      assertThat(listed.text()).doesNotContain("x@y.z");
      assertThat(replayed.status()).as("%s", replayed).isEqualTo(202);
      assertThat(after.json().path("deadLetters").size()).isZero();
      assertProblem(again, 404, "not-found");
    }

    @Test
    void theAuditVerificationWithTheTokenFindsAValidChain() {
      placeOrder(WIDGET, 1);

      Answer answer = admin("/admin/audit/verify");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
      JsonNode report = answer.json();
      assertThat(report.path("valid").asBoolean()).isTrue();
      assertThat(report.path("entries").asLong()).isEqualTo(1);
      assertThat(report.path("head").asString()).matches("[0-9a-f]{64}");
      assertThat(report.has("firstBreak")).as("%s", report).isFalse();
    }

    @Test
    void theConsentsWithTheTokenListWhatTheCustomerAccepted() {
      String id = placeOrder(WIDGET, 1).path("id").asString();

      Answer answer = admin("/admin/consents?email=" + EMAIL);

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.headerOrEmpty("Content-Type")).startsWith("application/json");
      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
      JsonNode records = answer.json().path("records");
      assertThat(records.size()).as("%s", answer).isEqualTo(1);
      JsonNode record = records.path(0);
      assertThat(record.path("sequence").asLong()).isEqualTo(1);
      assertThat(record.path("action").asString()).isEqualTo("GRANTED");
      assertThat(record.path("termsVersion").asString()).isEqualTo(TERMS_VERSION);
      assertThat(purposes(record)).containsExactly("TERMS_OF_SALE");
      assertThat(record.path("orderId").asString()).isEqualTo(id);
      assertRfc3339Utc(record.path("recordedAt").asString());
      assertThat(record.path("hash").asString()).matches("[0-9a-f]{64}");
      assertThat(record.path("previousHash").asString()).isEqualTo(ZERO_HASH);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/admin/audit/verify", "/admin/consents?email=" + EMAIL})
    void headOnAConsentRouteWithTheTokenAnswers200WithoutABody(String target) {
      placeOrder(WIDGET, 1);

      Answer head = send("HEAD", target, null, "Authorization", "Bearer " + ADMIN_TOKEN);

      assertThat(head.status()).as("%s", head).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(head.headerOrEmpty("Cache-Control")).contains("no-store");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"POST, /admin/audit/verify", "DELETE, /admin/consents?email=" + EMAIL})
    void theConsentRoutesAnswer405WithAllowGetHeadToAnotherMethod(String method, String target) {
      Answer answer = send(method, target, "", "Authorization", "Bearer " + ADMIN_TOKEN);

      assertProblem(answer, 405, "method-not-allowed");
      assertThat(answer.headerOrEmpty("Allow")).contains("GET").contains("HEAD");
    }
  }

  // ---- the consent audit trail -----------------------------------------------------------------

  @Nested
  class AuditVerification {
    @Test
    void anEmptyTrailIsValidWithNoEntriesAndTheZeroHead() {
      JsonNode report = verifyTrail();

      assertThat(report.path("valid").asBoolean()).as("%s", report).isTrue();
      assertThat(report.path("entries").isIntegralNumber()).as("%s", report).isTrue();
      assertThat(report.path("entries").asLong()).isZero();
      assertThat(report.path("head").asString()).isEqualTo(ZERO_HASH);
      assertThat(report.has("firstBreak")).as("%s", report).isFalse();
    }

    @Test
    void aBusyTrailIsOneUnbrokenChainWhoseHeadIsTheLastRecord() {
      List<CompletableFuture<Answer>> sent =
          IntStream.range(0, 12)
              .mapToObj(i -> checkoutAsync(newKey(), orderBody(WIDGET, 1, i % 2 == 0, false)))
              .toList();
      List<String> ids = new ArrayList<>();
      for (CompletableFuture<Answer> future : sent) {
        Answer answer = future.join();
        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
        ids.add(answer.json().path("id").asString());
      }
      withdrawOk(ids.get(0), newKey());
      withdrawOk(ids.get(1), newKey());

      JsonNode report = verifyTrail();
      List<JsonNode> records = consentRecords(EMAIL);

      // 12 terms of sale, 6 marketing opt-ins, 2 withdrawals.
      assertThat(report.path("valid").asBoolean()).as("%s", report).isTrue();
      assertThat(report.path("entries").asLong()).isEqualTo(20);
      assertThat(records.stream().map(r -> r.path("sequence").asLong()))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
      for (int i = 1; i < records.size(); i++) {
        assertThat(records.get(i).path("previousHash").asString())
            .as("record %s links to record %s", i + 1, i)
            .isEqualTo(records.get(i - 1).path("hash").asString());
      }
      assertThat(report.path("head").asString())
          .isEqualTo(records.get(records.size() - 1).path("hash").asString());
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 10);
    }

    @Test
    void aHeadAnchoredEarlierStillVerifiesAfterMoreEntries() {
      placeOrder(WIDGET, 1);
      String anchor = verifyTrail().path("anchor").asString();
      placeOrder(WIDGET, 1);

      JsonNode report = verifyTrail(anchor);

      assertThat(anchor).startsWith("tinycheckout-consent-head-v1:1:");
      assertThat(report.path("valid").asBoolean()).as("%s", report).isTrue();
      assertThat(report.path("entries").asLong()).isEqualTo(2);
    }

    @Test
    void aTrustedHeadBeyondTheTrailReportsItTruncatedAtTheFirstMissingEntry() {
      placeOrder(WIDGET, 1);
      String head = verifyTrail().path("head").asString();

      JsonNode report = verifyTrail("tinycheckout-consent-head-v1:3:" + head);

      assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
      assertThat(report.path("entries").asLong()).isEqualTo(1);
      assertThat(report.has("anchor")).as("%s", report).isFalse();
      assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(2);
      assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("TRUNCATED");
      assertThat(report.path("firstBreak").path("detail").asString()).isNotBlank();
    }

    @Test
    void aTrustedHeadWithAnotherHashReportsTheTrailRewrittenAtItsSequence() {
      placeOrder(WIDGET, 1);
      placeOrder(WIDGET, 1);

      JsonNode report = verifyTrail("tinycheckout-consent-head-v1:1:" + "ab".repeat(32));

      assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
      assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(1);
      assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("REWRITTEN");
    }

    @ParameterizedTest(name = "trustedHead={0}")
    @ValueSource(
        strings = {
          "",
          "nonsense",
          "tinycheckout-consent-head-v1:1:abc",
          "tinycheckout-consent-head-v1:-1:0000000000000000000000000000000000000000000000000000000000000000",
          "tinycheckout-consent-head-v2:1:0000000000000000000000000000000000000000000000000000000000000000",
        })
    void aMalformedTrustedHeadAnswers400ValidationFailedNamingIt(String trustedHead) {
      Answer answer = admin("/admin/audit/verify?trustedHead=" + encode(trustedHead));

      assertProblem(answer, 400, "validation-failed");
      assertThat(answer.json().path("field").asString()).isEqualTo("trustedHead");
    }

    @Test
    void aTrustedHeadGivenTwiceAnswers400() {
      String anchor = encode(verifyTrail().path("anchor").asString());

      Answer answer = admin("/admin/audit/verify?trustedHead=" + anchor + "&trustedHead=" + anchor);

      assertProblem(answer, 400, "validation-failed");
      assertThat(answer.json().path("field").asString()).isEqualTo("trustedHead");
    }
  }

  @Nested
  class ConsentRecords {
    @Test
    void anUnknownEmailHasNoRecords() {
      placeOrder(WIDGET, 1);

      Answer answer = admin("/admin/consents?email=" + encode("nobody@example.com"));

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.json().path("records").isArray()).as("%s", answer).isTrue();
      assertThat(answer.json().path("records").size()).isZero();
    }

    @Test
    void aMarketingOptInIsItsOwnRecordBesideTheTermsOfSale() {
      Answer placed = checkout(newKey(), orderBody(WIDGET, 1, true, false));
      assertThat(placed.status()).as("%s", placed).isEqualTo(201);
      String id = placed.json().path("id").asString();

      List<JsonNode> records = consentRecords(EMAIL);

      assertThat(records).hasSize(2);
      assertThat(records.stream().map(r -> purposes(r)))
          .containsExactly(List.of("TERMS_OF_SALE"), List.of("MARKETING"));
      for (JsonNode record : records) {
        assertThat(record.path("action").asString()).isEqualTo("GRANTED");
        assertThat(record.path("orderId").asString()).isEqualTo(id);
        assertThat(record.path("termsVersion").asString()).isEqualTo(TERMS_VERSION);
      }
    }

    @Test
    void eachRecordHasTheContractMembersAndTheHashOfTheExactTermsText() {
      placeOrder(WIDGET, 1);

      JsonNode record = consentRecords(EMAIL).get(0);

      assertThat(record.propertyNames())
          .contains(
              "sequence",
              "action",
              "termsVersion",
              "purposes",
              "orderId",
              "recordedAt",
              "hash",
              "previousHash");
      assertThat(record.path("sequence").isIntegralNumber()).as("%s", record).isTrue();
      assertThat(record.path("purposes").isArray()).as("%s", record).isTrue();
      assertThat(record.path("termsHash").asString()).isEqualTo(sha256Hex(TERMS_TEXT));
      assertThat(record.path("channel").asString()).isEqualTo("checkout");
      assertThat(record.path("erased").asBoolean(true)).isFalse();
    }

    @Test
    void theRecordsHoldNoEmailNorAnyPartOfIt() {
      checkout(newKey(), orderBody(WIDGET, 1, true, false));
      String id = placeOrder(WIDGET, 1).path("id").asString();
      withdraw(id, newKey(), EMAIL, "Ada Lovelace");

      Answer answer = admin("/admin/consents?email=" + EMAIL);

      assertThat(answer.json().path("records").size()).isEqualTo(4);
      // No "ada" check: that could be part of a hex hash.
      assertThat(answer.text())
          .doesNotContain(EMAIL)
          .doesNotContain("example.com")
          .doesNotContain("Ada")
          .doesNotContain("Lovelace");
    }

    @Test
    void anEmailMatchesItsRecordsWhateverItsCase() {
      placeOrder(WIDGET, 1);

      List<JsonNode> upper = consentRecords(EMAIL.toUpperCase(Locale.ROOT));

      assertThat(upper).isEqualTo(consentRecords(EMAIL));
      assertThat(upper).hasSize(1);
    }

    @Test
    void anotherCustomersRecordsAreNotListed() {
      checkout(newKey(), order(WIDGET, 1, "grace@example.com", TestPaymentGateway.APPROVE));
      placeOrder(WIDGET, 1);

      assertThat(consentRecords("grace@example.com")).hasSize(1);
      assertThat(consentRecords(EMAIL)).hasSize(1);
      assertThat(consentRecords("grace@example.com").get(0).path("orderId"))
          .isNotEqualTo(consentRecords(EMAIL).get(0).path("orderId"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
        strings = {
          "/admin/consents",
          "/admin/consents?email=",
          "/admin/consents?mail=ada@example.com",
          "/admin/consents?email=not-an-email",
          "/admin/consents?email=ada@example.com&email=ada@example.com",
        })
    void aMissingOrInvalidEmailAnswers400ValidationFailedNamingIt(String target) {
      Answer answer = admin(target);

      assertProblem(answer, 400, "validation-failed");
      assertThat(answer.json().path("field").asString()).as("%s", answer).isEqualTo("email");
    }

    /**
     * Sent over a raw socket ({@code HttpClient} refuses such a URI). A server that refuses the
     * broken escape itself (400 before the API sees it) is as good.
     */
    @Test
    void aBrokenPercentEscapeInTheEmailAnswers400() {
      try (RawHttp http = RawHttp.connect(base())) {
        http.send(
            "GET /admin/consents?email=ada%4xexample.com HTTP/1.1\r\nHost: "
                + http.host()
                + "\r\nAuthorization: Bearer "
                + ADMIN_TOKEN
                + "\r\nConnection: close\r\n\r\n");
        Answer answer = http.read();

        assertThat(answer.status()).as("%s", answer).isEqualTo(400);
        if (answer.headerOrEmpty("Content-Type").startsWith("application/problem+json")) {
          assertProblem(answer, 400, "validation-failed");
          assertThat(answer.json().path("field").asString()).isEqualTo("email");
        }
      }
    }

    @Test
    void aPercentEncodedEmailIsDecoded() {
      placeOrder(WIDGET, 1);

      assertThat(consentRecords("ada@example.com")).hasSize(1);
      assertThat(admin("/admin/consents?email=ada%40example%2Ecom").json().path("records").size())
          .isEqualTo(1);
    }
  }

  // ---- the withdrawal function, end to end -----------------------------------------------------

  /**
   * Each case checks the three things a withdrawal touches after it: the order's status, the stock,
   * and the consent trail (its entry count, and the order's records).
   */
  @Nested
  class WithdrawalEndToEnd {
    @Test
    void inThePeriodTheOrderIsWithdrawnTheStockReturnsAndTheTrailRecordsIt() {
      String id = placeOrder(WIDGET, 2).path("id").asString();
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 2);
      long before = auditEntries();

      Answer answer = withdraw(id, newKey(), EMAIL, "Ada Lovelace");

      assertThat(answer.status()).as("%s", answer).isEqualTo(200);
      assertThat(answer.json().path("orderId").asString()).isEqualTo(id);
      assertThat(orderStatus(id)).isEqualTo("WITHDRAWN");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
      List<JsonNode> records = recordsOf(id);
      assertThat(records.stream().map(r -> r.path("action").asString()))
          .containsExactly("GRANTED", "WITHDRAWN");
      assertThat(records.stream().map(r -> purposes(r)))
          .containsExactly(List.of("TERMS_OF_SALE"), List.of("TERMS_OF_SALE"));
      JsonNode withdrawn = records.get(1);
      assertThat(withdrawn.path("termsVersion").asString()).isEqualTo(TERMS_VERSION);
      assertThat(withdrawn.path("previousHash").asString())
          .isEqualTo(records.get(0).path("hash").asString());
      assertThat(withdrawn.path("channel").asString()).isEqualTo("withdrawal-function");
      JsonNode report = verifyTrail();
      assertThat(report.path("valid").asBoolean()).as("%s", report).isTrue();
      assertThat(report.path("entries").asLong()).isEqualTo(before + 1);
      assertThat(report.path("head").asString()).isEqualTo(withdrawn.path("hash").asString());
    }

    @Test
    void nearTheEndOfThePeriodTheWithdrawalIsStillAccepted() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      long before = auditEntries();
      clock.advance(Duration.ofDays(13));

      withdrawOk(id, newKey());

      assertThat(orderStatus(id)).isEqualTo("WITHDRAWN");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
      assertThat(auditEntries()).isEqualTo(before + 1);
    }

    @Test
    void pastThePeriodItAnswers409ExpiredAndChangesNothing() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      long before = auditEntries();
      clock.advance(Duration.ofDays(15));

      Answer answer = withdraw(id, newKey(), EMAIL);

      assertProblem(answer, 409, "withdrawal-period-expired");
      assertThat(orderStatus(id)).isEqualTo("PAID");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 1);
      assertThat(auditEntries()).isEqualTo(before);
      assertThat(actionsOf(id)).containsExactly("GRANTED");
    }

    @Test
    void withAnotherEmailItAnswers404AndChangesNothing() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      long before = auditEntries();

      Answer answer = withdraw(id, newKey(), "mallory@example.com");

      assertProblem(answer, 404, "not-found");
      assertThat(orderStatus(id)).isEqualTo("PAID");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 1);
      assertThat(auditEntries()).isEqualTo(before);
      assertThat(actionsOf(id)).containsExactly("GRANTED");
      assertThat(consentRecords("mallory@example.com")).isEmpty();
    }

    @Test
    void twiceWithTwoKeysTheSecondAnswers409AndTheTrailHasOneWithdrawal() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      long before = auditEntries();
      withdrawOk(id, newKey());

      Answer second = withdraw(id, newKey(), EMAIL);

      assertProblem(second, 409, "already-withdrawn");
      assertThat(second.header("Idempotent-Replayed")).hasValue("false");
      assertThat(orderStatus(id)).isEqualTo("WITHDRAWN");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
      assertThat(auditEntries()).isEqualTo(before + 1);
      assertThat(actionsOf(id)).containsExactly("GRANTED", "WITHDRAWN");
    }

    @Test
    void replayedWithOneKeyItAnswersTheSameAndAddsNothing() {
      String id = placeOrder(WIDGET, 1).path("id").asString();
      long before = auditEntries();
      String key = newKey();
      Answer first = withdrawOk(id, key);

      Answer replay = withdraw(id, key, EMAIL);

      assertThat(replay.status()).as("%s", replay).isEqualTo(200);
      assertThat(replay.body()).isEqualTo(first.body());
      assertThat(first.header("Idempotent-Replayed")).hasValue("false");
      assertThat(replay.header("Idempotent-Replayed")).hasValue("true");
      assertThat(orderStatus(id)).isEqualTo("WITHDRAWN");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
      assertThat(auditEntries()).isEqualTo(before + 1);
      assertThat(actionsOf(id)).containsExactly("GRANTED", "WITHDRAWN");
    }

    @Test
    void anOrderWithImmediatePerformanceRecordsTheWaiverAndAnswers409Waived() {
      Answer placed = checkout(newKey(), orderBody(WIDGET, 1, false, true));
      assertThat(placed.status()).as("%s", placed).isEqualTo(201);
      String id = placed.json().path("id").asString();
      assertThat(recordsOf(id).stream().map(r -> purposes(r)))
          .containsExactly(
              List.of("TERMS_OF_SALE"),
              List.of("IMMEDIATE_PERFORMANCE"),
              List.of("WITHDRAWAL_RIGHT_WAIVER"));
      long before = auditEntries();

      Answer answer = withdraw(id, newKey(), EMAIL);

      assertProblem(answer, 409, "withdrawal-right-waived");
      assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
      assertThat(orderStatus(id)).isEqualTo("PAID");
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 1);
      assertThat(auditEntries()).isEqualTo(before);
      assertThat(actionsOf(id)).containsExactly("GRANTED", "GRANTED", "GRANTED");
    }

    @Test
    void immediatePerformanceIsPartOfTheRequestSoTheSameKeyWithoutItIsReused() {
      String key = newKey();
      assertThat(checkout(key, orderBody(WIDGET, 1, false, true)).status()).isEqualTo(201);

      assertProblem(
          checkout(key, orderBody(WIDGET, 1, false, false)), 422, "idempotency-key-reused");
    }

    private List<String> actionsOf(String orderId) {
      return recordsOf(orderId).stream().map(r -> r.path("action").asString()).toList();
    }
  }

  // ---- what only a raw socket can send ---------------------------------------------------------

  @Nested
  class RawRequests {
    @ParameterizedTest(name = "code point {0}")
    @ValueSource(ints = {'\r', '\n'})
    void aLineBreakInsideAnIdempotencyKeyIsRefusedAndStoresNothing(int lineBreak) {
      char brk = (char) lineBreak;
      String key = "ab" + UUID.randomUUID().toString().substring(0, 8);
      Answer answer =
          rawCheckout(
              ("Idempotency-Key: " + key + brk + "cd\r\n").getBytes(StandardCharsets.ISO_8859_1),
              order(WIDGET, 1));

      assertThat(answer.status()).as("%s", answer).isEqualTo(400);
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
      for (String candidate : List.of(key, key + "cd", key + " cd", "cd")) {
        assertThat(checkout(candidate, order(GADGET, 1)).header("Idempotent-Replayed"))
            .as("nothing is stored under %s", candidate)
            .hasValue("false");
      }
    }

    @Test
    void anOverlongIdempotencyKeyIsRefusedAndStoresNothing() {
      byte[] header =
          ("Idempotency-Key: " + "k".repeat(64 * 1024) + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      try {
        Answer answer = rawCheckout(header, order(WIDGET, 1));
        assertThat(answer.status()).as("%s", answer).isIn(400, 431);
      } catch (UncheckedIOException refused) {
        // Refused as well: servers with a header size limit (the JDK mount sets one) may close
        // the connection without an answer, or reset it while the client is still sending.
      }
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK);
    }

    @Test
    void bytesAfterTheContentLengthAreNotPartOfTheBody() {
      byte[] body = order(WIDGET, 1).getBytes(StandardCharsets.UTF_8);
      try (RawHttp http = RawHttp.connect(base())) {
        http.send(checkoutHead(http, newKey(), body.length))
            .send(body)
            .send("{\"more\": \"bytes that the Content-Length does not cover\"}");

        Answer answer = http.read();

        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
      }
    }

    @Test
    void aBodyIsCutAtItsContentLength() {
      String key = newKey();
      byte[] body = order(WIDGET, 1).getBytes(StandardCharsets.UTF_8);
      try (RawHttp http = RawHttp.connect(base())) {
        http.send(checkoutHead(http, key, body.length - 1)).send(body);

        assertProblem(http.read(), 400, "malformed-request");
      }
      assertThat(checkout(key, order(WIDGET, 1)).status()).isEqualTo(201);
    }

    @Test
    void aBodyThatArrivesSlowlyInPiecesIsReadWhole() throws InterruptedException {
      byte[] body = order(WIDGET, 1).getBytes(StandardCharsets.UTF_8);
      try (RawHttp http = RawHttp.connect(base())) {
        http.send(checkoutHead(http, newKey(), body.length));
        int third = body.length / 3;
        http.send(Arrays.copyOfRange(body, 0, third));
        Thread.sleep(300);
        http.send(Arrays.copyOfRange(body, third, 2 * third));
        Thread.sleep(300);
        http.send(Arrays.copyOfRange(body, 2 * third, body.length));

        Answer answer = http.read();

        assertThat(answer.status()).as("%s", answer).isEqualTo(201);
      }
    }

    private byte[] checkoutHead(RawHttp http, String key, int contentLength) {
      return ("POST /checkout HTTP/1.1\r\nHost: "
              + http.host()
              + "\r\nContent-Type: application/json\r\nIdempotency-Key: "
              + key
              + "\r\nContent-Length: "
              + contentLength
              + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  // ---- concurrency ---------------------------------------------------------------------------

  @Nested
  class Concurrency {
    @Test
    void fiftyClientsSendingOneKeyAtOnceMakeExactlyOneOrder() {
      String key = newKey();
      List<CompletableFuture<Answer>> sent =
          IntStream.range(0, 50).mapToObj(i -> checkoutAsync(key, order(WIDGET, 1))).toList();
      List<Answer> answers = sent.stream().map(CompletableFuture::join).toList();

      Set<String> locations = new HashSet<>();
      for (Answer answer : answers) {
        if (answer.status() == 201) {
          locations.add(answer.headerOrEmpty("Location"));
        } else {
          assertProblem(answer, 409, "idempotency-key-in-use");
        }
      }
      assertThat(locations).hasSize(1);
      assertThat(stock(WIDGET)).isEqualTo(WIDGET_STOCK - 1);
      assertThat(gateway.approvedCharges()).isEqualTo(1);
    }

    @Test
    void aHundredBuyersOfTenUnitsGetExactlyTenOrders() {
      List<CompletableFuture<Answer>> sent =
          IntStream.range(0, 100)
              .mapToObj(i -> checkoutAsync(newKey(), order(LIMITED, 1)))
              .toList();
      List<Answer> answers = sent.stream().map(CompletableFuture::join).toList();

      List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
      List<Answer> refused = answers.stream().filter(a -> a.status() != 201).toList();
      assertThat(created).hasSize(10);
      refused.forEach(answer -> assertProblem(answer, 409, "out-of-stock"));
      assertThat(refused).hasSize(90);
      assertThat(stock(LIMITED)).isZero();
      assertThat(created.stream().map(a -> a.headerOrEmpty("Location")).distinct()).hasSize(10);
    }
  }

  // ---- test data -------------------------------------------------------------------------------

  static Stream<Arguments> malformedBodies() {
    String good = order(WIDGET, 1);
    return Stream.of(
        Arguments.of("not JSON", "hello", "$"),
        Arguments.of(
            "truncated", "{\"items\":[{\"sku\":\"widget\",\"quantity\":", "items[0].quantity"),
        Arguments.of("a top-level array", "[" + good + "]", "$"),
        Arguments.of(
            "a duplicate key",
            good.replace("\"email\":", "\"email\":\"bob@example.com\",\"email\":"),
            "email"),
        Arguments.of(
            "an unknown field",
            good.replace("\"email\":", "\"coupon\":\"FREE\",\"email\":"),
            "coupon"),
        Arguments.of(
            "a quantity of the wrong type",
            good.replace("\"quantity\":1", "\"quantity\":\"one\""),
            "items[0].quantity"),
        Arguments.of(
            "a quantity with a fraction",
            good.replace("\"quantity\":1", "\"quantity\":1.5"),
            "items[0].quantity"),
        Arguments.of(
            "a huge quantity",
            good.replace("\"quantity\":1", "\"quantity\":99999999999999999999"),
            "items[0].quantity"),
        Arguments.of("an email that is a number", good.replace("\"" + EMAIL + "\"", "42"), "email"),
        Arguments.of(
            "a missing payment token",
            good.replace(",\"paymentToken\":\"tok_ok\"", ""),
            "paymentToken"));
  }

  static Stream<Arguments> invalidBodies() {
    String good = order(WIDGET, 1);
    String lines =
        IntStream.rangeClosed(1, 21)
            .mapToObj(i -> "{\"sku\":\"sku-" + i + "\",\"quantity\":1}")
            .collect(Collectors.joining(","));
    return Stream.of(
        Arguments.of(
            "quantity 0", good.replace("\"quantity\":1", "\"quantity\":0"), "items[0].quantity"),
        Arguments.of(
            "quantity 101",
            good.replace("\"quantity\":1", "\"quantity\":101"),
            "items[0].quantity"),
        Arguments.of(
            "21 lines",
            good.replace("[{\"sku\":\"widget\",\"quantity\":1}]", "[" + lines + "]"),
            "items"),
        Arguments.of(
            "no lines", good.replace("[{\"sku\":\"widget\",\"quantity\":1}]", "[]"), "items"),
        Arguments.of("a bad email", good.replace(EMAIL, "not an email"), "email"));
  }

  /** A checkout body for one line, paid with {@code tok_ok}, accepting the current terms. */
  static String order(String sku, int quantity) {
    return order(sku, quantity, EMAIL, TestPaymentGateway.APPROVE);
  }

  static String order(String sku, int quantity, String email, String paymentToken) {
    return "{\"items\":[{\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + "}],\"email\":\""
        + email
        + "\",\"acceptedTerms\":\""
        + TERMS_VERSION
        + "\",\"marketingOptIn\":false,\"paymentToken\":\""
        + paymentToken
        + "\"}";
  }

  /** A checkout body for one line with the given consents, paid with {@code tok_ok}. */
  static String orderBody(
      String sku, int quantity, boolean marketingOptIn, boolean immediatePerformance) {
    String body =
        order(sku, quantity)
            .replace("\"marketingOptIn\":false", "\"marketingOptIn\":" + marketingOptIn);
    return immediatePerformance
        ? body.replace("\"paymentToken\"", "\"immediatePerformance\":true,\"paymentToken\"")
        : body;
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static List<String> purposes(JsonNode record) {
    List<String> purposes = new ArrayList<>();
    record.path("purposes").forEach(p -> purposes.add(p.asString()));
    return purposes;
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String newKey() {
    return "kit-" + UUID.randomUUID();
  }

  // ---- talking to the mount ------------------------------------------------------------------

  /** The base URI of the mount under test. */
  final URI base() {
    return server.base();
  }

  final Answer get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  final Answer checkout(String key, String body) {
    return post("/checkout", key, "application/json", body);
  }

  final CompletableFuture<Answer> checkoutAsync(String key, String body) {
    return sendAsync(
        request(
            "POST", "/checkout", body, "Content-Type", "application/json", "Idempotency-Key", key));
  }

  final Answer withdraw(String orderId, String key, String email) {
    return post(
        "/orders/" + orderId + "/withdrawal",
        key,
        "application/json",
        "{\"email\":\"" + email + "\"}");
  }

  /** A withdrawal that must succeed; fails the test otherwise. */
  final Answer withdrawOk(String orderId, String key) {
    Answer answer = withdraw(orderId, key, EMAIL);
    assertThat(answer.status()).as("withdrawing %s: %s", orderId, answer).isEqualTo(200);
    return answer;
  }

  final Answer withdraw(String orderId, String key, String email, String name) {
    return post(
        "/orders/" + orderId + "/withdrawal",
        key,
        "application/json",
        "{\"email\":\"" + email + "\",\"name\":\"" + name + "\"}");
  }

  /** A GET of an admin route with the kit's admin token. */
  final Answer admin(String target) {
    return get(target, "Authorization", "Bearer " + ADMIN_TOKEN);
  }

  /** {@code GET /admin/audit/verify}, which must answer 200 with no-store; its report. */
  final JsonNode verifyTrail() {
    return verified(admin("/admin/audit/verify"));
  }

  /** {@code GET /admin/audit/verify?trustedHead=...}, which must answer 200; its report. */
  final JsonNode verifyTrail(String trustedHead) {
    return verified(admin("/admin/audit/verify?trustedHead=" + encode(trustedHead)));
  }

  private static JsonNode verified(Answer answer) {
    assertThat(answer.status()).as("verifying the trail: %s", answer).isEqualTo(200);
    assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
    return answer.json();
  }

  /** How many entries the trail has; fails unless it verifies. */
  final long auditEntries() {
    JsonNode report = verifyTrail();
    assertThat(report.path("valid").asBoolean()).as("the trail verifies: %s", report).isTrue();
    return report.path("entries").asLong();
  }

  /** {@code GET /admin/consents?email=...}, which must answer 200 with no-store; its records. */
  final List<JsonNode> consentRecords(String email) {
    Answer answer = admin("/admin/consents?email=" + encode(email));
    assertThat(answer.status()).as("listing consents: %s", answer).isEqualTo(200);
    assertThat(answer.headerOrEmpty("Cache-Control")).contains("no-store");
    List<JsonNode> records = new ArrayList<>();
    answer.json().path("records").forEach(records::add);
    return records;
  }

  /** The consent records of the kit's customer that came with one order, oldest first. */
  final List<JsonNode> recordsOf(String orderId) {
    return consentRecords(EMAIL).stream()
        .filter(r -> r.path("orderId").asString().equals(orderId))
        .toList();
  }

  /** The status of an order, as {@code GET /orders/{id}} answers it. */
  final String orderStatus(String orderId) {
    Answer answer = get("/orders/" + orderId);
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    return answer.json().path("status").asString();
  }

  final Answer post(String path, String key, String contentType, String body) {
    List<String> headers = new ArrayList<>();
    if (key != null) {
      headers.add("Idempotency-Key");
      headers.add(key);
    }
    if (contentType != null) {
      headers.add("Content-Type");
      headers.add(contentType);
    }
    return send("POST", path, body, headers.toArray(String[]::new));
  }

  /** A checkout that places an order and answers its JSON; fails the test otherwise. */
  final JsonNode placeOrder(String sku, int quantity) {
    Answer answer = checkout(newKey(), order(sku, quantity));
    assertThat(answer.status()).as("placing an order: %s", answer).isEqualTo(201);
    return answer.json();
  }

  /** The stock of a product, as {@code GET /products/{sku}} answers it. */
  final long stock(String sku) {
    Answer answer = get("/products/" + sku);
    assertThat(answer.status()).as("%s", answer).isEqualTo(200);
    return answer.json().path("stock").asLong();
  }

  /** Changes a product through the API's write path, as a shop's admin code would. */
  final void changeProduct(String sku, String name, long price, long stock) {
    api.productCache()
        .invalidatingStorage()
        .inTransaction(
            tx ->
                tx.products()
                    .upsert(Sku.of(sku), name, Money.of(price, "EUR"), stock, clock.instant()));
  }

  final Answer send(String method, String path, String body, String... headerPairs) {
    try {
      HttpResponse<byte[]> response =
          HTTP.send(request(method, path, body, headerPairs), BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<Answer> sendAsync(HttpRequest request) {
    return HTTP.sendAsync(request, BodyHandlers.ofByteArray())
        .thenApply(r -> new Answer(r.statusCode(), r.headers().map(), r.body()));
  }

  private HttpRequest request(String method, String path, String body, String... headerPairs) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? BodyPublishers.noBody()
                    : BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headerPairs.length; i += 2) {
      builder.header(headerPairs[i], headerPairs[i + 1]);
    }
    return builder.build();
  }

  /** Sends a request line (with its CRLF) and a Host field over a raw socket; reads the answer. */
  final Answer raw(String requestLine, boolean head) {
    try (RawHttp http = RawHttp.connect(base())) {
      http.send(requestLine + "Host: " + http.host() + "\r\nConnection: close\r\n\r\n");
      return http.read(head);
    }
  }

  /** Sends a checkout over a raw socket with extra header bytes (each line ending in CRLF). */
  final Answer rawCheckout(byte[] extraHeaderLines, String body) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    try (RawHttp http = RawHttp.connect(base())) {
      http.send(
              "POST /checkout HTTP/1.1\r\nHost: "
                  + http.host()
                  + "\r\nConnection: close\r\nContent-Type: application/json\r\n")
          .send(extraHeaderLines)
          .send("Content-Length: " + content.length + "\r\n\r\n")
          .send(content);
      return http.read();
    }
  }

  // ---- assertions ----------------------------------------------------------------------------

  /** An RFC 9457 problem of the contract: its status, media type, and the four members. */
  static void assertProblem(Answer answer, int status, String name) {
    assertThat(answer.status()).as("%s", answer).isEqualTo(status);
    assertThat(answer.headerOrEmpty("Content-Type"))
        .as("%s", answer)
        .startsWith("application/problem+json");
    JsonNode problem = answer.json();
    URI type = URI.create(problem.path("type").asString());
    assertThat(type.isAbsolute()).as("type of %s", answer).isTrue();
    String typePath = type.getPath();
    assertThat(typePath.substring(typePath.lastIndexOf('/') + 1)).as("%s", answer).isEqualTo(name);
    assertThat(problem.path("title").asString()).as("%s", answer).isNotBlank();
    assertThat(problem.path("status").asInt()).as("%s", answer).isEqualTo(status);
    assertThat(problem.path("detail").asString()).as("%s", answer).isNotBlank();
  }

  static void assertMoney(JsonNode money, long amount, String currency) {
    assertThat(money.path("amount").isIntegralNumber()).as("%s", money).isTrue();
    assertThat(money.path("amount").asLong()).isEqualTo(amount);
    assertThat(money.path("currency").asString()).isEqualTo(currency);
  }

  static void assertOrderShape(JsonNode order) {
    assertThat(order.path("id").asString()).as("%s", order).isNotBlank();
    assertThat(order.path("status").asString()).isIn("PAID", "WITHDRAWN");
    assertThat(order.path("items").isArray()).isTrue();
    for (JsonNode line : order.path("items")) {
      assertThat(line.path("sku").isString()).as("%s", line).isTrue();
      assertThat(line.path("quantity").isIntegralNumber()).as("%s", line).isTrue();
      assertThat(line.path("unitPrice").isObject()).as("%s", line).isTrue();
      assertThat(line.path("lineTotal").isObject()).as("%s", line).isTrue();
    }
    assertThat(order.path("total").path("amount").isIntegralNumber()).as("%s", order).isTrue();
    assertThat(order.path("email").isString()).isTrue();
    assertRfc3339Utc(order.path("createdAt").asString());
  }

  static void assertRfc3339Utc(String text) {
    assertThat(text).as("an RFC 3339 UTC time").endsWith("Z");
    assertThat(Instant.parse(text)).isNotNull();
  }

  static JsonNode productIn(JsonNode list, String sku) {
    for (JsonNode product : list.path("products")) {
      if (product.path("sku").asString().equals(sku)) {
        return product;
      }
    }
    throw new AssertionError("no product " + sku + " in " + list);
  }

  static long maxAge(String cacheControl) {
    Matcher m = MAX_AGE.matcher(cacheControl.toLowerCase(Locale.ROOT));
    assertThat(m.find()).as("max-age in '%s'", cacheControl).isTrue();
    return Long.parseLong(m.group(1));
  }

  static Instant httpDate(String text) {
    return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  static String httpDate(Instant instant) {
    return IMF_FIXDATE.format(instant.atZone(ZoneOffset.UTC));
  }
}

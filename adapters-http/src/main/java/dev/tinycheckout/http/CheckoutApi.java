package dev.tinycheckout.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tinycheckout.StorageException;
import dev.tinycheckout.TinyCheckoutException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutConfig;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.checkout.WithdrawalResult;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.http.cache.ProductCacheConfig;
import dev.tinycheckout.http.cache.ProductReadCache;
import dev.tinycheckout.http.cache.WarmUpReport;
import dev.tinycheckout.http.fraud.Attempt;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.Outcome;
import dev.tinycheckout.http.fraud.Verdict;
import dev.tinycheckout.http.json.CheckoutRequestReader;
import dev.tinycheckout.http.json.ContractJsonWriter;
import dev.tinycheckout.http.json.MalformedRequestException;
import dev.tinycheckout.http.json.Problem;
import dev.tinycheckout.httpcache.CacheControl;
import dev.tinycheckout.httpcache.ConditionalRequest;
import dev.tinycheckout.httpcache.EntityTag;
import dev.tinycheckout.httpcache.HttpDates;
import dev.tinycheckout.httpcache.Precondition;
import dev.tinycheckout.httpcache.ResourceState;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.observe.AlertEvent;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.store.CheckoutStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The checkout API of the tinycheckout HTTP contract, independent of any server: request in,
 * response out. Mount it with {@code dev.tinycheckout.http.jdk.JdkHttpMount}, {@code
 * dev.tinycheckout.http.servlet.CheckoutServlet}, or any server that can turn its request into an
 * {@link ApiRequest} (see {@code docs/mounting.md}).
 *
 * <p>Routes ({@code docs/http-api.md} has the shapes and every status):
 *
 * <ul>
 *   <li>{@code GET /health} &mdash; the storage answers or not, never cached; with {@link
 *       Builder#fulfilmentBacklog} and {@link Builder#sloMonitors} also the outbox backlog and the
 *       firing alerts;
 *   <li>{@code GET|HEAD /terms}, {@code GET|HEAD /products}, {@code GET|HEAD /products/{sku}}
 *       &mdash; cacheable: strong {@code ETag}, {@code Last-Modified}, {@code Cache-Control} and
 *       {@code CDN-Cache-Control}, conditional requests answered 304 or 412 as RFC 9110 section
 *       13.2.2 orders them;
 *   <li>{@code POST /checkout} &mdash; idempotent on {@code Idempotency-Key} through {@link
 *       Checkout#placeOrder}; {@code GET /orders/{id}}; {@code POST /orders/{id}/withdrawal}
 *       &mdash; the EU withdrawal function, idempotent through {@link Checkout#withdraw};
 *   <li>{@code GET|HEAD /admin/audit/verify} and {@code GET|HEAD /admin/consents?email=E} &mdash;
 *       the consent audit trail through {@link Checkout#consentAudit()}: verify its hash chain
 *       (optionally against a head kept elsewhere, {@code ?trustedHead=}), and list one customer's
 *       consent records without their personal data;
 *   <li>{@code GET /admin/fulfilment/dead-letters} and {@code POST
 *       /admin/fulfilment/dead-letters/{id}/retry};
 *   <li>every path under {@code /admin/} is bearer-token protected.
 * </ul>
 *
 * <p>Every other path answers 404 {@code not-found}; a known path with another method 405 {@code
 * method-not-allowed} with {@code Allow}. Every client error is an RFC 9457 problem; nothing of a
 * refused request is stored. Bodies over {@value #MAX_BODY_BYTES} bytes are refused with 413 while
 * reading, and with {@code Connection: close}, since the rest of such a body is never read.
 *
 * <p>Product reads go through a {@link ProductReadCache}, invalidated by this API's own write path,
 * so the instance that sold an item never shows the old stock. Call {@link #warmUp()} before the
 * server takes traffic.
 *
 * <p>With a {@link Builder#fraudGuard(FraudGuard) fraud guard}, {@code POST /checkout} asks it
 * before each checkout that could charge, and answers 429 {@code too-many-attempts} with {@code
 * Retry-After} when it refuses (see {@link Builder#fraudGuard(FraudGuard)}).
 *
 * <p>With an {@link Builder#observer(CheckoutObserver) observer}, every request reports its route
 * template, method, status and duration, and every checkout its outcome. Every request runs with
 * {@link Checkout#MDC_REQUEST_ID} in the SLF4J MDC: the client's {@code X-Request-Id} when it is
 * one short token, else a random one.
 *
 * <p>Thread-safe; build one per shop and share it between all server threads.
 */
public final class CheckoutApi implements ApiHandler {
  /** The largest request body accepted, in bytes; a longer one gets 413. */
  public static final int MAX_BODY_BYTES = CheckoutRequestReader.MAX_BODY_BYTES;

  /** The longest {@code max-age} this API gives product pages, so stock is never stale for long. */
  public static final Duration MAX_PRODUCT_MAX_AGE = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutApi.class);
  private static final String GET_HEAD = "GET, HEAD";
  private static final String POST = "POST";
  private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DOWN = "{\"status\":\"DOWN\"}".getBytes(StandardCharsets.US_ASCII);
  private static final Sku HEALTH_PROBE = Sku.of("tinycheckout-health-probe");

  private final CheckoutStorage storage;
  private final Checkout checkout;
  private final ProductReadCache cache;
  private final Clock clock;
  private final byte @Nullable [] adminToken;
  private final String cacheControl;
  private final String cdnCacheControl;
  private final Rendered terms;
  // Product pages rendered once per product state: JSON, SHA-256 and date formatting would
  // otherwise cost as much CPU per request as the whole bare server does.
  private final Cache<Sku, Rendered> renderedProducts;
  private final @Nullable FraudGuard fraudGuard;
  private final int trustedProxies;
  private final AtomicBoolean warnedUnknownClient = new AtomicBoolean();
  private final CheckoutObserver observer;
  private final boolean observing;
  private final @Nullable Supplier<DeliveryBacklog> backlog;
  private final List<SloMonitor> sloMonitors;

  private CheckoutApi(Builder b) {
    CheckoutStorage raw = require(b.storage, "storage");
    PaymentGateway gateway = require(b.gateway, "paymentGateway");
    String termsVersion = require(b.termsVersion, "terms");
    String termsText = require(b.termsText, "terms");
    this.clock = b.clock;
    this.cache =
        ProductReadCache.builder()
            .storage(raw)
            .config(b.cacheConfig)
            .clock(b.clock)
            .executor(b.executor)
            .build();
    this.storage = cache.invalidatingStorage();
    ConsentAudit audit = b.consentAudit;
    this.checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(termsVersion, termsText)
            .consentAudit(
                audit != null ? audit : ConsentAudit.builder(storage).clock(b.clock).build())
            .clock(b.clock)
            .config(b.checkoutConfig)
            .hooks(b.hooks)
            .afterEventsCommitted(b.afterEventsCommitted)
            .observer(b.observer)
            .build();
    this.observer = CheckoutObserver.of(b.observer);
    this.observing = b.observer != CheckoutObserver.NONE;
    this.backlog = b.backlog;
    this.sloMonitors = List.copyOf(b.sloMonitors);
    this.adminToken = b.adminToken == null ? null : b.adminToken.getBytes(StandardCharsets.UTF_8);
    long maxAge = b.productMaxAge.toSeconds();
    this.cacheControl =
        CacheControl.builder()
            .publicCache()
            .maxAge(b.productMaxAge)
            .staleWhileRevalidate(b.productMaxAge)
            .build()
            .toString();
    // Shared caches may keep serving a product page while the shop is down; never while it is up.
    this.cdnCacheControl =
        CacheControl.builder()
            .publicCache()
            .maxAge(Duration.ofSeconds(maxAge))
            .staleWhileRevalidate(b.productMaxAge)
            .staleIfError(Duration.ofMinutes(5))
            .build()
            .toString();
    byte[] termsBody = ContractJsonWriter.terms(termsVersion, termsText);
    // The terms are fixed for the life of this API: they last changed, at the latest, now.
    this.terms =
        Rendered.of(termsBody, Optional.of(b.clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    this.renderedProducts =
        Caffeine.newBuilder().maximumSize(b.cacheConfig.maximumSize()).<Sku, Rendered>build();
    this.fraudGuard = b.fraudGuard;
    this.trustedProxies = b.trustedProxies;
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(
          name + " is required: call CheckoutApi.builder()." + name + "(...)");
    }
    return value;
  }

  /**
   * A builder; {@code storage}, {@code paymentGateway} and {@code terms} are required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the catalog (or its first {@link ProductCacheConfig#warmUpLimit()} products) into the
   * read cache. Call it once before the server accepts traffic, so the first buyers do not all miss
   * at once.
   *
   * @return how many products were loaded, and how long it took
   * @throws StorageException if the storage failed
   */
  public WarmUpReport warmUp() {
    return cache.warm();
  }

  /**
   * The engine behind {@code POST /checkout}, for callers that also place orders from Java. It
   * writes through the same invalidating storage, so the read cache stays right.
   *
   * @return the checkout engine
   */
  public Checkout checkout() {
    return checkout;
  }

  /**
   * The card-testing guard that {@code POST /checkout} asks, if one was configured.
   *
   * @return the guard given to {@link Builder#fraudGuard(FraudGuard)}, or empty
   */
  public Optional<FraudGuard> fraudGuard() {
    return Optional.ofNullable(fraudGuard);
  }

  /**
   * The product read cache behind the product routes.
   *
   * @return the cache
   */
  public ProductReadCache productCache() {
    return cache;
  }

  /**
   * The OpenAPI 3.1 document of the routes this API serves, as shipped in this jar (also in the
   * repository at {@code adapters-http/src/main/resources/dev/tinycheckout/http/openapi.json}). A
   * shop may serve it, for example at {@code /openapi.json}.
   *
   * @return a fresh copy of the UTF-8 JSON document
   * @throws IllegalStateException if the jar lacks the document (a broken build)
   */
  public static byte[] openApiDocument() {
    try (InputStream in = CheckoutApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the tinycheckout-http jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading openapi.json failed", e);
    }
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    Objects.requireNonNull(request, "request");
    MDC.put(Checkout.MDC_REQUEST_ID, requestId(request));
    try {
      if (!observing) {
        return answer(request);
      }
      long start = System.nanoTime();
      ApiResponse response = answer(request);
      observer.requestCompleted(
          routeOf(request.path()),
          methodOf(request.method()),
          response.status(),
          System.nanoTime() - start);
      return response;
    } finally {
      MDC.remove(Checkout.MDC_REQUEST_ID);
    }
  }

  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /**
   * The client's {@code X-Request-Id} when it is one short token (so a log line cannot be forged
   * through it), else a new random one.
   */
  static String requestId(ApiRequest request) {
    List<String> given = request.headers().values("X-Request-Id");
    if (given.size() == 1 && REQUEST_ID.matcher(given.get(0)).matches()) {
      return given.get(0);
    }
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  private ApiResponse answer(ApiRequest request) {
    try {
      return route(request);
    } catch (RuntimeException e) {
      LOG.error("unexpected failure answering {} {}", request.method(), request.path(), e);
      ApiResponse failed =
          Responses.problem(
              Problem.of(
                  "internal-error",
                  "Internal server error",
                  500,
                  "The server failed unexpectedly. Send a checkout or withdrawal again with the"
                      + " same Idempotency-Key: it resumes where it stopped and never runs"
                      + " twice."));
      return hasKey(request) ? keyed(failed, false) : failed;
    }
  }

  private static boolean hasKey(ApiRequest request) {
    return !request.headers().values(IdempotencyKeyField.NAME).isEmpty();
  }

  // ---- routing -----------------------------------------------------------------------------

  private ApiResponse route(ApiRequest request) {
    String path = request.path();
    String method = request.method();
    List<String> segments = segments(path);
    if (segments == null) {
      return Responses.notFound("No resource at this path.");
    }
    int n = segments.size();
    String first = n == 0 ? "" : segments.get(0);
    @Nullable ApiResponse answer =
        switch (first) {
          case "health" -> n == 1 ? readOnly(method, this::health) : null;
          case "terms" -> n == 1 ? readOnly(method, () -> cacheable(request, terms)) : null;
          case "products" ->
              n == 1
                  ? readOnly(method, () -> productList(request))
                  : n == 2 ? readOnly(method, () -> product(request, segments.get(1))) : null;
          case "checkout" -> n == 1 ? post(method, () -> placeOrder(request)) : null;
          case "orders" ->
              n == 2
                  ? readOnly(method, () -> order(segments.get(1)))
                  : n == 3 && segments.get(2).equals("withdrawal")
                      ? post(method, () -> withdraw(request, segments.get(1)))
                      : null;
          case "admin" -> admin(request, segments);
          default -> null;
        };
    if (answer != null) {
      return answer;
    }
    return Responses.notFound("No resource at this path.");
  }

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  /** The method as a bounded metric label: a known method, or {@code _OTHER}. */
  static String methodOf(String method) {
    return METHODS.contains(method) ? method : "_OTHER";
  }

  /**
   * The route template a path matches, as a bounded metric label (never the raw path): {@code
   * /products/{sku}}, {@code /orders/{id}/withdrawal}…; {@code other} for a path no route serves.
   */
  static String routeOf(String path) {
    List<String> segments = segments(path);
    if (segments == null || segments.isEmpty()) {
      return "other";
    }
    int n = segments.size();
    return switch (segments.get(0)) {
      case "health" -> n == 1 ? "/health" : "other";
      case "terms" -> n == 1 ? "/terms" : "other";
      case "products" -> n == 1 ? "/products" : n == 2 ? "/products/{sku}" : "other";
      case "checkout" -> n == 1 ? "/checkout" : "other";
      case "orders" ->
          n == 2
              ? "/orders/{id}"
              : n == 3 && segments.get(2).equals("withdrawal")
                  ? "/orders/{id}/withdrawal"
                  : "other";
      case "admin" -> adminRouteOf(segments);
      default -> "other";
    };
  }

  private static String adminRouteOf(List<String> s) {
    String joined = String.join("/", s);
    if (joined.equals("admin/audit/verify")
        || joined.equals("admin/consents")
        || joined.equals("admin/fulfilment/dead-letters")) {
      return "/" + joined;
    }
    if (s.size() == 5
        && joined.startsWith("admin/fulfilment/dead-letters/")
        && s.get(4).equals("retry")) {
      return "/admin/fulfilment/dead-letters/{id}/retry";
    }
    return "/admin/other";
  }

  /**
   * The path's segments, or {@code null} when the path can name nothing: an empty segment (double
   * or trailing slash), a dot segment, or any percent-encoding (no route needs one).
   */
  private static @Nullable List<String> segments(String path) {
    if (path.equals("/")) {
      return List.of();
    }
    if (path.indexOf('%') >= 0) {
      return null;
    }
    String[] parts = path.substring(1).split("/", -1);
    for (String part : parts) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return null;
      }
    }
    return List.of(parts);
  }

  private interface Answer {
    ApiResponse get();
  }

  private static ApiResponse readOnly(String method, Answer answer) {
    if (method.equals("GET")) {
      return answer.get();
    }
    if (method.equals("HEAD")) {
      return Responses.withoutBody(answer.get());
    }
    return Responses.methodNotAllowed(method, GET_HEAD);
  }

  private static ApiResponse post(String method, Answer answer) {
    return method.equals(POST) ? answer.get() : Responses.methodNotAllowed(method, POST);
  }

  // ---- reads -------------------------------------------------------------------------------

  private ApiResponse health() {
    Map<String, String> noStore = Map.of("Cache-Control", Responses.NO_STORE);
    Optional<List<AlertEvent>> alerts = Optional.empty();
    if (!sloMonitors.isEmpty()) {
      List<AlertEvent> firing = new ArrayList<>();
      for (SloMonitor monitor : sloMonitors) {
        firing.addAll(monitor.openAlerts());
      }
      alerts = Optional.of(firing);
    }
    Optional<DeliveryBacklog> outbox = Optional.empty();
    boolean up;
    try {
      storage.inTransaction(tx -> tx.products().find(HEALTH_PROBE));
      Supplier<DeliveryBacklog> source = backlog;
      if (source != null) {
        outbox = Optional.of(source.get());
      }
      up = true;
    } catch (RuntimeException e) {
      LOG.warn("health check: the storage does not answer ({})", e.toString());
      up = false;
    }
    if (backlog == null && alerts.isEmpty()) {
      return Responses.json(up ? 200 : 503, up ? UP : DOWN, noStore);
    }
    return Responses.json(
        up ? 200 : 503, ContractJsonWriter.health(up, outbox, clock.instant(), alerts), noStore);
  }

  /** A cacheable representation: its body, strong validator and modification time. */
  @SuppressWarnings("ArrayRecordComponent") // private, never compared
  private record Rendered(
      byte[] body,
      EntityTag etag,
      String etagHeader,
      Optional<Instant> lastModified,
      Optional<String> lastModifiedHeader,
      @Nullable Product source) {

    static Rendered of(byte[] body, Optional<Instant> lastModified) {
      return of(body, lastModified, null);
    }

    static Rendered of(byte[] body, Optional<Instant> lastModified, @Nullable Product source) {
      EntityTag etag = EntityTag.ofContent(body);
      return new Rendered(
          body, etag, etag.toString(), lastModified, lastModified.map(HttpDates::format), source);
    }
  }

  private ApiResponse productList(ApiRequest request) {
    List<Product> products = cache.all();
    byte[] body = ContractJsonWriter.products(products);
    Optional<Instant> lastModified =
        products.stream().map(Product::updatedAt).max(Instant::compareTo);
    return cacheable(request, Rendered.of(body, lastModified));
  }

  private ApiResponse product(ApiRequest request, String segment) {
    Sku sku;
    try {
      sku = Sku.of(segment);
    } catch (ValidationException e) {
      return Responses.notFound("No product with this SKU.");
    }
    Optional<Product> product = cache.get(sku);
    if (product.isEmpty()) {
      return Responses.notFound("No product with SKU '" + sku + "'.");
    }
    Product current = product.get();
    Rendered rendered = renderedProducts.getIfPresent(sku);
    if (rendered == null || !current.equals(rendered.source)) {
      rendered =
          Rendered.of(
              ContractJsonWriter.product(current), Optional.of(current.updatedAt()), current);
      renderedProducts.put(sku, rendered);
    }
    return cacheable(request, rendered);
  }

  private ApiResponse cacheable(ApiRequest request, Rendered r) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", r.etagHeader);
    r.lastModifiedHeader.ifPresent(at -> headers.put("Last-Modified", at));
    headers.put("Cache-Control", cacheControl);
    headers.put("CDN-Cache-Control", cdnCacheControl);
    ResourceState state =
        r.lastModified.isPresent()
            ? ResourceState.of(r.etag, r.lastModified.get())
            : ResourceState.of(r.etag);
    Precondition outcome;
    try {
      // Entity-tag lists are parsed while evaluating: a malformed one is the client's error.
      outcome =
          ConditionalRequest.from(request.method(), name -> joined(request, name))
              .evaluate(state, clock);
    } catch (ValidationException e) {
      return Responses.problem(Problem.from(e, 400, "Malformed precondition"));
    }
    if (outcome == Precondition.NOT_MODIFIED) {
      return new ApiResponse(304, headers, Responses.EMPTY);
    }
    if (outcome == Precondition.PRECONDITION_FAILED) {
      return Responses.problem(
          Problem.of(
              "precondition-failed",
              "Precondition failed",
              412,
              "The resource does not match If-Match or If-Unmodified-Since; fetch it again."),
          Map.of("ETag", r.etagHeader));
    }
    headers.put("Content-Type", Responses.JSON);
    return new ApiResponse(200, headers, r.body);
  }

  /** A list-valued field sent on several lines is one list (RFC 9110 section 5.3). */
  private static Optional<String> joined(ApiRequest request, String name) {
    List<String> values = request.headers().values(name);
    return switch (values.size()) {
      case 0 -> Optional.empty();
      case 1 -> Optional.of(values.get(0));
      default -> Optional.of(String.join(", ", values));
    };
  }

  private ApiResponse order(String segment) {
    OrderId id;
    try {
      id = OrderId.parse(segment);
    } catch (ValidationException e) {
      return Responses.notFound("No order with this id.");
    }
    Optional<Order> order;
    try {
      order = storage.inTransaction(tx -> tx.orders().find(id));
    } catch (StorageException e) {
      return storageFailure(e, Map.of());
    }
    // A pending order is a checkout still running; a cancelled one was never placed.
    if (order.isEmpty()
        || !(order.get().status() == OrderStatus.PAID
            || order.get().status() == OrderStatus.WITHDRAWN)) {
      return Responses.notFound("No order with id " + id + ".");
    }
    return Responses.json(
        200, ContractJsonWriter.order(order.get()), Map.of("Cache-Control", Responses.NO_STORE));
  }

  // ---- writes ------------------------------------------------------------------------------

  /** What every keyed write shares: media type, body limit and key, in that order. */
  private sealed interface Keyed permits Refused, Accepted {}

  private record Refused(ApiResponse response) implements Keyed {}

  @SuppressWarnings("ArrayRecordComponent") // private, never compared
  private record Accepted(IdempotencyKey key, byte[] body) implements Keyed {}

  private Keyed accept(ApiRequest request) {
    List<String> keyLines = request.headers().values(IdempotencyKeyField.NAME);
    Optional<String> contentType = request.headers().first("Content-Type");
    if (contentType.isEmpty() || !isJson(contentType.get())) {
      ApiResponse unsupported =
          Responses.problem(
              Problem.of(
                  "unsupported-media-type",
                  "Unsupported media type",
                  415,
                  "Send the body as application/json (UTF-8)."),
              Map.of("Accept-Post", Responses.JSON));
      return new Refused(keyLines.isEmpty() ? unsupported : keyed(unsupported, false));
    }
    if (keyLines.isEmpty()) {
      return new Refused(
          Responses.problem(
              Problem.of(
                  "idempotency-key-missing",
                  "Idempotency key missing",
                  400,
                  "Send an Idempotency-Key header with a unique value per purchase, such as a"
                      + " UUID, and the same value on every retry.")));
    }
    IdempotencyKey key;
    try {
      key = IdempotencyKeyField.parse(keyLines);
    } catch (ValidationException e) {
      return new Refused(keyed(Responses.problem(Problem.from(e)), false));
    }
    byte[] body;
    try {
      body = BodyReader.read(request.body(), request.headers(), MAX_BODY_BYTES);
    } catch (BodyReader.TooLargeException e) {
      return new Refused(
          keyed(
              Responses.problem(
                  Problem.of(
                      "payload-too-large",
                      "Payload too large",
                      413,
                      "The body is over " + MAX_BODY_BYTES + " bytes; nothing was stored."),
                  Map.of("Connection", "close")),
              false));
    } catch (UncheckedIOException e) {
      return new Refused(
          keyed(
              Responses.problem(
                  Problem.of(
                      "malformed-request",
                      "Malformed request",
                      400,
                      "The body could not be read completely; nothing was stored."),
                  Map.of("Connection", "close")),
              false));
    }
    return new Accepted(key, body);
  }

  private static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    if (!type.equalsIgnoreCase("application/json")) {
      return false;
    }
    // Only a charset parameter matters, and only UTF-8 (RFC 8259 section 8.1) is accepted.
    String params = semicolon < 0 ? "" : contentType.substring(semicolon).toLowerCase(Locale.ROOT);
    int charset = params.indexOf("charset=");
    if (charset < 0) {
      return true;
    }
    String value = params.substring(charset + "charset=".length()).replace("\"", "").trim();
    int end = value.indexOf(';');
    return (end < 0 ? value : value.substring(0, end)).trim().equals("utf-8");
  }

  private ApiResponse placeOrder(ApiRequest request) {
    long start = System.nanoTime();
    Keyed keyed = accept(request);
    if (keyed instanceof Refused refused) {
      observer.checkoutCompleted(CheckoutSignal.REJECTED, System.nanoTime() - start);
      return refused.response;
    }
    Accepted accepted = (Accepted) keyed;
    CheckoutRequest checkoutRequest;
    try {
      checkoutRequest = CheckoutRequestReader.ofDefaults().read(accepted.body);
    } catch (ValidationException e) {
      observer.checkoutCompleted(CheckoutSignal.REJECTED, System.nanoTime() - start);
      return keyed(Responses.problem(Problem.from(e)), false);
    }
    FraudGuard guard = fraudGuard;
    if (guard == null) {
      return placeOrder(accepted.key, checkoutRequest);
    }
    Attempt attempt =
        Attempt.of(
            clientAddress(request),
            checkoutRequest.email().value(),
            checkoutRequest.paymentToken());
    if (guard.admit(attempt) instanceof Verdict.Refuse refuse) {
      // Only a refused request pays for this read: a replay of a stored answer charges nothing,
      // so a blocked client still gets it (and it counts for nothing).
      try {
        if (holdsAnswer(accepted.key, checkoutRequest)) {
          return placeOrder(accepted.key, checkoutRequest);
        }
      } catch (StorageException e) {
        observer.checkoutCompleted(CheckoutSignal.FAILED, System.nanoTime() - start);
        return keyed(storageFailure(e, Map.of()), false);
      }
      observer.checkoutCompleted(CheckoutSignal.THROTTLED, System.nanoTime() - start);
      return keyed(Responses.tooManyAttempts(refuse), false);
    }
    Outcome outcome = Outcome.OTHER;
    try {
      CheckoutResult result = checkout.placeOrder(accepted.key, checkoutRequest);
      if (!result.replayed()) {
        outcome = outcome(result.outcome());
      }
      return stored(result.response(), result.replayed());
    } catch (TinyCheckoutException e) {
      return keyed(failure(e), false);
    } finally {
      guard.recordOutcome(attempt, outcome);
    }
  }

  private ApiResponse placeOrder(IdempotencyKey key, CheckoutRequest checkoutRequest) {
    try {
      CheckoutResult result = checkout.placeOrder(key, checkoutRequest);
      return stored(result.response(), result.replayed());
    } catch (TinyCheckoutException e) {
      return keyed(failure(e), false);
    }
  }

  /**
   * Whether the key already holds the completed answer to this very request, which {@link
   * Checkout#placeOrder} will replay without charging: one read by primary key, only when the fraud
   * guard refused the request.
   */
  private boolean holdsAnswer(IdempotencyKey key, CheckoutRequest checkoutRequest) {
    Optional<IdempotencyRecord> found = storage.inTransaction(tx -> tx.idempotency().find(key));
    if (found.isEmpty()) {
      return false;
    }
    IdempotencyRecord record = found.get();
    return record.isCompleted()
        && !record.isPurgeable(clock.instant())
        && record.fingerprint().equals(checkoutRequest.fingerprint());
  }

  private static Outcome outcome(CheckoutOutcome outcome) {
    return switch (outcome) {
      case PLACED -> Outcome.PAID;
      case PAYMENT_DECLINED -> Outcome.DECLINED;
      case OUT_OF_STOCK -> Outcome.OTHER;
    };
  }

  /** The most characters an address taken from {@code X-Forwarded-For} may have. */
  private static final int MAX_FORWARDED_ADDRESS = 64;

  private static final Pattern FORWARDED_ADDRESS = Pattern.compile("[0-9A-Za-z:.\\[\\]%_-]+");

  /**
   * The address the fraud guard counts the request under: from {@code X-Forwarded-For} when proxies
   * are trusted and it names one, else the peer address.
   */
  private String clientAddress(ApiRequest request) {
    if (trustedProxies > 0) {
      Optional<String> forwarded = forwardedFor(request.headers(), trustedProxies);
      if (forwarded.isPresent()) {
        return forwarded.get();
      }
    }
    Optional<String> peer = request.clientAddress();
    if (peer.isPresent()) {
      return peer.get();
    }
    if (warnedUnknownClient.compareAndSet(false, true)) {
      LOG.warn(
          "a checkout came without a client address: the server mount does not fill"
              + " ApiRequest.clientAddress, so the fraud guard counts all such checkouts under one"
              + " address, '{}'",
          ApiRequest.UNKNOWN_CLIENT);
    }
    return ApiRequest.UNKNOWN_CLIENT;
  }

  /**
   * The address that the outermost trusted proxy saw: the {@code hops}-th entry of {@code
   * X-Forwarded-For} from the right (each proxy appends the address it received the request from),
   * or the leftmost if there are fewer. Empty if the header is missing or that entry is not an
   * address.
   */
  static Optional<String> forwardedFor(RequestHeaders headers, int hops) {
    List<String> entries = new ArrayList<>();
    for (String line : headers.values("X-Forwarded-For")) {
      for (String part : line.split(",", -1)) {
        String entry = part.strip();
        if (!entry.isEmpty()) {
          entries.add(entry);
        }
      }
    }
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    String chosen = entries.get(Math.max(0, entries.size() - hops));
    if (chosen.length() > MAX_FORWARDED_ADDRESS || !FORWARDED_ADDRESS.matcher(chosen).matches()) {
      return Optional.empty();
    }
    return Optional.of(chosen);
  }

  private ApiResponse withdraw(ApiRequest request, String segment) {
    OrderId id;
    try {
      id = OrderId.parse(segment);
    } catch (ValidationException e) {
      ApiResponse notFound = Responses.notFound("No order with this id.");
      return hasKey(request) ? keyed(notFound, false) : notFound;
    }
    Keyed keyed = accept(request);
    if (keyed instanceof Refused refused) {
      return refused.response;
    }
    Accepted accepted = (Accepted) keyed;
    WithdrawalRequest withdrawal;
    try {
      withdrawal = CheckoutRequestReader.ofDefaults().readWithdrawal(id, accepted.body);
    } catch (ValidationException e) {
      return keyed(Responses.problem(Problem.from(e)), false);
    }
    try {
      WithdrawalResult result = checkout.withdraw(accepted.key, withdrawal);
      return stored(result.response(), result.replayed());
    } catch (TinyCheckoutException e) {
      return keyed(failure(e), false);
    }
  }

  private static ApiResponse stored(StoredResponse stored, boolean replayed) {
    Map<String, String> headers = new LinkedHashMap<>(stored.headers());
    headers.put("Cache-Control", Responses.NO_STORE);
    headers.put("Idempotent-Replayed", Boolean.toString(replayed));
    return new ApiResponse(stored.status(), headers, stored.body());
  }

  private static ApiResponse keyed(ApiResponse response, boolean replayed) {
    Map<String, String> headers = new LinkedHashMap<>(response.headers());
    headers.put("Idempotent-Replayed", Boolean.toString(replayed));
    return new ApiResponse(response.status(), headers, response.body());
  }

  /** The answer to a failure the engine did not store. */
  private static ApiResponse failure(TinyCheckoutException e) {
    switch (e.problem()) {
      case "not-found" -> {
        return Responses.problem(Problem.from(e, 404, "Not found"));
      }
      case "already-withdrawn" -> {
        return Responses.problem(Problem.from(e, 409, "Already withdrawn"));
      }
      case "withdrawal-period-expired" -> {
        return Responses.problem(Problem.from(e, 409, "Withdrawal period expired"));
      }
      case "withdrawal-right-waived" -> {
        return Responses.problem(Problem.from(e, 409, "Withdrawal right waived"));
      }
      default -> {
        // the types below
      }
    }
    if (e instanceof IdempotencyKeyInUseException inUse) {
      return Responses.problem(
          Problem.from(e, 409, "Idempotency key in use"),
          Map.of("Retry-After", Long.toString(Math.max(1, inUse.retryAfter().toSeconds()))));
    }
    if (e instanceof IdempotencyKeyReusedException) {
      return Responses.problem(Problem.from(e, 422, "Idempotency key reused"));
    }
    if (e instanceof MalformedRequestException malformed) {
      return Responses.problem(Problem.from(malformed));
    }
    if (e instanceof ValidationException invalid) {
      return Responses.problem(Problem.from(invalid));
    }
    if (e instanceof PaymentUnavailableException) {
      return Responses.problem(
          Problem.from(e, 503, "Payment unavailable"), Map.of("Retry-After", "2"));
    }
    if (e instanceof StorageException storageFailure) {
      return storageFailure(storageFailure, Map.of());
    }
    return Responses.problem(Problem.from(e, 500, "Checkout failed"));
  }

  private static ApiResponse storageFailure(StorageException e, Map<String, String> extra) {
    LOG.warn("storage failure: {}", e.toString());
    if (e.isRetryable()) {
      Map<String, String> headers = new LinkedHashMap<>(extra);
      headers.put("Retry-After", "1");
      return Responses.problem(
          Problem.of(
              "service-unavailable",
              "Service unavailable",
              503,
              "The database is briefly unavailable; nothing partial was stored. Retry with the"
                  + " same Idempotency-Key."),
          headers);
    }
    return Responses.problem(
        Problem.of(
            "internal-error",
            "Internal server error",
            500,
            "The database refused the operation; nothing partial was stored."),
        extra);
  }

  // ---- admin -------------------------------------------------------------------------------

  /**
   * Every path under {@code /admin/} asks for the token first, so a caller without it learns
   * nothing, not even which admin routes exist.
   */
  private ApiResponse admin(ApiRequest request, List<String> segments) {
    if (!authorized(request)) {
      ApiResponse unauthorized =
          Responses.problem(
              Problem.of(
                  "unauthorized",
                  "Unauthorized",
                  401,
                  "Send Authorization: Bearer <admin token>; admin routes are closed when no"
                      + " admin token is configured."),
              Map.of("WWW-Authenticate", "Bearer realm=\"tinycheckout-admin\""));
      return request.method().equals("HEAD") ? Responses.withoutBody(unauthorized) : unauthorized;
    }
    String method = request.method();
    int n = segments.size();
    if (n == 3 && segments.get(1).equals("audit") && segments.get(2).equals("verify")) {
      return readOnly(method, () -> verifyAuditTrail(request));
    }
    if (n == 2 && segments.get(1).equals("consents")) {
      return readOnly(method, () -> consents(request));
    }
    boolean deadLetters =
        n == 3 && segments.get(1).equals("fulfilment") && segments.get(2).equals("dead-letters");
    if (deadLetters) {
      return readOnly(method, this::deadLetters);
    }
    boolean retry =
        n == 5
            && segments.get(1).equals("fulfilment")
            && segments.get(2).equals("dead-letters")
            && segments.get(4).equals("retry");
    if (retry) {
      return post(method, () -> replay(segments.get(3)));
    }
    return Responses.notFound("No resource at this path.");
  }

  /** The most dead letters one listing shows. */
  static final int DEAD_LETTER_PAGE = 200;

  private ApiResponse deadLetters() {
    List<DeadLetter> dead;
    try {
      dead = storage.inTransaction(tx -> tx.deliveries().deadLetters(DEAD_LETTER_PAGE));
    } catch (StorageException e) {
      return storageFailure(e, Map.of());
    }
    return Responses.json(
        200, ContractJsonWriter.deadLetters(dead), Map.of("Cache-Control", Responses.NO_STORE));
  }

  private ApiResponse replay(String segment) {
    UUID id;
    try {
      id = UUID.fromString(segment);
    } catch (IllegalArgumentException e) {
      return Responses.notFound("No dead letter with this id.");
    }
    if (!id.toString().equalsIgnoreCase(segment)) {
      return Responses.notFound("No dead letter with this id.");
    }
    boolean replayed;
    try {
      replayed = storage.inTransaction(tx -> tx.deliveries().replay(id, clock.instant()));
    } catch (StorageException e) {
      return storageFailure(e, Map.of());
    }
    if (!replayed) {
      return Responses.notFound("No dead letter with id " + id + ".");
    }
    return Responses.json(
        202,
        ("{\"id\":\"" + id + "\",\"status\":\"PENDING\"}").getBytes(StandardCharsets.US_ASCII),
        Map.of("Cache-Control", Responses.NO_STORE));
  }

  /**
   * Walks the whole trail, page by page: fine for an admin's check or a nightly job, not for a
   * health probe.
   */
  private ApiResponse verifyAuditTrail(ApiRequest request) {
    Optional<ConsentHead> trusted;
    try {
      Optional<String> text = QueryParameters.parse(request.query()).single("trustedHead");
      trusted = text.isEmpty() ? Optional.empty() : Optional.of(trustedHead(text.get()));
    } catch (ValidationException e) {
      return Responses.problem(Problem.from(e, 400, "Validation failed"));
    }
    ConsentAudit audit = checkout.consentAudit();
    ConsentVerification verification;
    try {
      verification = trusted.isPresent() ? audit.verify(trusted.get()) : audit.verify();
    } catch (StorageException e) {
      return storageFailure(e, Map.of());
    }
    if (!verification.valid()) {
      LOG.warn(
          "consent audit trail verification failed: {}",
          verification.firstBreak().map(Object::toString).orElse("no break"));
    }
    return Responses.json(
        200,
        ContractJsonWriter.auditVerification(verification),
        Map.of("Cache-Control", Responses.NO_STORE));
  }

  private static ConsentHead trustedHead(String text) {
    try {
      return ConsentHead.parse(text);
    } catch (ValidationException e) {
      throw new ValidationException(
          "trustedHead",
          e.reason()
              + "; send the 'anchor' of an earlier verification, such as "
              + ConsentHead.TEXT_PREFIX
              + "42:<64 hex digits>");
    }
  }

  private ApiResponse consents(ApiRequest request) {
    Email email;
    try {
      Optional<String> given = QueryParameters.parse(request.query()).single("email");
      if (given.isEmpty()) {
        throw new ValidationException(
            "email", "is required: send ?email=<the customer's address, percent-encoded>");
      }
      email = Email.of(given.get());
    } catch (ValidationException e) {
      return Responses.problem(Problem.from(e, 400, "Validation failed"));
    }
    List<SubjectRecord> records;
    try {
      records = checkout.consentAudit().export(email);
    } catch (StorageException e) {
      return storageFailure(e, Map.of());
    }
    return Responses.json(
        200,
        ContractJsonWriter.consentRecords(records),
        Map.of("Cache-Control", Responses.NO_STORE));
  }

  private boolean authorized(ApiRequest request) {
    byte[] expected = adminToken;
    if (expected == null) {
      return false;
    }
    Optional<String> header = request.headers().first("Authorization");
    if (header.isEmpty() || header.get().length() < 7) {
      return false;
    }
    String value = header.get();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = value.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }

  /** Builds a {@link CheckoutApi}. Not thread-safe; each setter validates at once. */
  public static final class Builder {
    private @Nullable CheckoutStorage storage;
    private @Nullable PaymentGateway gateway;
    private @Nullable String termsVersion;
    private @Nullable String termsText;
    private @Nullable String adminToken;
    private @Nullable ConsentAudit consentAudit;
    private CheckoutConfig checkoutConfig = CheckoutConfig.ofDefaults();
    private ProductCacheConfig cacheConfig = ProductCacheConfig.ofDefaults();
    private Duration productMaxAge = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();
    private Executor executor = ForkJoinPool.commonPool();
    private FulfilmentHooks hooks = FulfilmentHooks.none();
    private Runnable afterEventsCommitted = () -> {};
    private @Nullable FraudGuard fraudGuard;
    private int trustedProxies;
    private CheckoutObserver observer = CheckoutObserver.NONE;
    private @Nullable Supplier<DeliveryBacklog> backlog;
    private List<SloMonitor> sloMonitors = List.of();

    private Builder() {}

    /**
     * Hears every request's route, status and duration and every checkout's outcome (including
     * those refused before the engine: malformed, throttled), and is passed on to the checkout
     * engine for payments and consent. For metrics (the {@code tinycheckout-micrometer} module) and
     * service-level objectives ({@link dev.tinycheckout.observe.SloObserver}). Default {@link
     * CheckoutObserver#NONE}, which costs nothing per request.
     *
     * @param observer the observer; combine several with {@link CheckoutObserver#of}
     * @return this builder
     */
    public Builder observer(CheckoutObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Where {@code GET /health} reads the fulfilment backlog, typically {@code dispatcher::backlog}
     * (one short read). Without it, {@code /health} reports no {@code outbox}.
     *
     * @param backlog the backlog source; may throw a storage failure, which makes {@code /health}
     *     answer 503
     * @return this builder
     */
    public Builder fulfilmentBacklog(Supplier<DeliveryBacklog> backlog) {
      this.backlog = Objects.requireNonNull(backlog, "backlog");
      return this;
    }

    /**
     * The objectives whose firing alerts {@code GET /health} lists, from each monitor's {@link
     * SloMonitor#openAlerts() last evaluation}. An alert never makes {@code /health} answer 503:
     * health says whether this instance can serve, alerts say how well the shop is doing.
     *
     * @param monitors the monitors
     * @return this builder
     */
    public Builder sloMonitors(List<SloMonitor> monitors) {
      Objects.requireNonNull(monitors, "monitors");
      this.sloMonitors = List.copyOf(monitors);
      return this;
    }

    /**
     * The card-testing guard that {@code POST /checkout} asks before each checkout (default: none,
     * and no checkout is ever refused for fraud). Build it with the rules you want, such as {@code
     * FraudGuard.builder().rules(FraudRules.ofDefaults()).build()}.
     *
     * <p>With a guard, a checkout whose body is well-formed and valid is described as an {@link
     * Attempt} of its client address (see {@link #trustedProxies(int)}), email and payment token,
     * and {@link FraudGuard#admit admitted} before the engine runs it. A refused attempt is
     * answered 429 {@code too-many-attempts} with {@code Retry-After} (whole seconds until the
     * block ends), stores nothing under its idempotency key and calls no payment provider, so the
     * same request may be sent again, with the same key, once the block is over. An admitted
     * attempt's end is {@link FraudGuard#recordOutcome recorded}: a placed order as {@link
     * Outcome#PAID}, a declined payment as {@link Outcome#DECLINED}, anything else (out of stock,
     * unknown product, terms not current, provider unavailable, key in use) as {@link
     * Outcome#OTHER}.
     *
     * <p>A request whose key already holds its completed answer is served that answer, as a replay,
     * even when the guard refuses: a replay charges nothing, so even a blocked client gets it. Only
     * a refused request pays for telling a replay (one read of the idempotency record); an admitted
     * replay is recorded as {@link Outcome#OTHER}, so it never counts as a second decline, though
     * it does count toward {@link dev.tinycheckout.http.fraud.FraudRules#checkoutsPerIp()} when
     * that rule is on. Bodies refused while reading (400 {@code malformed-request}, 422 {@code
     * validation-failed}) are never counted.
     *
     * @param guard the guard
     * @return this builder
     */
    public Builder fraudGuard(FraudGuard guard) {
      this.fraudGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /**
     * How many reverse proxies in front of the server append the address they received a request
     * from to {@code X-Forwarded-For}, so the fraud guard counts checkouts under the client's
     * address rather than the proxy's. Default 0: the header is ignored and the peer address
     * ({@link ApiRequest#clientAddress()}) counts.
     *
     * <p>With {@code n} proxies, the {@code n}-th address from the right of {@code X-Forwarded-For}
     * is the client's (the leftmost, if there are fewer); entries left of it were sent by the
     * client and prove nothing. When the header is missing, the peer address counts.
     *
     * <p><b>Risk:</b> set it only if every request reaches the server through those proxies, and
     * they append to the header. A client that can reach the server directly, or through a proxy
     * that passes the header on unchanged, can send any address it likes in {@code
     * X-Forwarded-For}: it escapes the per-address rules with a new address per attempt, and can
     * get another client's address blocked.
     *
     * @param count 0 to 10
     * @return this builder
     * @throws IllegalArgumentException if the count is out of range
     */
    public Builder trustedProxies(int count) {
      if (count < 0 || count > 10) {
        throw new IllegalArgumentException("trustedProxies must be 0 to 10, but was " + count);
      }
      this.trustedProxies = count;
      return this;
    }

    /**
     * The shop's storage. The API wraps it so its writes invalidate the product read cache.
     *
     * @param storage the storage
     * @return this builder
     */
    public Builder storage(CheckoutStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * The payment gateway that charges customers.
     *
     * @param gateway the gateway
     * @return this builder
     */
    public Builder paymentGateway(PaymentGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
      return this;
    }

    /**
     * The terms of sale a customer accepts at checkout, served at {@code GET /terms}. Every consent
     * entry records the version and the SHA-256 of the text's UTF-8 bytes ({@link
     * Checkout.Builder#terms(String, String)}), so keep every version's exact text.
     *
     * @param version the version a checkout's {@code acceptedTerms} must equal: 1 to 64 printable
     *     ASCII characters without spaces, such as {@code 2026-11-01}
     * @param text the exact text of the terms, as customers are shown it
     * @return this builder
     * @throws IllegalArgumentException if the version or text is blank
     * @throws ValidationException with field {@code termsVersion} if the version is not 1 to 64
     *     printable ASCII characters without spaces
     */
    public Builder terms(String version, String text) {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(text, "text");
      if (version.isBlank() || text.isBlank()) {
        throw new IllegalArgumentException("terms version and text must not be blank");
      }
      this.termsVersion = ConsentEvidence.requireValidTermsVersion(version);
      this.termsText = text;
      return this;
    }

    /**
     * The consent audit trail that checkouts and withdrawals append to and that the admin routes
     * read. Build it over the same database as {@link #storage}, with the shop's subject secret:
     * {@code ConsentAudit.builder(storage).subjectSecret(secret).build()}. Default: one over the
     * storage with this builder's clock and a random subject secret, which logs a warning and makes
     * {@code /admin/consents} miss entries written before a restart or by another instance.
     *
     * @param audit the audit
     * @return this builder
     */
    public Builder consentAudit(ConsentAudit audit) {
      this.consentAudit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /**
     * The checkout engine's configuration; defaults to {@link CheckoutConfig#ofDefaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder checkoutConfig(CheckoutConfig config) {
      this.checkoutConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * The product read cache's configuration; defaults to {@link ProductCacheConfig#ofDefaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder productCacheConfig(ProductCacheConfig config) {
      this.cacheConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * How long browsers and shared caches may use a product page, the product list or the terms
     * without asking again ({@code max-age}, and as long again {@code stale-while-revalidate}).
     * Default 5 seconds.
     *
     * @param maxAge whole seconds, 0 to {@link #MAX_PRODUCT_MAX_AGE}
     * @return this builder
     * @throws IllegalArgumentException if negative, over 60 seconds, or not whole seconds
     */
    public Builder productMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()
          || maxAge.compareTo(MAX_PRODUCT_MAX_AGE) > 0
          || maxAge.toNanosPart() != 0) {
        throw new IllegalArgumentException(
            "productMaxAge must be whole seconds from 0 to 60, but was " + maxAge);
      }
      this.productMaxAge = maxAge;
      return this;
    }

    /**
     * The bearer token that opens the admin routes. Without one, they answer 401 to everyone.
     *
     * @param token at least 16 characters of printable ASCII
     * @return this builder
     * @throws IllegalArgumentException if the token is shorter or holds other characters
     */
    public Builder adminToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "adminToken must be at least 16 printable ASCII characters without spaces, but had "
                + token.length());
      }
      this.adminToken = token;
      return this;
    }

    /**
     * The clock for order times, key expiry and cache ages; defaults to the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The executor that refreshes hot products in the background; defaults to the common pool.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The fulfilment hooks the write path enqueues deliveries for (default none: events go to the
     * outbox only). Give the same instance to the {@link
     * dev.tinycheckout.fulfilment.FulfilmentDispatcher} that runs them; see {@code
     * docs/fulfilment.md}.
     *
     * @param hooks the hooks
     * @return this builder
     */
    public Builder hooks(FulfilmentHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * What to run after a checkout or withdrawal that wrote deliveries has committed, typically
     * {@code dispatcher::wakeUp}, so a hook starts milliseconds after the commit. It runs on the
     * request's thread and must not block.
     *
     * @param callback the callback
     * @return this builder
     */
    public Builder afterEventsCommitted(Runnable callback) {
      this.afterEventsCommitted = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Builds the API.
     *
     * @return a new API
     * @throws IllegalStateException if storage, paymentGateway or terms is missing
     */
    public CheckoutApi build() {
      return new CheckoutApi(this);
    }
  }
}

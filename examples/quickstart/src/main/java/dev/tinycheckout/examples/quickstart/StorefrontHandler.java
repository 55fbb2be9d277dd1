package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.ApiRequest;
import dev.tinycheckout.http.ApiResponse;
import dev.tinycheckout.http.json.ContractJsonWriter;
import dev.tinycheckout.http.json.Problem;
import dev.tinycheckout.httpcache.ConditionalRequest;
import dev.tinycheckout.httpcache.EntityTag;
import dev.tinycheckout.httpcache.Precondition;
import dev.tinycheckout.httpcache.ResourceState;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves the storefront page at {@code /} and its files under {@code /assets/}, the meters at
 * {@code /metrics} in the Prometheus text format, and hands every other request to the checkout
 * API.
 *
 * <p>The files come from the jar and are read once, at construction. Only the names in {@link
 * #ASSETS} are served: a request path is compared with them, never turned into a file or resource
 * name, so no path ({@code /assets/../x}, {@code /assets/%2e%2e/x}) can reach anything else. Each
 * file carries a strong {@code ETag} of its bytes; {@code If-None-Match} answers 304.
 *
 * <p>The page learns the withdrawal period from its {@code <meta
 * name="withdrawal-period-seconds">}, which holds 14 days in the file and is set here to the period
 * the checkout was configured with, so the page shows the "Withdraw from contract here" control for
 * exactly as long as the server accepts a withdrawal.
 *
 * <p>Thread-safe.
 */
final class StorefrontHandler implements ApiHandler {
  static final String SITE = "dev/tinycheckout/examples/quickstart/site/";

  /** Every file under {@code /assets/}, with its media type. */
  static final Map<String, String> ASSETS =
      Map.of(
          "app.js", "text/javascript; charset=utf-8",
          "style.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  private static final String ASSETS_PREFIX = "/assets/";

  /** The withdrawal period as the page file carries it: 14 days, in seconds. */
  static final String PERIOD_META = "<meta name=\"withdrawal-period-seconds\" content=\"1209600\">";

  /** The page is revalidated on every visit: cheap with its ETag, and never stale. */
  private static final String PAGE_CACHE_CONTROL = "no-cache";

  /** The asset names carry no version, so they stay fresh for a few minutes only. */
  private static final String ASSET_CACHE_CONTROL = "public, max-age=300";

  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  /** The Prometheus text exposition format, version 0.0.4, that every scraper reads. */
  static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String METRICS_PATH = "/metrics";

  private final ApiHandler api;
  private final PrometheusMeterRegistry registry;
  private final StaticFile page;
  private final Map<String, StaticFile> assets;

  // Never compared or handed out: the bytes are only ever written to a response.
  @SuppressWarnings("ArrayRecordComponent")
  private record StaticFile(String contentType, String cacheControl, byte[] bytes, EntityTag tag) {}

  /**
   * A storefront in front of an API whose orders may be withdrawn for {@code withdrawalPeriod}.
   *
   * @param api answers everything that is not the page, an asset or the metrics
   * @param withdrawalPeriod the checkout's withdrawal period, shown on the page; positive
   * @param registry the meters served at {@code /metrics}
   */
  StorefrontHandler(ApiHandler api, Duration withdrawalPeriod, PrometheusMeterRegistry registry) {
    this.api = Objects.requireNonNull(api, "api");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.page =
        withPeriod(
            load("index.html", "text/html; charset=utf-8", PAGE_CACHE_CONTROL),
            Objects.requireNonNull(withdrawalPeriod, "withdrawalPeriod"));
    Map<String, StaticFile> files = new LinkedHashMap<>();
    ASSETS.forEach((name, type) -> files.put(name, load(name, type, ASSET_CACHE_CONTROL)));
    this.assets = Map.copyOf(files);
  }

  @Override
  public ApiResponse handle(ApiRequest request) {
    String path = request.path();
    if (path.equals("/")) {
      return serve(request, page);
    }
    if (path.startsWith(ASSETS_PREFIX)) {
      StaticFile file = assets.get(path.substring(ASSETS_PREFIX.length()));
      if (file == null) {
        return problem(
            Problem.of("not-found", "Not Found", 404, "there is no asset at " + printable(path)),
            Map.of());
      }
      return serve(request, file);
    }
    if (path.equals(METRICS_PATH)) {
      return metrics(request);
    }
    return api.handle(request);
  }

  /**
   * The meters in the Prometheus text format, never cached. They hold counts, durations and labels
   * from bounded sets (route templates, outcomes, rule names), never a customer's data.
   */
  private ApiResponse metrics(ApiRequest request) {
    String method = request.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return methodNotAllowed(request);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", METRICS_CONTENT_TYPE);
    headers.put("Cache-Control", "no-store");
    headers.put("X-Content-Type-Options", "nosniff");
    byte[] body =
        method.equals("HEAD") ? new byte[0] : registry.scrape().getBytes(StandardCharsets.UTF_8);
    return new ApiResponse(200, headers, body);
  }

  private static ApiResponse methodNotAllowed(ApiRequest request) {
    return problem(
        Problem.of(
            "method-not-allowed",
            "Method Not Allowed",
            405,
            request.method()
                + " is not allowed on "
                + printable(request.path())
                + "; use GET or HEAD"),
        Map.of("Allow", "GET, HEAD"));
  }

  private static ApiResponse serve(ApiRequest request, StaticFile file) {
    String method = request.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return methodNotAllowed(request);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", file.tag().toString());
    headers.put("Cache-Control", file.cacheControl());
    Precondition precondition;
    try {
      precondition =
          ConditionalRequest.from(
                  method,
                  name -> {
                    List<String> values = request.headers().values(name);
                    return values.isEmpty()
                        ? Optional.empty()
                        : Optional.of(String.join(", ", values));
                  })
              .evaluate(ResourceState.of(file.tag()));
    } catch (ValidationException e) {
      return problem(
          Problem.of("malformed-request", "Malformed Request", 400, e.field() + " " + e.reason()),
          Map.of());
    }
    switch (precondition) {
      case NOT_MODIFIED -> {
        return new ApiResponse(304, headers, new byte[0]);
      }
      case PRECONDITION_FAILED -> {
        return problem(
            Problem.of(
                "precondition-failed",
                "Precondition Failed",
                412,
                "the file has changed; fetch it again"),
            Map.of("ETag", file.tag().toString()));
      }
      case PROCEED -> {
        // below
      }
    }
    headers.put("Content-Type", file.contentType());
    headers.put("X-Content-Type-Options", "nosniff");
    if (file.contentType().startsWith("text/html")) {
      headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.put("Referrer-Policy", "no-referrer");
    }
    return new ApiResponse(200, headers, method.equals("HEAD") ? new byte[0] : file.bytes());
  }

  /**
   * The page with its withdrawal period meta set to {@code period} in whole seconds, rounded up:
   * the control may outlast the server's deadline by under a second (the server then answers
   * withdrawal-period-expired), but never disappears before it.
   */
  private static StaticFile withPeriod(StaticFile page, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("withdrawalPeriod must be positive, but was " + period);
    }
    String html = new String(page.bytes(), StandardCharsets.UTF_8);
    int at = html.indexOf(PERIOD_META);
    if (at < 0 || html.indexOf(PERIOD_META, at + 1) >= 0) {
      throw new IllegalStateException(
          "the storefront page must hold " + PERIOD_META + " exactly once");
    }
    long seconds = period.getSeconds() + (period.getNano() > 0 ? 1 : 0);
    byte[] bytes =
        html.replace(
                PERIOD_META,
                "<meta name=\"withdrawal-period-seconds\" content=\"" + seconds + "\">")
            .getBytes(StandardCharsets.UTF_8);
    return new StaticFile(
        page.contentType(), page.cacheControl(), bytes, EntityTag.ofContent(bytes));
  }

  private static StaticFile load(String name, String contentType, String cacheControl) {
    String resource = SITE + (name.equals("index.html") ? name : "assets/" + name);
    try (InputStream in = StorefrontHandler.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the quickstart jar");
      }
      byte[] bytes = in.readAllBytes();
      return new StaticFile(contentType, cacheControl, bytes, EntityTag.ofContent(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static ApiResponse problem(Problem problem, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/problem+json");
    headers.putAll(extraHeaders);
    return new ApiResponse(problem.status(), headers, ContractJsonWriter.problem(problem));
  }

  private static String printable(String path) {
    return Settings.printable(path);
  }
}

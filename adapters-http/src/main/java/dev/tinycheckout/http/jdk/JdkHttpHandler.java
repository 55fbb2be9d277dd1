package dev.tinycheckout.http.jdk;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.ApiRequest;
import dev.tinycheckout.http.ApiResponse;
import dev.tinycheckout.http.RequestHeaders;
import dev.tinycheckout.http.json.ContractJsonWriter;
import dev.tinycheckout.http.json.Problem;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link ApiHandler} on the JDK's built-in server: turns each {@link HttpExchange} into
 * an {@link ApiRequest} and writes the {@link ApiResponse} back.
 *
 * <p>The request reaches the handler as it came: the method; the path still percent-encoded, taken
 * from {@link java.net.URI#getRawPath()} without the path of the {@link
 * com.sun.net.httpserver.HttpContext} this handler is registered at (a request to {@code
 * /shop/products} on a context {@code /shop} has the path {@code /products}); the raw query; the
 * exchange's own header view, not a copy; and the raw body stream, which the handler reads (and
 * limits) itself. A request whose path is outside the context (a context {@code /shop} also
 * receives {@code /shopping}) is answered 404 {@code not-found} without calling the handler.
 *
 * <p>A request with a CR, LF or NUL character in a header field value is answered 400 {@code
 * malformed-request} without calling the handler. (The JDK server itself ends a field line at a
 * bare CR or LF, where RFC 9112 wants the request refused; a front proxy that reads such a line
 * differently could disagree with it about the header fields. It lets a NUL through, which this
 * adapter refuses.)
 *
 * <p>The response is sent with a fixed {@code Content-Length} when it has a body. A response to
 * {@code HEAD}, a 1xx, 204 or 304, and an empty body are sent without one. An exception from the
 * handler never reaches the client: it is logged (SLF4J, level ERROR, with the stack trace) and
 * answered 500 {@code internal-error} as {@code application/problem+json}.
 *
 * <p>Registered on a server that {@link JdkHttpMount} did not start, the handler works the same,
 * but the JDK server then runs with its own defaults (see {@link JdkHttpMount} for TCP_NODELAY and
 * the time limits). Thread-safe: the server calls it from many threads.
 */
public final class JdkHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(JdkHttpHandler.class);

  static {
    JdkServerProperties.apply();
  }

  private final ApiHandler handler;
  private volatile boolean closeConnections;

  /**
   * An adapter for a handler.
   *
   * @param handler the API to serve, such as {@link dev.tinycheckout.http.CheckoutApi}
   */
  public JdkHttpHandler(ApiHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Answers one exchange and closes it.
   *
   * @param exchange the exchange the JDK server hands over
   * @throws IOException if the response cannot be written, for example because the client is gone;
   *     the JDK server then closes the connection
   */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      ApiResponse response;
      if (MountExecutor.overloaded()) {
        response = Responses.overloaded();
      } else if (hasControlCharacters(exchange.getRequestHeaders())) {
        response = Responses.badHeader();
      } else {
        Optional<ApiRequest> request = toApiRequest(exchange);
        response = request.isPresent() ? answer(request.get()) : Responses.notFound();
      }
      send(exchange, response);
    } finally {
      exchange.close();
    }
  }

  /** From now on every answer carries {@code Connection: close}; used while the mount stops. */
  void closeConnections() {
    closeConnections = true;
  }

  private ApiResponse answer(ApiRequest request) {
    try {
      return Objects.requireNonNull(handler.handle(request), "handler returned no response");
    } catch (RuntimeException | Error failure) {
      LOG.error("{} {} failed; answered 500", request.method(), request.path(), failure);
      if (failure instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      return Responses.internalError();
    }
  }

  /**
   * A value with CR, LF or NUL can smuggle a header into a log line, a downstream request or a
   * response. The JDK server ends a field line at a bare CR or LF, so those never reach a value; it
   * does pass a NUL on, and this check stops it.
   */
  private static boolean hasControlCharacters(Headers headers) {
    for (List<String> values : headers.values()) {
      for (String value : values) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c == '\r' || c == '\n' || c == 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static Optional<ApiRequest> toApiRequest(HttpExchange exchange) {
    String rawPath = exchange.getRequestURI().getRawPath();
    String context = exchange.getHttpContext().getPath();
    if (context.endsWith("/")) {
      context = context.substring(0, context.length() - 1);
    }
    if (rawPath == null || !rawPath.startsWith(context)) {
      return Optional.empty();
    }
    String path = rawPath.substring(context.length());
    if (path.isEmpty()) {
      path = "/";
    } else if (!path.startsWith("/")) {
      return Optional.empty();
    }
    Headers headers = exchange.getRequestHeaders();
    RequestHeaders view =
        name -> {
          List<String> values = headers.get(name);
          return values == null ? List.of() : Collections.unmodifiableList(values);
        };
    return Optional.of(
        new ApiRequest(
            exchange.getRequestMethod(),
            path,
            Optional.ofNullable(exchange.getRequestURI().getRawQuery()),
            view,
            exchange.getRequestBody(),
            clientAddress(exchange.getRemoteAddress())));
  }

  /** The peer's IP address as text, if the server knows it (it always does for a socket). */
  static Optional<String> clientAddress(@Nullable InetSocketAddress peer) {
    if (peer == null) {
      return Optional.empty();
    }
    InetAddress address = peer.getAddress();
    return address == null ? Optional.empty() : Optional.of(address.getHostAddress());
  }

  /**
   * The API answers with paths of its own routes ({@code Location: /orders/{id}}); under a context
   * path they must carry it, or a client following them leaves the mount.
   */
  static String mounted(String prefix, String name, String value) {
    return !prefix.isEmpty()
            && name.equalsIgnoreCase("Location")
            && value.startsWith("/")
            && !value.startsWith("//")
        ? prefix + value
        : value;
  }

  private void send(HttpExchange exchange, ApiResponse response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    String context = exchange.getHttpContext().getPath();
    String prefix = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
    for (Map.Entry<String, String> field : response.headers().entrySet()) {
      if (!Responses.isFraming(field.getKey())) {
        out.set(field.getKey(), mounted(prefix, field.getKey(), field.getValue()));
      }
    }
    if (closeConnections) {
      out.set("Connection", "close");
    }
    int status = response.status();
    byte[] body = response.body();
    boolean bodyless =
        body.length == 0
            || status < 200
            || status == 204
            || status == 304
            || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, bodyless ? -1 : body.length);
    if (!bodyless) {
      // Closing the stream flushes the answer before the server drains what is left of the body.
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    }
  }

  /** The answers the mount gives itself. */
  static final class Responses {
    private Responses() {}

    static ApiResponse internalError() {
      return problem(
          Problem.of(
              "internal-error",
              "Internal server error",
              500,
              "The server failed to answer this request; the failure is logged. Retry later; a"
                  + " checkout retried with the same Idempotency-Key never runs twice."),
          Map.of());
    }

    static ApiResponse badHeader() {
      return problem(
          Problem.of(
              "malformed-request",
              "Malformed request",
              400,
              "A header field value holds a CR, LF or NUL character; send each field on one line."),
          Map.of("Connection", "close"));
    }

    static ApiResponse notFound() {
      return problem(
          Problem.of("not-found", "Not found", 404, "Nothing is served at this path."), Map.of());
    }

    static ApiResponse overloaded() {
      return problem(
          Problem.of(
              "service-unavailable",
              "Service unavailable",
              503,
              "The server is busy; retry after the number of seconds in Retry-After."),
          Map.of("Retry-After", "1", "Connection", "close"));
    }

    static ApiResponse problem(Problem problem, Map<String, String> more) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Content-Type", "application/problem+json");
      headers.put("Cache-Control", "no-store");
      headers.putAll(more);
      return new ApiResponse(problem.status(), headers, ContractJsonWriter.problem(problem));
    }

    /**
     * Framing is the mount's business: a handler's Content-Length or Transfer-Encoding is dropped.
     */
    static boolean isFraming(String name) {
      return name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding");
    }
  }
}

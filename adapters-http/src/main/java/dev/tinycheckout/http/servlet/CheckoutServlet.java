package dev.tinycheckout.http.servlet;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.ApiRequest;
import dev.tinycheckout.http.ApiResponse;
import dev.tinycheckout.http.RequestHeaders;
import dev.tinycheckout.http.json.ContractJsonWriter;
import dev.tinycheckout.http.json.Problem;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an {@link ApiHandler} in a Jakarta Servlet 6 container.
 *
 * <p>Every request, whatever its method ({@code HEAD} and {@code OPTIONS} included), goes to the
 * handler: this servlet overrides {@link #service(HttpServletRequest, HttpServletResponse)}, so
 * none of {@link HttpServlet}'s own answers (its {@code HEAD}, {@code OPTIONS}, {@code TRACE} or
 * 405) apply. The path the handler sees is the raw, still percent-encoded request URI without the
 * context path and, for a prefix mapping such as {@code /api/*}, without the servlet path: mapped
 * at {@code /api/*} in a context {@code /shop}, {@code GET /shop/api/products/a%2Fb?x=1} reaches
 * the handler as path {@code /products/a%2Fb} and query {@code x=1}. Mapped at {@code /*} or {@code
 * /} the handler sees the whole path after the context path. The headers are the request's own,
 * read through {@link HttpServletRequest#getHeaders(String)}; the body is the request's input
 * stream, which the handler reads (and limits) itself.
 *
 * <p>The response gets the status, the handler's header fields, and a {@code Content-Length} and
 * the body when there is one ({@code HEAD}, 1xx, 204 and 304 never have one). An exception from the
 * handler is logged (SLF4J, level ERROR, with the stack trace) and answered 500 {@code
 * internal-error} as {@code application/problem+json}, without the stack trace.
 *
 * <p>Time limits and header size limits are the container's (for Jetty, the connector's idle
 * timeout and {@code HttpConfiguration.setRequestHeaderSize}; for Tomcat, {@code connectionTimeout}
 * and {@code maxHttpHeaderSize}). Register the servlet as an instance, for example with {@link
 * jakarta.servlet.ServletContext#addServlet(String, jakarta.servlet.Servlet)}; it has no
 * no-argument constructor for {@code web.xml}. Thread-safe.
 */
public final class CheckoutServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutServlet.class);

  /** Not serializable: a container that persists servlets recreates this one from code. */
  private final transient ApiHandler handler;

  /**
   * A servlet for a handler.
   *
   * @param handler the API to serve, such as {@link dev.tinycheckout.http.CheckoutApi}
   */
  public CheckoutServlet(ApiHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /**
   * Answers any request through the handler.
   *
   * @param request the request
   * @param response the response
   * @throws IOException if the response cannot be written, for example because the client is gone
   */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = apiPath(request);
    ApiResponse answer;
    try {
      if (!path.startsWith("/")) {
        // A container that left path parameters before the API's path (";x=1/products"): no
        // route can match it.
        answer = notFound();
      } else {
        ApiRequest apiRequest =
            new ApiRequest(
                request.getMethod(),
                path,
                Optional.ofNullable(request.getQueryString()),
                headers(request),
                request.getInputStream(),
                Optional.ofNullable(request.getRemoteAddr()).filter(a -> !a.isBlank()));
        answer = Objects.requireNonNull(handler.handle(apiRequest), "handler returned no response");
      }
    } catch (RuntimeException | Error failure) {
      LOG.error("{} {} failed; answered 500", request.getMethod(), path, failure);
      if (failure instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      answer = internalError();
    }
    write(request, response, answer);
  }

  private static RequestHeaders headers(HttpServletRequest request) {
    return name -> {
      Enumeration<String> values = request.getHeaders(name);
      return values == null || !values.hasMoreElements()
          ? List.of()
          : Collections.unmodifiableList(Collections.list(values));
    };
  }

  private static void write(
      HttpServletRequest request, HttpServletResponse response, ApiResponse answer)
      throws IOException {
    response.setStatus(answer.status());
    for (Map.Entry<String, String> field : answer.headers().entrySet()) {
      String name = field.getKey();
      if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
        String value = field.getValue();
        // The API's own paths (Location: /orders/{id}) must carry the mount's prefix.
        if (name.equalsIgnoreCase("Location") && value.startsWith("/") && !value.startsWith("//")) {
          // A prefix that starts with "//" would make the Location name another host.
          String prefix = mountPrefix(request).replaceFirst("^/+", "/");
          value = (prefix.equals("/") ? "" : prefix) + value;
        }
        response.setHeader(name, value);
      }
    }
    int status = answer.status();
    byte[] body = answer.body();
    boolean bodyless =
        status < 200 || status == 204 || status == 304 || "HEAD".equals(request.getMethod());
    if (bodyless) {
      return;
    }
    response.setContentLength(body.length);
    if (body.length > 0) {
      OutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    }
  }

  /** The raw path before the API's own: the context path and a prefix mapping's servlet path. */
  static String mountPrefix(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String path = apiPath(request);
    if (path.equals("/")) {
      return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
    return uri.endsWith(path) ? uri.substring(0, uri.length() - path.length()) : "";
  }

  /**
   * The raw path the handler sees: the request URI without the context path and, for a prefix
   * mapping, without as many segments as the servlet path has.
   */
  static String apiPath(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    String rest = uri.startsWith(context) ? uri.substring(context.length()) : uri;
    HttpServletMapping mapping = request.getHttpServletMapping();
    String servletPath = request.getServletPath();
    if (mapping != null
        && mapping.getMappingMatch() == MappingMatch.PATH
        && !servletPath.isEmpty()) {
      int end = afterSegments(rest, segments(servletPath));
      String skipped = rest.substring(0, end);
      if (decodedWithoutParameters(skipped).equals(servletPath)) {
        rest = rest.substring(end);
      } else {
        // The raw form does not line up with the servlet path (dot segments, say): rebuild it.
        rest = encode(Objects.requireNonNullElse(request.getPathInfo(), ""));
      }
    } else if (mapping != null && mapping.getMappingMatch() == MappingMatch.CONTEXT_ROOT) {
      rest = "";
    }
    return rest.isEmpty() ? "/" : rest;
  }

  private static int segments(String path) {
    int count = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }

  private static int afterSegments(String raw, int segments) {
    int position = 0;
    for (int seen = 0; seen < segments && position < raw.length(); seen++) {
      int next = raw.indexOf('/', position + 1);
      position = next < 0 ? raw.length() : next;
    }
    return position;
  }

  private static String decodedWithoutParameters(String raw) {
    StringBuilder plain = new StringBuilder();
    for (String segment : raw.split("/", -1)) {
      int parameters = segment.indexOf(';');
      String name = parameters < 0 ? segment : segment.substring(0, parameters);
      if (plain.length() > 0 || !name.isEmpty()) {
        plain.append('/');
      }
      plain.append(URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return plain.toString();
  }

  private static String encode(String decoded) {
    StringBuilder raw = new StringBuilder();
    for (byte b : decoded.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0) {
        raw.append(c);
      } else {
        raw.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        raw.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return raw.toString();
  }

  private static ApiResponse internalError() {
    Problem problem =
        Problem.of(
            "internal-error",
            "Internal server error",
            500,
            "The server failed to answer this request; the failure is logged. Retry later; a"
                + " checkout retried with the same Idempotency-Key never runs twice.");
    return new ApiResponse(
        500,
        Map.of("Content-Type", "application/problem+json", "Cache-Control", "no-store"),
        ContractJsonWriter.problem(problem));
  }

  private static ApiResponse notFound() {
    return new ApiResponse(
        404,
        Map.of("Content-Type", "application/problem+json", "Cache-Control", "no-store"),
        ContractJsonWriter.problem(
            Problem.of("not-found", "Not found", 404, "No resource at this path.")));
  }
}

package dev.tinycheckout.http.mount;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.ApiRequest;
import dev.tinycheckout.http.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The test API of the mount tests: it records what reached it and answers by path. {@code /limit}
 * reads at most 16 KiB + 1 of the body and answers 413 past 16 KiB, as the checkout route does;
 * {@code /boom} throws; {@code /block} waits for {@link #release()}; {@code /body} echoes the body;
 * {@code /headers} sends extra header fields; {@code /head} answers a GET and a HEAD alike; {@code
 * /not-modified} answers 304; anything else echoes the request line.
 */
public final class EchoHandler implements ApiHandler {
  /** The header fields whose values are recorded. */
  public static final List<String> RECORDED =
      List.of("X-Multi", "X-Test", "Injected", "X-Long", "Content-Type", "Host");

  /** What one request looked like when it reached the handler. */
  public record Seen(
      String method,
      String path,
      Optional<String> query,
      Map<String, List<String>> headers,
      String failure) {}

  private static final int LIMIT = 16 * 1024;

  private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @Override
  public ApiResponse handle(ApiRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : RECORDED) {
      List<String> values = request.headers().values(name);
      if (!values.isEmpty()) {
        headers.put(name, List.copyOf(values));
      }
    }
    String path = request.path();
    String failure = "";
    try {
      return switch (path) {
        case "/limit" -> limit(request.body());
        case "/boom" -> throw new IllegalStateException("secret-detail-that-must-not-leak");
        case "/block" -> {
          blocked.countDown();
          if (!release.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
          yield text(200, "done");
        }
        case "/body" -> {
          try {
            yield text(200, new String(request.body().readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            failure = e.getClass().getName();
            throw new UncheckedIOException(e);
          }
        }
        case "/headers" ->
            new ApiResponse(
                201,
                Map.of(
                    "Content-Type",
                    "application/json",
                    "ETag",
                    "\"v7\"",
                    "Cache-Control",
                    "public, max-age=60",
                    "Location",
                    "/orders/42",
                    "X-Custom",
                    "yes"),
                "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        case "/head" ->
            new ApiResponse(
                200,
                Map.of("Content-Type", "text/plain", "ETag", "\"h1\""),
                request.method().equals("HEAD")
                    ? new byte[0]
                    : "hello".getBytes(StandardCharsets.UTF_8));
        case "/not-modified" ->
            new ApiResponse(
                304, Map.of("ETag", "\"v7\"", "Cache-Control", "max-age=60"), new byte[0]);
        default ->
            text(200, request.method() + " " + path + request.query().map(q -> "?" + q).orElse(""));
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      seen.add(new Seen(request.method(), path, request.query(), headers, failure));
    }
  }

  private static ApiResponse limit(InputStream body) {
    byte[] buffer = new byte[8192];
    long read = 0;
    try {
      int n;
      while (read < LIMIT + 1
          && (n = body.read(buffer, 0, (int) Math.min(buffer.length, LIMIT + 1 - read))) >= 0) {
        read += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read > LIMIT ? text(413, "too large") : text(200, "read " + read);
  }

  private static ApiResponse text(int status, String body) {
    return new ApiResponse(
        status, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
  }

  /** Everything that reached the handler, in order of completion. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The requests that reached the handler with this path. */
  public List<Seen> seen(String path) {
    return seen.stream().filter(s -> s.path().equals(path)).toList();
  }

  /** Waits until a request to {@code /block} is in the handler. */
  public void awaitBlocked() throws InterruptedException {
    if (!blocked.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("no request reached /block");
    }
  }

  /** Lets the requests to {@code /block} finish. */
  public void release() {
    release.countDown();
  }
}

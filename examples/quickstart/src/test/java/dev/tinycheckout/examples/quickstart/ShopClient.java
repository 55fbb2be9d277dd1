package dev.tinycheckout.examples.quickstart;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A real HTTP client for a quickstart on this machine: the requests the tests send most. */
final class ShopClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI base;

  ShopClient(URI base) {
    this.base = base;
  }

  /** A checkout of one one-dollar-item, with the terms accepted and no marketing opt-in. */
  HttpResponse<String> checkout(String key, String email, String token)
      throws IOException, InterruptedException {
    String body =
        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],\"email\":\""
            + email
            + "\",\"acceptedTerms\":\"2026-11-01\",\"marketingOptIn\":false,\"paymentToken\":\""
            + token
            + "\"}";
    return post("/checkout", key, body);
  }

  HttpResponse<String> post(String path, String key, String json)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits until the condition holds or the timeout passes, checking every 20 ms; the caller asserts
   * the condition afterwards, so a timeout fails with the real values.
   */
  static void awaitUpTo(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}

package dev.tinycheckout.examples.hooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A webhook receiver on a real socket (the JDK's HTTP server, loopback, port 0) for the tests. */
final class Receiver implements AutoCloseable {

  /** One request as received; the body is the raw bytes, as a verifier needs them. */
  @SuppressWarnings("ArrayRecordComponent")
  record Received(
      String method,
      String path,
      String contentType,
      String id,
      String timestamp,
      String signature,
      byte[] body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile int status = 204;
  private volatile boolean hang;

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Answers every later request with this status. */
  Receiver answering(int status) {
    this.status = status;
    return this;
  }

  /** Holds every later request open until the receiver closes. */
  Receiver hanging() {
    this.hang = true;
    return this;
  }

  /** The next request, waiting up to 10 s; fails if none arrives. */
  Received next() throws InterruptedException {
    Received next = received.poll(10, TimeUnit.SECONDS);
    if (next == null) {
      throw new AssertionError("no request arrived within 10 s");
    }
    return next;
  }

  /** The next request if one arrives within the wait, else null. */
  Received poll(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS);
  }

  private void serve(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    var headers = exchange.getRequestHeaders();
    received.add(
        new Received(
            exchange.getRequestMethod(),
            exchange.getRequestURI().getPath(),
            headers.getFirst("Content-Type"),
            headers.getFirst("Webhook-Id"),
            headers.getFirst("Webhook-Timestamp"),
            headers.getFirst("Webhook-Signature"),
            body));
    if (hang) {
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int answer = status;
    if (answer >= 300 && answer < 400) {
      exchange.getResponseHeaders().add("Location", "/moved");
    }
    // The body of an error answer must never end up in the hook's failure message.
    byte[] text =
        answer >= 400 ? "secret-internal-detail".getBytes(StandardCharsets.UTF_8) : new byte[0];
    exchange.sendResponseHeaders(answer, text.length == 0 ? -1 : text.length);
    try (var out = exchange.getResponseBody()) {
      out.write(text);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}

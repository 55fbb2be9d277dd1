package dev.tinycheckout.benchmarks.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The baseline of the JDK mount: a bare {@link HttpServer} whose one handler answers {@link
 * BareResponse}, with the same worker pool size as the mount and {@code
 * sun.net.httpserver.nodelay=true} (see {@link JdkServers#requireNoDelay()}).
 */
final class BareJdkServer implements ServerUnderTest {
  private final int workers;
  private @Nullable HttpServer server;
  private @Nullable ExecutorService executor;

  BareJdkServer(int workers) {
    this.workers = workers;
  }

  @Override
  public String name() {
    return "bare JDK HttpServer";
  }

  @Override
  public Kind kind() {
    return Kind.JDK;
  }

  @Override
  public boolean bare() {
    return true;
  }

  @Override
  public URI start() throws IOException {
    JdkServers.requireNoDelay();
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext("/", BareJdkServer::answer);
    ExecutorService pool = JdkServers.workerPool("bare-jdk", workers);
    s.setExecutor(pool);
    s.start();
    server = s;
    executor = pool;
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      int status =
          BareResponse.status(method, exchange.getRequestHeaders().getFirst("If-None-Match"));
      Headers headers = exchange.getResponseHeaders();
      headers.set("ETag", BareResponse.ETAG);
      if (status == 304) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      headers.set("Content-Type", BareResponse.CONTENT_TYPE);
      exchange.sendResponseHeaders(status, BareResponse.BODY.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(BareResponse.BODY);
      }
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }
}

package dev.tinycheckout.http.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.mount.EchoHandler;
import dev.tinycheckout.http.mount.MountContract;
import dev.tinycheckout.http.mount.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** {@link CheckoutServlet} in Jetty 12 (ee10), over real sockets. */
class ServletMountTest extends MountContract {

  @Override
  protected Mounted mount(ApiHandler handler, String prefix) throws Exception {
    // "/shop/api" is the context path /shop with the servlet at /api/*; "" is / with /*.
    String context = prefix.isEmpty() ? "/" : prefix.substring(0, prefix.lastIndexOf('/'));
    String mapping = prefix.isEmpty() ? "/*" : prefix.substring(prefix.lastIndexOf('/')) + "/*";
    return jetty(handler, context, mapping, 30_000);
  }

  private static Mounted jetty(ApiHandler handler, String context, String mapping, long idleMillis)
      throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(idleMillis);
    jetty.addConnector(connector);
    ServletContextHandler servlets = new ServletContextHandler(context);
    servlets.addServlet(new ServletHolder("tinycheckout", new CheckoutServlet(handler)), mapping);
    jetty.setHandler(servlets);
    jetty.start();
    String base = (context.equals("/") ? "" : context) + mapping.substring(0, mapping.length() - 1);
    URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + base);
    return new Mounted() {
      @Override
      public URI base() {
        return uri;
      }

      @Override
      public void close() throws Exception {
        jetty.stop();
      }
    };
  }

  @Test
  void everyMethodGoesToTheHandlerNotToHttpServletsDefaults() throws Exception {
    for (String method : new String[] {"OPTIONS", "TRACE", "HEAD", "DELETE", "PURGE"}) {
      client.send(
          HttpRequest.newBuilder(server.base().resolve("any"))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.discarding());
    }

    assertThat(echo.seen("/any"))
        .extracting(EchoHandler.Seen::method)
        .containsExactly("OPTIONS", "TRACE", "HEAD", "DELETE", "PURGE");
  }

  @Test
  void mappedAtAPrefixInTheRootContextTheHandlerSeesThePathAfterIt() throws Exception {
    EchoHandler api = new EchoHandler();
    try (Mounted mounted = jetty(api, "/", "/api/*", 30_000)) {
      HttpResponse<String> response = get(mounted.base().resolve("products/caf%C3%A9"));

      assertThat(response.body()).isEqualTo("GET /products/caf%C3%A9");
    }
  }

  @Test
  void aBodyThatStopsArrivingIsCutOffByTheIdleTimeout() throws Exception {
    EchoHandler api = new EchoHandler();
    try (Mounted mounted = jetty(api, "/", "/*", 500)) {
      try (RawHttp http = RawHttp.connect(mounted.base())) {
        http.send(
            "POST /body HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");

        Optional<RawHttp.Response> response = http.read(true);
        assertThat(response.map(RawHttp.Response::status).orElse(500)).isGreaterThanOrEqualTo(400);
        assertThat(http.closedByServer()).isTrue();
      }
      for (int i = 0; i < 100 && api.seen("/body").isEmpty(); i++) {
        Thread.sleep(50);
      }
      assertThat(api.seen("/body"))
          .singleElement()
          .satisfies(s -> assertThat(s.failure()).isNotEmpty());
    }
  }
}

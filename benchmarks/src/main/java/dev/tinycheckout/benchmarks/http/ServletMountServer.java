package dev.tinycheckout.benchmarks.http;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.servlet.CheckoutServlet;
import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;

/**
 * tinycheckout's {@link CheckoutServlet} on Jetty 12.1 (ee10), mapped at {@code /*} in the root
 * context, on the same connector and thread pool settings as the bare Jetty server.
 */
final class ServletMountServer implements ServerUnderTest {
  private final ApiHandler api;
  private @Nullable Server server;

  ServletMountServer(ApiHandler api) {
    this.api = api;
  }

  @Override
  public String name() {
    return "tinycheckout Servlet mount (Jetty 12.1)";
  }

  @Override
  public Kind kind() {
    return Kind.JETTY;
  }

  @Override
  public boolean bare() {
    return false;
  }

  @Override
  public URI start() throws IOException {
    Server s = JettyServers.server("tc-servlet");
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("tinycheckout", new CheckoutServlet(api)), "/*");
    s.setHandler(context);
    server = s;
    return JettyServers.start(s);
  }

  @Override
  public void stop() {
    if (server != null) {
      JettyServers.stop(server);
      server = null;
    }
  }
}

package dev.tinycheckout.http.kit.support;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.http.kit.RunningServer;
import dev.tinycheckout.http.servlet.CheckoutServlet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Starts the real mounts of adapters-http on a free loopback port, for the contract kit. */
public final class Mounts {
  private Mounts() {}

  /**
   * The JDK built-in server through {@link JdkHttpMount}, with its defaults.
   *
   * @param handler the API
   * @return the running server
   */
  public static RunningServer jdk(ApiHandler handler) {
    JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(handler)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start();
    String uri = running.uri().toString();
    URI base = URI.create(uri.substring(0, uri.length() - 1));
    return new RunningServer(base, () -> running.stop(Duration.ofSeconds(5)));
  }

  /**
   * Jetty 12 (ee10) with {@link CheckoutServlet} mapped at {@code /*}.
   *
   * @param handler the API
   * @return the running server
   */
  public static RunningServer jetty(ApiHandler handler) {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler servlets = new ServletContextHandler("/");
    servlets.addServlet(new ServletHolder("tinycheckout", new CheckoutServlet(handler)), "/*");
    jetty.setHandler(servlets);
    try {
      jetty.start();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not start", e);
    }
    URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    return new RunningServer(base, jetty::stop);
  }
}

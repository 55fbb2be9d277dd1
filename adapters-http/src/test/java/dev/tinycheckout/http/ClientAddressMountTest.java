package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.http.servlet.CheckoutServlet;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * Both mounts hand the handler the connection's peer address. Linux routes all of 127.0.0.0/8 to
 * the loopback interface, so a client socket bound to 127.0.0.2 or 127.0.0.3 is another peer.
 */
class ClientAddressMountTest {

  /** Answers the client address it was given, or {@code none}. */
  private static final ApiHandler ECHO_ADDRESS =
      request ->
          new ApiResponse(
              200,
              Map.of("Content-Type", "text/plain"),
              request.clientAddress().orElse("none").getBytes(StandardCharsets.US_ASCII));

  private static String getFrom(String local, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
      socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 200");
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  @Test
  void theJdkMountPassesThePeerAddress() throws Exception {
    JdkHttpMount.Running server =
        JdkHttpMount.builder()
            .handler(ECHO_ADDRESS)
            .address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
            .virtualThreads(false)
            .threads(2)
            .build()
            .start();
    try {
      assertThat(getFrom("127.0.0.2", server.port())).isEqualTo("127.0.0.2");
      assertThat(getFrom("127.0.0.3", server.port())).isEqualTo("127.0.0.3");
    } finally {
      server.stop(Duration.ZERO);
    }
  }

  @Test
  void theServletPassesTheRemoteAddress() throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler servlets = new ServletContextHandler("/");
    servlets.addServlet(new ServletHolder("tinycheckout", new CheckoutServlet(ECHO_ADDRESS)), "/*");
    jetty.setHandler(servlets);
    jetty.start();
    try {
      assertThat(getFrom("127.0.0.2", connector.getLocalPort())).isEqualTo("127.0.0.2");
      assertThat(getFrom("127.0.0.3", connector.getLocalPort())).isEqualTo("127.0.0.3");
    } finally {
      jetty.stop();
    }
  }
}

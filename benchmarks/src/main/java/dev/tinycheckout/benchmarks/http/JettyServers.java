package dev.tinycheckout.benchmarks.http;

import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** What the Jetty servers of this benchmark share: a default thread pool and one connector. */
final class JettyServers {
  private JettyServers() {}

  /**
   * A Jetty server with Jetty's default thread pool (8 to 200 threads) and one HTTP/1.1 connector
   * on 127.0.0.1, not started.
   *
   * @param name the thread pool's name
   * @return the server
   */
  static Server server(String name) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName(name);
    threads.setDaemon(true);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    return server;
  }

  /**
   * Starts a server made by {@link #server}.
   *
   * @param server the server
   * @return its base URI
   * @throws IOException if it cannot start
   */
  static URI start(Server server) throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("Jetty did not start", e);
    }
    int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Stops a server, ignoring failures (the benchmark is over by then).
   *
   * @param server the server
   */
  static void stop(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("Jetty did not stop cleanly: " + e);
    }
  }
}

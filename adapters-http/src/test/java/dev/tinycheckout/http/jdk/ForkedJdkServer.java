package dev.tinycheckout.http.jdk;

import com.sun.net.httpserver.HttpServer;
import dev.tinycheckout.http.mount.EchoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A JVM of its own for what the JDK server reads once per JVM. {@code early-server}: an {@code
 * HttpServer} is created before tinycheckout is touched, then the TCP_NODELAY state is printed.
 * {@code serve}: starts a mount and prints its port, then every request the handler saw, until
 * standard input ends.
 */
public final class ForkedJdkServer {
  private ForkedJdkServer() {}

  public static void main(String[] args) throws IOException {
    if (args[0].equals("early-server")) {
      HttpServer early =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      early.stop(0);
      System.out.println("NODELAY " + JdkHttpMount.tcpNoDelay());
      return;
    }
    EchoHandler echo = new EchoHandler();
    JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(
                request -> {
                  try {
                    return echo.handle(request);
                  } finally {
                    echo.seen().stream()
                        .skip(echo.seen().size() - 1L)
                        .forEach(s -> System.out.println("SEEN " + s.path() + " " + s.failure()));
                  }
                })
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .virtualThreads(false)
            .build()
            .start();
    System.out.println("PORT " + running.port());
    while (System.in.read() >= 0) {
      // wait for the parent to close our input
    }
    running.stop(java.time.Duration.ZERO);
  }
}

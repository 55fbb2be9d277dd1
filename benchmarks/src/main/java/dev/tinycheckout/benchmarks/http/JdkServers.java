package dev.tinycheckout.benchmarks.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** What the JDK servers of this benchmark share: TCP_NODELAY and the worker pool. */
final class JdkServers {
  /** The JDK server's switch for TCP_NODELAY, read once per JVM when its first server starts. */
  static final String NO_DELAY = "sun.net.httpserver.nodelay";

  private JdkServers() {}

  /**
   * Sets {@code sun.net.httpserver.nodelay=true}, as the tinycheckout JDK mount does, unless it was
   * set already. Must run before the first {@code HttpServer} of the JVM is created: without it,
   * every keep-alive request waits for delayed ACKs (about 40 ms on Linux) and both JDK figures
   * measure the timer, not the server.
   *
   * @throws IllegalStateException if the property was set to something other than {@code true}
   */
  static void requireNoDelay() {
    String value = System.getProperty(NO_DELAY);
    if (value == null) {
      System.setProperty(NO_DELAY, "true");
    } else if (!value.equals("true")) {
      throw new IllegalStateException(
          NO_DELAY + " must be true for a fair comparison, but was " + value);
    }
  }

  /**
   * A fixed pool of daemon threads for a JDK server.
   *
   * @param name the thread name prefix
   * @param threads the pool size
   * @return the pool
   */
  static ExecutorService workerPool(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return Executors.newFixedThreadPool(threads, factory);
  }
}

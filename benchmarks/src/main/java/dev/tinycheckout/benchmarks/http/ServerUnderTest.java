package dev.tinycheckout.benchmarks.http;

import java.io.IOException;
import java.net.URI;

/**
 * One HTTP server the benchmark drives: started on a free loopback port, stopped at the end.
 *
 * <p>Not thread-safe: the harness starts and stops it from one thread.
 */
interface ServerUnderTest {

  /**
   * The name in the report, such as {@code "bare JDK HttpServer"}.
   *
   * @return the name
   */
  String name();

  /**
   * The kind of server, so each tinycheckout mount is compared with the bare server of its kind.
   *
   * @return the kind
   */
  Kind kind();

  /**
   * Whether this is a bare server (a fixed answer), as opposed to a tinycheckout mount.
   *
   * @return true for a bare server
   */
  boolean bare();

  /**
   * Starts the server on 127.0.0.1 and an ephemeral port.
   *
   * @return the base URI, such as {@code http://127.0.0.1:41234}, without a trailing slash
   * @throws IOException if the server cannot listen
   */
  URI start() throws IOException;

  /** Stops the server and its threads; does nothing if it is not running. */
  void stop();

  /** The kinds of server compared. */
  enum Kind {
    /** {@code com.sun.net.httpserver}, the JDK's built-in server. */
    JDK,
    /** Eclipse Jetty 12. */
    JETTY
  }
}

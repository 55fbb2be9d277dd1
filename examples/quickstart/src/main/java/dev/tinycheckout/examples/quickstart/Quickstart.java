package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running quickstart, as {@link Main#start(Settings)} returns it: the server, the API behind it
 * and the database. {@link #close()} stops it gracefully; stopping twice is harmless. Thread-safe.
 */
final class Quickstart implements AutoCloseable {
  /** How long requests in flight may take to finish when the quickstart stops. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Quickstart.class);

  private final JdkHttpMount.Running server;
  private final CheckoutApi api;
  private final FulfilmentDispatcher dispatcher;
  private final FulfilmentLog fulfilmentLog;
  private final Database database;
  private final String checkpointVerifierKey;
  private final AtomicBoolean stopped = new AtomicBoolean();

  Quickstart(
      JdkHttpMount.Running server,
      CheckoutApi api,
      FulfilmentDispatcher dispatcher,
      FulfilmentLog fulfilmentLog,
      Database database,
      String checkpointVerifierKey) {
    this.server = server;
    this.api = api;
    this.dispatcher = dispatcher;
    this.fulfilmentLog = fulfilmentLog;
    this.database = database;
    this.checkpointVerifierKey = checkpointVerifierKey;
  }

  /** The dispatcher that runs its fulfilment hook. */
  FulfilmentDispatcher dispatcher() {
    return dispatcher;
  }

  /** Its fulfilment hook, which counts what it handled. */
  FulfilmentLog fulfilmentLog() {
    return fulfilmentLog;
  }

  /** The port it listens on. */
  int port() {
    return server.port();
  }

  /** Its address on this machine, such as {@code http://localhost:8080/}. */
  URI uri() {
    return URI.create("http://localhost:" + port() + "/");
  }

  /** The verifier key of its consent checkpoints, as it logs it at start. */
  String checkpointVerifierKey() {
    return checkpointVerifierKey;
  }

  /** The checkout API it serves. */
  CheckoutApi api() {
    return api;
  }

  /**
   * Stops accepting requests, lets those in flight finish (up to {@code grace}), then closes the
   * database pool. Idempotent.
   *
   * @param grace how long requests in flight may take
   */
  void stop(Duration grace) {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    LOG.info("stopping: finishing the requests in flight (up to {} s)", grace.toSeconds());
    try {
      server.stop(grace);
      // After the server: the last requests' deliveries are committed; what cannot finish within
      // the grace is released and goes out at the next start.
      dispatcher.stop(grace);
    } finally {
      database.close();
    }
    LOG.info("stopped");
  }

  /** Stops with the default grace period of {@link #GRACE}. */
  @Override
  public void close() {
    stop(GRACE);
  }
}

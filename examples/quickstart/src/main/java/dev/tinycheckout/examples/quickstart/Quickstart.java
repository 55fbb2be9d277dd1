package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.observe.SloStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running quickstart, as {@link Main#start(Settings)} returns it: the server, the API behind it,
 * the database, and the meters and SLO monitors that watch them. {@link #close()} stops it
 * gracefully; stopping twice is harmless. Thread-safe.
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
  private final Observed observed;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * What the quickstart measures: its meters, its SLO monitors, the hook that logs their alerts,
   * and the timer that evaluates them, if any.
   *
   * @param registry the meters {@code GET /metrics} serves
   * @param monitors the availability and the latency objective's monitors
   * @param alertLog the hook that logs each alert
   * @param evaluator the scheduler that evaluates the monitors; empty when only {@link
   *     #evaluateSlos()} does
   */
  record Observed(
      PrometheusMeterRegistry registry,
      List<SloMonitor> monitors,
      AlertLog alertLog,
      Optional<ScheduledExecutorService> evaluator) {
    Observed {
      Objects.requireNonNull(registry, "registry");
      monitors = List.copyOf(monitors);
      Objects.requireNonNull(alertLog, "alertLog");
      Objects.requireNonNull(evaluator, "evaluator");
    }
  }

  Quickstart(
      JdkHttpMount.Running server,
      CheckoutApi api,
      FulfilmentDispatcher dispatcher,
      FulfilmentLog fulfilmentLog,
      Database database,
      String checkpointVerifierKey,
      Observed observed) {
    this.server = server;
    this.api = api;
    this.dispatcher = dispatcher;
    this.fulfilmentLog = fulfilmentLog;
    this.database = database;
    this.checkpointVerifierKey = checkpointVerifierKey;
    this.observed = observed;
  }

  /** The meters it serves at {@code /metrics}. */
  PrometheusMeterRegistry registry() {
    return observed.registry();
  }

  /** Its SLO monitors: availability, then latency. */
  List<SloMonitor> sloMonitors() {
    return observed.monitors();
  }

  /** The hook that logs the SLO alerts, which remembers what it handled. */
  AlertLog alertLog() {
    return observed.alertLog();
  }

  /**
   * Evaluates every SLO monitor now, as the timer does; an alert that starts or stops firing goes
   * to the outbox and from there to {@link #alertLog()}.
   *
   * @return each monitor's status, availability first
   */
  List<SloStatus> evaluateSlos() {
    return observed.monitors().stream().map(SloMonitor::evaluate).toList();
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
      // First: a timed evaluation could otherwise write an alert to a closing database.
      observed.evaluator().ifPresent(Quickstart::stopEvaluating);
      server.stop(grace);
      // After the server: the last requests' deliveries are committed; what cannot finish within
      // the grace is released and goes out at the next start.
      dispatcher.stop(grace);
      // Last: the consent chaining pass the last checkouts asked for runs before the pool closes.
      awaitChaining(api.checkout().consentAudit());
    } finally {
      observed.registry().close();
      database.close();
    }
    LOG.info("stopped");
  }

  private static void awaitChaining(ConsentAudit audit) {
    try {
      if (!audit.awaitChaining(Duration.ofSeconds(5))) {
        LOG.warn(
            "a consent chaining pass is still running; its entries stay staged until the next start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void stopEvaluating(ScheduledExecutorService evaluator) {
    evaluator.shutdownNow();
    try {
      if (!evaluator.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("an SLO evaluation is still running; stopping anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops with the default grace period of {@link #GRACE}. */
  @Override
  public void close() {
    stop(GRACE);
  }
}

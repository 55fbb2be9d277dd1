package dev.tinycheckout.benchmarks.observe;

import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.http.CheckoutApi;
import dev.tinycheckout.micrometer.HttpMetrics;
import dev.tinycheckout.micrometer.MicrometerObserver;
import dev.tinycheckout.micrometer.TinyCheckoutMetrics;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.PaymentSignal;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.observe.SloObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything the "on" variant adds to a {@link CheckoutApi}, as {@code docs/operations.md} sets it
 * up for production: a {@link MicrometerObserver} on a {@link PrometheusMeterRegistry}, an
 * availability and a latency {@link SloObserver} (99.9% and 99% under {@value #LATENCY_MILLIS} ms,
 * the workbook's burn-rate rules), the gauges bound (product cache, both monitors, the fulfilment
 * backlog, read at most once per period: every scrape), and a thread that scrapes the registry and
 * evaluates both monitors every {@value #PERIOD_MILLIS} ms while an "on" window runs: more often
 * than a Prometheus server (15 s to 1 min) or an evaluation timer (10 to 60 s) would, so the cost
 * measured is an upper bound.
 *
 * <p>Thread-safe for the checkout threads; {@link #startScraping()} and {@link Scraper#stop()} from
 * one thread, one scraper at a time. The statistics are written by the scraping thread and read
 * after {@link Scraper#stop()} joined it.
 */
final class Observability {
  static final long LATENCY_MILLIS = 300;
  static final long PERIOD_MILLIS = 1_000;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SloMonitor availability =
      SloMonitor.builder(ServiceLevelObjective.of("checkout-availability", 0.999)).build();
  private final SloMonitor latency =
      SloMonitor.builder(ServiceLevelObjective.of("checkout-latency", 0.99)).build();
  private final CheckoutObserver observer =
      CheckoutObserver.of(
          MicrometerObserver.of(registry),
          SloObserver.availability(availability),
          SloObserver.latency(latency, Duration.ofMillis(LATENCY_MILLIS)));

  private long scrapes;
  private long scrapeNanos;
  private long cpuNanos;
  private long scrapeBytes;
  private long evaluations;
  private long firing;

  /**
   * What the scraping thread did, over every "on" window.
   *
   * @param scrapes scrapes of the registry
   * @param meanScrapeMillis mean wall time of one scrape
   * @param meanCpuMillis mean CPU time of one scrape and the two evaluations after it, or -1 where
   *     the JVM cannot measure a thread's CPU time
   * @param meanScrapeBytes mean size of the exposition text, in characters
   * @param evaluations evaluations of a monitor (two per period)
   * @param firing evaluations that found a rule firing (expected: none)
   */
  record Stats(
      long scrapes,
      double meanScrapeMillis,
      double meanCpuMillis,
      double meanScrapeBytes,
      long evaluations,
      long firing) {}

  /** Adds the observer, the monitors for {@code /health} and the backlog source to a builder. */
  CheckoutApi.Builder configure(CheckoutApi.Builder builder, Supplier<DeliveryBacklog> backlog) {
    return builder
        .observer(observer)
        .sloMonitors(List.of(availability, latency))
        .fulfilmentBacklog(backlog);
  }

  /** Binds the gauges of the API's product cache, both monitors and the fulfilment backlog. */
  void bindGauges(CheckoutApi api, Supplier<DeliveryBacklog> backlog) {
    HttpMetrics.bindProductCache(registry, api.productCache());
    TinyCheckoutMetrics.bindSloMonitor(registry, availability);
    TinyCheckoutMetrics.bindSloMonitor(registry, latency);
    TinyCheckoutMetrics.bindFulfilmentBacklog(
        registry, backlog, Clock.systemUTC(), Duration.ofMillis(PERIOD_MILLIS));
  }

  /**
   * The CPU time, on one thread, of the signals the "on" observer hears for one paid checkout
   * through the API ({@code requestCompleted}, {@code checkoutCompleted(PAID)}, {@code
   * paymentCompleted(APPROVED)}, {@code consentRecorded(1)}), called directly on an observer of a
   * fresh {@link Observability} (so the benchmark's registry is untouched), {@code n} times after
   * as many untimed.
   *
   * @param n timed repetitions
   * @return microseconds per checkout's signals; wall time where thread CPU time is unsupported
   */
  static double signalMicrosPerCheckout(int n) {
    CheckoutObserver o = new Observability().observer;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    boolean measurable = cpu.isCurrentThreadCpuTimeSupported();
    long start = 0;
    for (int i = 0; i < 2 * n; i++) {
      if (i == n) {
        start = measurable ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
      }
      long d = 20_000L + (i & 0xffff);
      o.paymentCompleted(PaymentSignal.APPROVED, "", d);
      o.consentRecorded(1);
      o.checkoutCompleted(CheckoutSignal.PAID, 4 * d);
      o.requestCompleted("/checkout", "POST", 201, 5 * d);
    }
    long took = (measurable ? cpu.getCurrentThreadCpuTime() : System.nanoTime()) - start;
    return took / 1e3 / Math.max(1, n);
  }

  /** The registry's Prometheus exposition text now. */
  String scrape() {
    return registry.scrape();
  }

  /** What the scraping thread did so far; call while no scraper runs. */
  Stats stats() {
    return new Stats(
        scrapes,
        scrapes == 0 ? 0 : scrapeNanos / 1e6 / scrapes,
        cpuNanos < 0 ? -1 : scrapes == 0 ? 0 : cpuNanos / 1e6 / scrapes,
        scrapes == 0 ? 0 : (double) scrapeBytes / scrapes,
        evaluations,
        firing);
  }

  /** Starts a thread that scrapes and evaluates at once, then every period until stopped. */
  Scraper startScraping() {
    Scraper s = new Scraper();
    s.thread.start();
    return s;
  }

  /** The scraping thread of one window. */
  final class Scraper {
    private final Thread thread = new Thread(this::loop, "tc-bench-scraper");
    private volatile boolean running = true;
    private @Nullable RuntimeException failure;

    private Scraper() {
      thread.setDaemon(true);
    }

    private void loop() {
      long period = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
      long next = System.nanoTime();
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      boolean measurable = cpu.isCurrentThreadCpuTimeSupported();
      try {
        while (running) {
          long cpuStart = measurable ? cpu.getCurrentThreadCpuTime() : 0;
          long start = System.nanoTime();
          String text = registry.scrape();
          scrapeNanos += System.nanoTime() - start;
          scrapeBytes += text.length();
          scrapes++;
          for (SloMonitor monitor : List.of(availability, latency)) {
            if (!monitor.evaluate().firing().isEmpty()) {
              firing++;
            }
            evaluations++;
          }
          if (measurable && cpuNanos >= 0) {
            cpuNanos += cpu.getCurrentThreadCpuTime() - cpuStart;
          } else {
            cpuNanos = -1;
          }
          next += period;
          long wait;
          while (running && (wait = next - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, wait);
          }
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    /**
     * Stops the thread and waits for it.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if a scrape or an evaluation failed
     */
    void stop() throws InterruptedException {
      running = false;
      LockSupport.unpark(thread);
      thread.join();
      RuntimeException f = failure;
      if (f != null) {
        throw new IllegalStateException("scraping or evaluating failed", f);
      }
    }
  }
}

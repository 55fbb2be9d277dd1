package dev.tinycheckout.benchmarks.http;

import dev.tinycheckout.benchmarks.Latencies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fallback driver, when {@code wrk} is not installed: the JDK's {@link HttpClient}, HTTP/1.1
 * forced, one sending thread per connection, each sending its requests one after the other on one
 * shared client (whose pool then holds one keep-alive connection per thread).
 *
 * <p>It runs in the JVM of the servers, so it competes with them for the CPUs and costs more per
 * request than {@code wrk}; compare its figures only with its own.
 */
final class JdkClientDriver implements LoadDriver {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "JDK HttpClient (HTTP/1.1, in the servers' JVM)";
  }

  @Override
  public LoadResult run(URI base, Scenario.RequestPlan plan, Settings settings)
      throws InterruptedException {
    ExecutorService threads = Executors.newCachedThreadPool();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .executor(threads)
            .build();
    AtomicLong keys = new AtomicLong();
    long start = System.nanoTime();
    long measureFrom = start + settings.warmUp().toNanos();
    long measureUntil = measureFrom + settings.measure().toNanos();
    List<Sender> senders = new ArrayList<>();
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < settings.connections(); i++) {
      Sender sender = new Sender(client, base, plan, keys, measureFrom, measureUntil);
      senders.add(sender);
      Thread t = new Thread(sender, "load-" + i);
      t.setDaemon(true);
      running.add(t);
      t.start();
    }
    for (Thread t : running) {
      t.join();
    }
    threads.shutdownNow();
    long ok = 0;
    long errors = 0;
    Map<Integer, Long> statuses = new HashMap<>();
    List<Latencies> latencies = new ArrayList<>();
    for (Sender s : senders) {
      ok += s.ok;
      errors += s.errors;
      s.statuses.forEach((status, n) -> statuses.merge(status, n, Long::sum));
      latencies.add(s.latencies);
    }
    long[] sorted = Latencies.sorted(latencies);
    return new LoadResult(
        ok,
        errors,
        settings.measure().toNanos() / 1e9,
        Latencies.percentile(sorted, 50) / 1000,
        Latencies.percentile(sorted, 99) / 1000,
        statuses);
  }

  /** One connection's loop; counts only requests sent and answered inside the window. */
  private static final class Sender implements Runnable {
    private final HttpClient client;
    private final URI base;
    private final Scenario.RequestPlan plan;
    private final AtomicLong keys;
    private final long measureFrom;
    private final long measureUntil;
    private final HttpRequest fixed;
    final Latencies latencies = new Latencies();
    final Map<Integer, Long> statuses = new HashMap<>();
    long ok;
    long errors;

    Sender(
        HttpClient client,
        URI base,
        Scenario.RequestPlan plan,
        AtomicLong keys,
        long measureFrom,
        long measureUntil) {
      this.client = client;
      this.base = base;
      this.plan = plan;
      this.keys = keys;
      this.measureFrom = measureFrom;
      this.measureUntil = measureUntil;
      this.fixed = request(null);
    }

    private HttpRequest request(@org.jspecify.annotations.Nullable String key) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(plan.path()))
              .timeout(TIMEOUT)
              .method(
                  plan.method(),
                  plan.body().length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(plan.body()));
      plan.headers().forEach(b::header);
      if (key != null) {
        b.setHeader("Idempotency-Key", key);
      }
      return b.build();
    }

    @Override
    public void run() {
      while (true) {
        long sent = System.nanoTime();
        if (sent >= measureUntil) {
          return;
        }
        HttpRequest request =
            plan.freshKeyPrefix().isPresent()
                ? request(plan.freshKeyPrefix().get() + keys.incrementAndGet())
                : fixed;
        int status;
        try {
          status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
          status = -1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long done = System.nanoTime();
        if (sent < measureFrom || done > measureUntil) {
          continue;
        }
        statuses.merge(status, 1L, Long::sum);
        if (status == plan.expectedStatus()) {
          ok++;
          latencies.record(done - sent);
        } else {
          errors++;
        }
      }
    }
  }
}

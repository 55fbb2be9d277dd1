package dev.tinycheckout.benchmarks.http;

import dev.tinycheckout.benchmarks.http.BenchmarkShop.StorageKind;
import dev.tinycheckout.benchmarks.http.LoadDriver.LoadResult;
import dev.tinycheckout.benchmarks.http.LoadDriver.Settings;
import dev.tinycheckout.benchmarks.http.Scenario.RequestPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP load benchmark of tinycheckout: requests per second and latency (p50, p99) of each
 * {@link Scenario} on four servers started in this JVM, measured one after the other in one run:
 *
 * <ol>
 *   <li>a bare JDK {@code HttpServer} answering a fixed 60-byte body ({@link BareJdkServer});
 *   <li>tinycheckout's JDK mount ({@link JdkMountServer});
 *   <li>a bare Jetty 12 {@code Handler} answering the same body ({@link BareJettyServer});
 *   <li>tinycheckout's Servlet mount on Jetty 12.1 ({@link ServletMountServer}).
 * </ol>
 *
 * <p>For each scenario the four servers run back to back, so each mount's figure has its bare twin
 * measured moments before it; the report gives each mount's figure as a ratio to its twin. With
 * {@code --quickstart}, it then measures the quickstart process (see {@link QuickstartProbe}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.tinycheckout.benchmarks.http.HttpLoadBenchmark \
 *     [--seconds N] [--warmup N] [--connections N] [--driver wrk|jdk] [--wrk-threads N]
 *     [--storage memory|h2|postgres] [--workers N] [--quickstart PATH | --no-quickstart]
 *     [--startups N] [--quickstart-only]
 * </pre>
 */
public final class HttpLoadBenchmark {
  private HttpLoadBenchmark() {}

  /** The goal of a product GET, as a fraction of the bare server of the same kind. */
  static final double PRODUCT_GOAL = 0.8;

  /** The goal of a replayed checkout, as a fraction of the bare server of the same kind. */
  static final double REPLAY_GOAL = 0.5;

  /** The goal of the quickstart's start-up, in milliseconds. */
  static final long STARTUP_GOAL_MILLIS = 1500;

  /**
   * Runs the benchmark and prints the Markdown report on standard output; progress goes to standard
   * error.
   *
   * @param args the options above
   * @throws Exception if a server or driver fails
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    JdkServers.requireNoDelay();
    LoadDriver driver = options.driver();
    PrintStream out = System.out;
    PrintStream log = System.err;
    Instant began = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    if (options.quickstartOnly) {
      out.println("## Quickstart process, " + began + ", driver: " + driver.name() + "\n");
      out.println(quickstart(options, driver, log));
      return;
    }
    List<Row> rows =
        run(
            options.storage,
            driver,
            options.settings(),
            EnumSet.allOf(Scenario.class),
            options.workers,
            log);
    out.println("## HTTP load benchmark, " + began + "\n");
    out.println(
        "Driver: "
            + driver.name()
            + "; "
            + options.settings().connections()
            + " connections; warm-up "
            + options.warmupSeconds
            + " s, measured "
            + options.seconds
            + " s per scenario and server; storage "
            + options.storage.name().toLowerCase(Locale.ROOT)
            + "; JDK worker threads "
            + options.workers
            + "; "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs; Java "
            + Runtime.version()
            + ".\n");
    out.println(Report.results(rows));
    out.println(Report.ratios(rows));
    if (options.quickstart) {
      out.println(quickstart(options, driver, log));
    }
  }

  /**
   * Runs the given scenarios on the four servers, each on its own new shop.
   *
   * @param storage the shops' storage
   * @param driver the load driver
   * @param settings warm-up, window and connections
   * @param scenarios the scenarios, run in their declaration order
   * @param workers the worker threads of each JDK server
   * @param log where progress goes
   * @return one row per scenario and server
   * @throws IOException if a server cannot start, or a scenario's check request fails
   * @throws InterruptedException if interrupted
   */
  static List<Row> run(
      StorageKind storage,
      LoadDriver driver,
      Settings settings,
      Set<Scenario> scenarios,
      int workers,
      PrintStream log)
      throws IOException, InterruptedException {
    JdkServers.requireNoDelay();
    List<Row> rows = new ArrayList<>();
    try (BenchmarkShop jdkShop = BenchmarkShop.create(storage);
        BenchmarkShop servletShop = BenchmarkShop.create(storage)) {
      List<ServerUnderTest> servers =
          List.of(
              new BareJdkServer(workers),
              new JdkMountServer(jdkShop.api(), workers),
              new BareJettyServer(),
              new ServletMountServer(servletShop.api()));
      List<URI> bases = new ArrayList<>();
      try {
        for (ServerUnderTest server : servers) {
          bases.add(server.start());
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long runId = System.currentTimeMillis();
        for (Scenario scenario : scenarios) {
          for (int i = 0; i < servers.size(); i++) {
            ServerUnderTest server = servers.get(i);
            URI base = bases.get(i);
            String etag = etag(client, base);
            RequestPlan plan = scenario.plan(etag, "n-" + runId + "-" + i + "-");
            check(client, base, plan, server);
            log.printf("%-40s %-32s ... ", server.name(), scenario.label());
            LoadResult result = driver.run(base, plan, settings);
            log.printf(
                Locale.ROOT,
                "%,.0f req/s, p99 %.2f ms, %d errors%n",
                result.requestsPerSecond(),
                result.p99Micros() / 1000.0,
                result.errors());
            rows.add(new Row(server.name(), server.kind(), server.bare(), scenario, result));
          }
        }
      } finally {
        for (ServerUnderTest server : servers) {
          server.stop();
        }
      }
    }
    return rows;
  }

  private static String etag(HttpClient client, URI base) throws IOException, InterruptedException {
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(base.resolve("/products/" + BenchmarkShop.READ_SKU)).build(),
            HttpResponse.BodyHandlers.discarding());
    return r.headers()
        .firstValue("ETag")
        .orElseThrow(() -> new IOException("no ETag from " + base + ": " + r));
  }

  /** Sends one request of the plan and checks its status, so a broken scenario is not timed. */
  private static void check(HttpClient client, URI base, RequestPlan plan, ServerUnderTest server)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(plan.path()))
            .method(
                plan.method(),
                plan.body().length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(plan.body()));
    plan.headers().forEach(b::header);
    plan.freshKeyPrefix().ifPresent(prefix -> b.setHeader("Idempotency-Key", prefix + "check"));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != plan.expectedStatus()) {
      throw new IOException(
          server.name()
              + " answered "
              + r.statusCode()
              + " instead of "
              + plan.expectedStatus()
              + " to "
              + plan.scenario().label()
              + ": "
              + r.body());
    }
  }

  private static String quickstart(Options options, LoadDriver driver, PrintStream log)
      throws InterruptedException {
    Optional<Path> jar = QuickstartProbe.find(options.quickstartJar);
    StringBuilder md = new StringBuilder("### Quickstart process\n\n");
    if (jar.isEmpty()) {
      String message =
          "Skipped: no quickstart jar at "
              + (options.quickstartJar == null
                  ? QuickstartProbe.DEFAULT_JAR
                  : options.quickstartJar)
              + " (build it with ./mvnw -pl examples/quickstart -am package).";
      log.println(message);
      return md.append(message).append('\n').toString();
    }
    QuickstartProbe probe = new QuickstartProbe(jar.get());
    try {
      long[] startups = probe.startupMillis(options.startups);
      long median = startups[startups.length / 2];
      md.append(
          String.format(
              Locale.ROOT,
              "Start-up to the ready line, %d launches: median **%d ms** (goal < %d ms: %s);"
                  + " all: %s ms.%n%n",
              startups.length,
              median,
              STARTUP_GOAL_MILLIS,
              median < STARTUP_GOAL_MILLIS ? "met" : "MISSED",
              java.util.Arrays.toString(startups)));
      QuickstartProbe.SteadyState s = probe.steadyState(driver, options.settings());
      md.append(
          String.format(
              Locale.ROOT,
              "With -Xmx64m: product GETs %,.0f req/s (p99 %.2f ms, %d errors), new checkouts"
                  + " %,.0f req/s (p99 %.2f ms, %d errors); process alive afterwards: %s;"
                  + " OutOfMemoryError in its output: %s.%n",
              s.productGets().requestsPerSecond(),
              s.productGets().p99Micros() / 1000.0,
              s.productGets().errors(),
              s.newCheckouts().requestsPerSecond(),
              s.newCheckouts().p99Micros() / 1000.0,
              s.newCheckouts().errors(),
              s.alive() ? "yes" : "NO",
              s.outOfMemory() ? "YES" : "no"));
      if (!s.alive() || s.outOfMemory()) {
        md.append("\n```\n").append(s.outputTail()).append("\n```\n");
      }
    } catch (IOException e) {
      md.append("Failed: ").append(e.getMessage()).append('\n');
    }
    return md.toString();
  }

  /**
   * One measured run.
   *
   * @param server the server's name
   * @param kind the server's kind
   * @param bare whether it is a bare server
   * @param scenario the scenario
   * @param result what was measured
   */
  record Row(
      String server,
      ServerUnderTest.Kind kind,
      boolean bare,
      Scenario scenario,
      LoadResult result) {}

  /** The command line. */
  static final class Options {
    int seconds = 10;
    int warmupSeconds = 3;
    int connections = 16;
    int workers = 32;
    int wrkThreads = 1;
    int startups = 5;
    @Nullable String driverName;
    StorageKind storage = StorageKind.MEMORY;
    boolean quickstart = true;
    boolean quickstartOnly;
    @Nullable Path quickstartJar;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--no-quickstart")) {
          o.quickstart = false;
          continue;
        }
        if (arg.equals("--quickstart-only")) {
          o.quickstartOnly = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        switch (arg) {
          case "--seconds" -> o.seconds = positive(arg, value);
          case "--warmup" -> o.warmupSeconds = Integer.parseInt(value);
          case "--connections" -> o.connections = positive(arg, value);
          case "--workers" -> o.workers = positive(arg, value);
          case "--wrk-threads" -> o.wrkThreads = positive(arg, value);
          case "--startups" -> o.startups = positive(arg, value);
          case "--driver" -> o.driverName = value;
          case "--storage" -> o.storage = StorageKind.parse(value);
          case "--quickstart" -> o.quickstartJar = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return o;
    }

    private static int positive(String name, String value) {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, but was " + n);
      }
      return n;
    }

    Settings settings() {
      return new Settings(
          Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(seconds), connections);
    }

    LoadDriver driver() {
      String name = driverName != null ? driverName : WrkDriver.available() ? "wrk" : "jdk";
      return switch (name) {
        case "wrk" -> {
          if (!WrkDriver.available()) {
            throw new IllegalArgumentException(
                "--driver wrk: no " + WrkDriver.DEFAULT_BINARY + " (apt-get install wrk)");
          }
          yield new WrkDriver(WrkDriver.DEFAULT_BINARY, wrkThreads);
        }
        case "jdk" -> new JdkClientDriver();
        default -> throw new IllegalArgumentException("--driver must be wrk or jdk: " + name);
      };
    }
  }
}

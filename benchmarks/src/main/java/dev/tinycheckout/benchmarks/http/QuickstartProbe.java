package dev.tinycheckout.benchmarks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The two figures measured on the quickstart process ({@code examples/quickstart/target/
 * quickstart.jar}), each process in a fresh working directory, so its H2 file database starts
 * empty:
 *
 * <ul>
 *   <li>start-up: from just before the process is launched to the line it logs when ready (the
 *       first line naming its URL), the median of several launches;
 *   <li>steady state with {@code -Xmx64m -XX:+ExitOnOutOfMemoryError}: product GETs, then new
 *       checkouts, each for the measured window; the process must still be alive afterwards, and
 *       its output must not mention {@code OutOfMemoryError}.
 * </ul>
 *
 * <p>The quickstart runs with {@code --fraud-rules off}: all the load comes from one address, which
 * is not what the fraud rules are for.
 */
final class QuickstartProbe {
  /** Where the quickstart example's build puts its jar, relative to the repository root. */
  static final Path DEFAULT_JAR = Path.of("examples/quickstart/target/quickstart.jar");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern TERMS_VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");
  private static final String SKU = "one-dollar-item";

  private final Path jar;

  QuickstartProbe(Path jar) {
    this.jar = jar;
  }

  /**
   * The median time from launch to the ready line, over several launches.
   *
   * @param launches how many times to launch
   * @return the start-up times in milliseconds, sorted (the median is in the middle)
   * @throws IOException if a launch fails or never logs its ready line
   * @throws InterruptedException if interrupted
   */
  long[] startupMillis(int launches) throws IOException, InterruptedException {
    long[] times = new long[launches];
    for (int i = 0; i < launches; i++) {
      try (Launched q = launch(List.of())) {
        times[i] = q.readyMillis;
      }
    }
    Arrays.sort(times);
    return times;
  }

  /**
   * Steady state under load with a 64 MB heap.
   *
   * @param driver the load driver
   * @param settings the window and connections
   * @return what each phase measured, and whether the process survived
   * @throws IOException if the process does not start or a request fails to build
   * @throws InterruptedException if interrupted
   */
  SteadyState steadyState(LoadDriver driver, LoadDriver.Settings settings)
      throws IOException, InterruptedException {
    try (Launched q = launch(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"))) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String terms =
          client
              .send(
                  HttpRequest.newBuilder(q.base.resolve("/terms")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = TERMS_VERSION.matcher(terms);
      if (!m.find()) {
        throw new IOException("GET /terms gave no version: " + terms);
      }
      byte[] body =
          ("{\"items\":[{\"sku\":\""
                  + SKU
                  + "\",\"quantity\":1}],\"email\":\"load@example.com\",\"acceptedTerms\":\""
                  + m.group(1)
                  + "\",\"marketingOptIn\":false,\"paymentToken\":\"tok_ok\"}")
              .getBytes(StandardCharsets.UTF_8);
      Scenario.RequestPlan gets =
          new Scenario.RequestPlan(
              Scenario.PRODUCT_200,
              "GET",
              "/products/" + SKU,
              Map.of(),
              new byte[0],
              Optional.empty());
      Scenario.RequestPlan checkouts =
          new Scenario.RequestPlan(
              Scenario.NEW_CHECKOUT,
              "POST",
              "/checkout",
              Map.of("Content-Type", "application/json"),
              body,
              Optional.of("qs-" + System.nanoTime() + "-"));
      LoadDriver.LoadResult getResult = driver.run(q.base, gets, settings);
      LoadDriver.LoadResult checkoutResult = driver.run(q.base, checkouts, settings);
      boolean alive = q.process.isAlive();
      return new SteadyState(getResult, checkoutResult, alive, q.sawOutOfMemory(), q.tail());
    }
  }

  /**
   * The steady-state figures.
   *
   * @param productGets the product GET phase
   * @param newCheckouts the new checkout phase
   * @param alive whether the process was still running after both
   * @param outOfMemory whether its output mentioned {@code OutOfMemoryError}
   * @param outputTail the last lines it printed
   */
  record SteadyState(
      LoadDriver.LoadResult productGets,
      LoadDriver.LoadResult newCheckouts,
      boolean alive,
      boolean outOfMemory,
      String outputTail) {}

  private Launched launch(List<String> jvmOptions) throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path dir = Files.createTempDirectory("tc-quickstart-");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--port");
    command.add(Integer.toString(port));
    command.add("--fraud-rules");
    command.add("off");
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Launched launched = new Launched(process, dir, port, start);
    if (!launched.ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      launched.close();
      throw new IOException(
          "the quickstart logged no ready line within " + READY_TIMEOUT + ":\n" + launched.tail());
    }
    if (launched.readyMillis < 0) {
      launched.close();
      throw new IOException("the quickstart exited before it was ready:\n" + launched.tail());
    }
    return launched;
  }

  /** A running quickstart process, its output read by a daemon thread. */
  private static final class Launched implements AutoCloseable {
    final Process process;
    final Path dir;
    final URI base;
    final CountDownLatch ready = new CountDownLatch(1);
    final List<String> lines = new ArrayList<>();
    volatile long readyMillis = -1;

    Launched(Process process, Path dir, int port, long startNanos) {
      this.process = process;
      this.dir = dir;
      this.base = URI.create("http://127.0.0.1:" + port);
      String portText = ":" + port;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (ready.getCount() > 0
                        && line.contains("http://")
                        && line.contains(portText)) {
                      readyMillis = (System.nanoTime() - startNanos) / 1_000_000;
                      ready.countDown();
                    }
                    synchronized (lines) {
                      lines.add(line);
                    }
                  }
                } catch (IOException e) {
                  // The process is gone; what it printed is in lines.
                } finally {
                  ready.countDown();
                }
              },
              "quickstart-output");
      reader.setDaemon(true);
      reader.start();
    }

    boolean sawOutOfMemory() {
      synchronized (lines) {
        return lines.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
      }
    }

    String tail() {
      synchronized (lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      deleteTree(dir);
    }

    private static void deleteTree(Path root) {
      try (Stream<Path> paths = Files.walk(root)) {
        paths.sorted(Comparator.reverseOrder()).forEach(QuickstartProbe::deleteQuietly);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      System.err.println("could not delete " + p + ": " + e);
    }
  }

  /**
   * The quickstart jar to measure, if there is one.
   *
   * @param jar the path given, or {@code null} for the default
   * @return the jar, or empty when it does not exist
   */
  static Optional<Path> find(@Nullable Path jar) {
    Path p = jar == null ? DEFAULT_JAR : jar;
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as a user runs it: its own JVM ({@code java -cp <classpath> Main}), started in an
 * empty directory so the default H2 database lands in {@code ./tinycheckout-data}, and stopped with
 * SIGTERM.
 */
class QuickstartProcessTest {
  private static final Pattern READY =
      Pattern.compile("tinycheckout quickstart ready at (http://localhost:(\\d+)/) in (\\d+) ms");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern VERIFIER_KEY =
      Pattern.compile("checkpoint verifier key, to publish: (\\S+)$");

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  /** A running quickstart process and every line it printed so far. */
  private record Run(
      Process process, Thread reader, BlockingQueue<String> lines, List<String> seen) {

    /** Reads lines until one matches, or the process ends, or the timeout passes. */
    Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          if (!process.isAlive() && lines.isEmpty()) {
            break;
          }
          continue;
        }
        seen.add(line);
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      throw new AssertionError("no line matching " + pattern + " in " + seen);
    }

    /** Every line, after the process ended. */
    List<String> drain() throws InterruptedException {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process ended").isTrue();
      reader.join(10_000); // the reader hands over the last lines, then sees the end
      lines.drainTo(seen);
      return seen;
    }
  }

  private Run launch(String... args) throws IOException {
    return launch(Map.of(), args);
  }

  private Run launch(Map<String, String> env, String... args) throws IOException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    QuickstartLauncher.Launched launched = QuickstartLauncher.launch(dir, env, lines, args);
    processes.add(launched.process());
    return new Run(launched.process(), launched.reader(), lines, new ArrayList<>());
  }

  @Test
  void itStartsOnTheDefaultDatabaseSellsOnceAndExitsZeroOnSigterm() throws Exception {
    Run run = launch("--port", "0");

    Matcher ready = run.await(READY, START_TIMEOUT);
    URI uri = URI.create(ready.group(1));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> order =
        client.send(
            HttpRequest.newBuilder(uri.resolve("/checkout"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "process-test-1")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],"
                            + "\"email\":\"ada@example.com\",\"acceptedTerms\":\"2026-11-01\","
                            + "\"marketingOptIn\":false,\"paymentToken\":\"tok_ok\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // SIGTERM. Through the handle, because Process.destroy() would also close our end of the
    // output pipe, and with it the lines the quickstart prints while it stops.
    assertThat(run.process().supportsNormalTermination()).isTrue();
    run.process().toHandle().destroy();

    assertThat(order.statusCode()).isEqualTo(201);
    assertThat(run.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    assertThat(run.process().exitValue()).isZero();
    assertThat(Integer.parseInt(ready.group(2))).isPositive();
    assertThat(run.drain()).anyMatch(line -> line.contains("Quickstart - stopped"));
    assertThat(dir.resolve("tinycheckout-data")).isDirectory();
  }

  @Test
  void aBadCatalogFileStopsItWithTheProblemBeforeItListens() throws Exception {
    Path catalog = dir.resolve("catalog.json");
    Files.writeString(
        catalog,
        "[{\"sku\":\"mug\",\"name\":\"A Mug\",\"price\":{\"amount\":\"12.50\",\"currency\":\"EUR\"},"
            + "\"stock\":4}]");
    Run run = launch("--port", "0", "--catalog", catalog.toString());

    List<String> output = run.drain();

    assertThat(run.process().exitValue()).isEqualTo(1);
    assertThat(output)
        .contains(
            "tinycheckout quickstart: cannot start: catalog file "
                + catalog
                + ": product [0].price.amount must be a whole number of minor units (100 for 1.00"
                + " USD), but was \"12.50\"")
        .noneMatch(line -> line.contains("ready at"));
    assertThat(dir.resolve("tinycheckout-data")).doesNotExist();
  }

  /** Starts, waits until ready, stops with SIGTERM; returns every line it printed. */
  private List<String> startAndStop(Map<String, String> env) throws Exception {
    Run run = launch(env, "--port", "0");
    run.await(READY, START_TIMEOUT);
    run.process().toHandle().destroy();
    List<String> output = run.drain();
    assertThat(run.process().exitValue()).isZero();
    return output;
  }

  private static String verifierKey(List<String> output) {
    return output.stream()
        .map(VERIFIER_KEY::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no verifier key line in " + output));
  }

  @Test
  void twoRunsInOneDirectoryKeepTheirConsentKeysOwnerOnlyAndNeverPrintTheSecret() throws Exception {
    List<String> first = startAndStop(Map.of());
    List<String> second = startAndStop(Map.of());

    Path data = dir.resolve("tinycheckout-data");
    Path secretFile = data.resolve(ConsentKeys.SECRET_FILE);
    Path keyFile = data.resolve(ConsentKeys.CHECKPOINT_KEY_FILE);
    String secret = Files.readString(secretFile).strip();
    String key = Files.readString(keyFile);
    String body = key.substring(key.indexOf('\n') + 1, key.indexOf("\n-----END")).strip();
    assertThat(verifierKey(second))
        .isEqualTo(verifierKey(first))
        .startsWith("tinycheckout/consent+");
    // The process names the files by its working directory's real path.
    String secretPath = secretFile.toRealPath().toString();
    String keyPath = keyFile.toRealPath().toString();
    assertThat(first)
        .anyMatch(
            line ->
                line.endsWith(
                    "ConsentKeys - consent subject secret: new, in "
                        + secretPath
                        + " (owner-only); back it up: another secret gives every customer another subject id"))
        .anyMatch(line -> line.contains(": new, in " + keyPath + " (owner-only)"));
    assertThat(second)
        .anyMatch(line -> line.endsWith("consent subject secret: from " + secretPath))
        .anyMatch(line -> line.endsWith(": from " + keyPath))
        .noneMatch(line -> line.contains(": new, in "));
    assertThat(secret).hasSize(64);
    for (List<String> output : List.of(first, second)) {
      assertThat(output)
          .noneMatch(line -> line.contains(secret.substring(0, 16)))
          .noneMatch(line -> line.contains(body.substring(0, 16)))
          .noneMatch(line -> line.contains("WARN"));
    }
    if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
          .isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aNewSecretOverATrailWrittenUnderAnotherOneIsWarnedAbout() throws Exception {
    Run first = launch("--port", "0");
    URI uri = URI.create(first.await(READY, START_TIMEOUT).group(1));
    HttpResponse<String> order =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(uri.resolve("/checkout"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", "process-test-consent")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],"
                                + "\"email\":\"ada@example.com\",\"acceptedTerms\":\"2026-11-01\","
                                + "\"paymentToken\":\"tok_ok\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(order.statusCode()).isEqualTo(201);
    first.process().toHandle().destroy();
    assertThat(first.drain()).noneMatch(line -> line.contains("WARN"));

    Run second =
        launch(
            "--port",
            "0",
            "--data-dir",
            "other-keys",
            "--jdbc-url",
            "jdbc:h2:file:./tinycheckout-data/tinycheckout");
    second.await(READY, START_TIMEOUT);
    second.process().toHandle().destroy();

    assertThat(second.drain())
        .anyMatch(
            line ->
                line.contains(
                    " WARN Main - the subject secret is new, but the consent trail already holds"
                        + " entries up to number 1, written under another secret"));
  }

  @Test
  void aSecretFromTheEnvironmentIsUsedAndNeverPrinted() throws Exception {
    String secret = "5eC2e7".repeat(12);

    List<String> output = startAndStop(Map.of(Settings.CONSENT_SECRET_ENV, secret));

    assertThat(output)
        .anyMatch(
            line ->
                line.endsWith(
                    " INFO ConsentKeys - consent subject secret: from environment variable"
                        + " TINYCHECKOUT_CONSENT_SECRET"))
        .noneMatch(line -> line.toLowerCase(Locale.ROOT).contains("5ec2e75ec2e7"));
    assertThat(dir.resolve("tinycheckout-data").resolve(ConsentKeys.SECRET_FILE)).doesNotExist();
  }

  @Test
  void aShortSecretInTheEnvironmentExitsWithStatus2WithoutShowingItOrMakingAnything()
      throws Exception {
    String secret = "0123456789abcdef0123456789abcdef";
    Run run = launch(Map.of(Settings.CONSENT_SECRET_ENV, secret), "--port", "0");

    List<String> output = run.drain();

    assertThat(run.process().exitValue()).isEqualTo(2);
    assertThat(output)
        .containsExactly(
            "tinycheckout quickstart: environment variable TINYCHECKOUT_CONSENT_SECRET must be at"
                + " least 32 bytes as hex or base64 text, such as 'openssl rand -hex 32' prints,"
                + " but holds only 16 bytes",
            "Run with --help to see the options.");
    assertThat(dir.resolve("tinycheckout-data")).doesNotExist();
  }

  @Test
  void anUnknownFlagExitsWithStatus2() throws Exception {
    Run run = launch("--prot", "8080");

    List<String> output = run.drain();

    assertThat(run.process().exitValue()).isEqualTo(2);
    assertThat(output)
        .containsExactly(
            "tinycheckout quickstart: unknown option '--prot'",
            "Run with --help to see the options.");
  }

  @Test
  void helpPrintsTheOptionsAndExitsZero() throws Exception {
    Run run = launch("--help");

    List<String> output = run.drain();

    assertThat(run.process().exitValue()).isZero();
    assertThat(String.join("\n", output)).isEqualTo(Main.USAGE.stripTrailing());
  }
}

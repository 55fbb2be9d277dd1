package dev.tinycheckout.benchmarks.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The preferred driver: <a href="https://github.com/wg/wrk">wrk</a>, a separate process written in
 * C, with a generated Lua script per run. A scenario whose requests are all alike lets wrk build
 * the request once; the new-checkout scenario builds each request in Lua with a fresh {@code
 * Idempotency-Key}. The script's {@code done} callback prints the counts and the latency
 * percentiles in one line this class parses; {@code --latency} is passed too, so wrk's own
 * distribution is in its output.
 *
 * <p>wrk counts a status of 400 or more as an error, but cannot tell a 200 from a 304: the harness
 * checks each scenario's status with one request before running it.
 */
final class WrkDriver implements LoadDriver {
  /** Where Debian's {@code wrk} package installs it. */
  static final Path DEFAULT_BINARY = Path.of("/usr/bin/wrk");

  private static final AtomicLong RUNS = new AtomicLong();

  private final Path binary;
  private final int threads;
  private final String version;

  /**
   * A driver running the given binary.
   *
   * @param binary the wrk executable
   * @param threads wrk's threads ({@code -t}), at most the connections
   */
  WrkDriver(Path binary, int threads) {
    this.binary = binary;
    this.threads = threads;
    this.version = version(binary);
  }

  /**
   * Whether the default binary is there to run.
   *
   * @return true when {@code /usr/bin/wrk} is executable
   */
  static boolean available() {
    return Files.isExecutable(DEFAULT_BINARY);
  }

  private static String version(Path binary) {
    try {
      Process p = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      String first = out.lines().findFirst().orElse("wrk");
      int copyright = first.indexOf(" Copyright");
      return (copyright > 0 ? first.substring(0, copyright) : first).trim();
    } catch (IOException e) {
      return "wrk (version unknown)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "wrk (version unknown)";
    }
  }

  @Override
  public String name() {
    return version + ", " + threads + " thread(s), separate process";
  }

  @Override
  public LoadResult run(URI base, Scenario.RequestPlan plan, Settings settings)
      throws IOException, InterruptedException {
    long run = RUNS.incrementAndGet();
    if (!settings.warmUp().isZero()) {
      wrk(base, plan, settings.warmUp(), settings.connections(), "w" + run + "-");
    }
    Map<String, Long> figures =
        wrk(base, plan, settings.measure(), settings.connections(), "m" + run + "-");
    long requests = figure(figures, "requests");
    long statusErrors = figure(figures, "status");
    long socketErrors =
        figure(figures, "connect")
            + figure(figures, "read")
            + figure(figures, "write")
            + figure(figures, "timeout");
    Map<Integer, Long> statuses = new HashMap<>();
    return new LoadResult(
        requests - statusErrors,
        statusErrors + socketErrors,
        figure(figures, "duration_us") / 1e6,
        figure(figures, "p50_us"),
        figure(figures, "p99_us"),
        statuses);
  }

  private static long figure(Map<String, Long> figures, String name) throws IOException {
    Long value = figures.get(name);
    if (value == null) {
      throw new IOException("wrk's summary has no " + name + ": " + figures);
    }
    return value;
  }

  private Map<String, Long> wrk(
      URI base, Scenario.RequestPlan plan, Duration time, int connections, String keyTag)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("tc-wrk-", ".lua");
    try {
      Files.writeString(script, script(plan, keyTag), StandardCharsets.UTF_8);
      long seconds = Math.max(1, (time.toMillis() + 999) / 1000);
      List<String> command = new ArrayList<>();
      command.add(binary.toString());
      command.add("-t" + Math.min(threads, connections));
      command.add("-c" + connections);
      command.add("-d" + seconds + "s");
      command.add("--timeout");
      command.add("10s");
      command.add("--latency");
      command.add("-s");
      command.add(script.toString());
      command.add(base.resolve(plan.path()).toString());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("wrk did not finish: " + command);
      }
      Optional<String> line = out.lines().filter(l -> l.startsWith("TCBENCH ")).findFirst();
      if (p.exitValue() != 0 || line.isEmpty()) {
        throw new IOException("wrk failed (exit " + p.exitValue() + "): " + command + "\n" + out);
      }
      Map<String, Long> figures = new HashMap<>();
      for (String field : line.get().substring("TCBENCH ".length()).split(" ", -1)) {
        int eq = field.indexOf('=');
        if (eq < 0) {
          continue;
        }
        figures.put(field.substring(0, eq), Long.parseLong(field.substring(eq + 1)));
      }
      return figures;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /**
   * The Lua script of one wrk run.
   *
   * @param plan what to send
   * @param keyTag a tag that makes this run's fresh keys unlike any other run's
   * @return the script
   */
  static String script(Scenario.RequestPlan plan, String keyTag) {
    StringBuilder lua = new StringBuilder();
    lua.append("wrk.method = ").append(quote(plan.method())).append('\n');
    lua.append("wrk.body = ").append(quote(plan.bodyText())).append('\n');
    plan.headers()
        .forEach(
            (name, value) ->
                lua.append("wrk.headers[")
                    .append(quote(name))
                    .append("] = ")
                    .append(quote(value))
                    .append('\n'));
    if (plan.freshKeyPrefix().isPresent()) {
      String prefix = plan.freshKeyPrefix().get() + keyTag;
      lua.append(
          """
          local thread_count = 0
          function setup(thread)
            thread_count = thread_count + 1
            thread:set("tid", thread_count)
          end
          local counter = 0
          request = function()
            counter = counter + 1
            wrk.headers["Idempotency-Key"] = %s .. tid .. "-" .. counter
            return wrk.format()
          end
          """
              .formatted(quote(prefix)));
    }
    lua.append(
        """
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format(
            "TCBENCH requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\\n",
            summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
            latency:percentile(50), latency:percentile(99)))
        end
        """);
    return lua.toString();
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException("only printable ASCII in wrk scripts: " + text);
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}

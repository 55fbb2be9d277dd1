package dev.tinycheckout.examples.quickstart;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Starts the quickstart in a JVM of its own, as a user would, with the test's class path and none
 * of the quickstart's environment variables inherited, and copies its output (stdout and stderr
 * merged) line by line into a collection on a daemon thread.
 */
final class QuickstartLauncher {
  private QuickstartLauncher() {}

  /** A started process and the thread that reads its output until it ends. */
  record Launched(Process process, Thread reader) {}

  static Launched launch(Path dir, Map<String, String> env, Collection<String> sink, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    for (Settings.Option option : Settings.Option.values()) {
      builder.environment().remove(option.env);
    }
    builder.environment().remove(Settings.CONSENT_SECRET_ENV);
    builder.environment().putAll(env);
    Process process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  sink.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "quickstart-output");
    reader.setDaemon(true);
    reader.start();
    return new Launched(process, reader);
  }
}

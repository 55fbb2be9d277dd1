package dev.tinycheckout.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DispatchConfig;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A shop instance in an OS process of its own, for {@link JdbcFulfilmentTest}: runs one dispatcher
 * on a database given by JDBC URL with one hook, {@value #HOOK}, that appends {@code "deliveryId
 * attempt"} to a file for every run it finishes.
 *
 * <p>Arguments: the JDBC URL, the output file, a go file, the most seconds to run. Prints {@code
 * ready} once connected, starts dispatching when the go file exists, and exits (status 0) when the
 * backlog is empty or the time is up.
 */
final class DispatcherProcess {
  static final String HOOK = "process-hook";
  static final String READY = "ready";

  private DispatcherProcess() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path out = Path.of(args[1]);
    Path go = Path.of(args[2]);
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    try (HikariDataSource ds = new HikariDataSource(config);
        BufferedWriter lines =
            Files.newBufferedWriter(
                out,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      JdbcStorage storage = JdbcStorage.create(ds);
      FulfilmentHook hook =
          new FulfilmentHook() {
            @Override
            public String name() {
              return HOOK;
            }

            @Override
            public void handle(Delivery delivery) throws InterruptedException, IOException {
              Thread.sleep(5); // some work, so that both processes get a share
              synchronized (lines) {
                lines.write(delivery.deliveryId() + " " + delivery.attempt());
                lines.newLine();
                lines.flush();
              }
            }
          };
      FulfilmentDispatcher dispatcher =
          FulfilmentDispatcher.builder()
              .storage(storage)
              .hooks(FulfilmentHooks.of(hook))
              .config(
                  DispatchConfig.builder()
                      .batchSize(4)
                      .minPollInterval(Duration.ofMillis(10))
                      .maxPollInterval(Duration.ofMillis(100))
                      .build())
              .build();
      storage.inTransaction(tx -> tx.deliveries().backlog(java.time.Instant.now()));
      System.out.println(READY);
      System.out.flush();
      while (!Files.exists(go) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      dispatcher.start();
      while (System.nanoTime() < deadline && dispatcher.backlog().pending() > 0) {
        Thread.sleep(20);
      }
      boolean drained = dispatcher.stop(Duration.ofSeconds(5));
      System.out.println(drained ? "stopped" : "stopped with handlers still running");
    }
  }
}

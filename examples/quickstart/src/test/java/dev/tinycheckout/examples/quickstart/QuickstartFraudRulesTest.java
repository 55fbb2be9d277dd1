package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --fraud-rules} end to end: the real quickstart in this JVM on a free port, a card tester
 * on this machine's loopback address.
 */
class QuickstartFraudRulesTest {
  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<Quickstart> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(Quickstart::close);
  }

  private Quickstart start(List<String> flags, Map<String, String> env) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", "0", "--jdbc-url", "jdbc:h2:file:" + dir.resolve("shop")));
    args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    args.addAll(flags);
    Quickstart quickstart = Main.start(Settings.parse(args, env));
    started.add(quickstart);
    return quickstart;
  }

  private HttpResponse<String> checkout(
      Quickstart quickstart, String key, String email, String token)
      throws IOException, InterruptedException {
    String body =
        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],\"email\":\""
            + email
            + "\",\"acceptedTerms\":\"2026-11-01\",\"marketingOptIn\":false,\"paymentToken\":\""
            + token
            + "\"}";
    return client.send(
        HttpRequest.newBuilder(quickstart.uri().resolve("/checkout"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Twelve declined payments from one client, each for another buyer, under new keys (a key that
   * holds an answer from an earlier start is replayed, and replays are never refused); the statuses
   * in order.
   */
  private List<Integer> cardTesting(Quickstart quickstart, String run) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      statuses.add(
          checkout(quickstart, run + "-tester-" + i, "victim" + i + "@example.com", "tok_declined")
              .statusCode());
    }
    return statuses;
  }

  @Test
  void byDefaultAClientWithFiveDeclinedPaymentsGets429WithRetryAfter() throws Exception {
    Quickstart quickstart = start(List.of(), Map.of());
    HttpResponse<String> paidFirst = checkout(quickstart, "honest-1", "ann@example.com", "tok_ok");
    HttpResponse<String> paidSecond = checkout(quickstart, "honest-2", "bo@example.com", "tok_ok");

    List<Integer> statuses = cardTesting(quickstart, "a");
    HttpResponse<String> refused =
        checkout(quickstart, "tester-more", "victim@example.com", "tok_declined");
    HttpResponse<String> replay = checkout(quickstart, "honest-1", "ann@example.com", "tok_ok");

    // Successful checkouts from the same address did not count towards the limit.
    assertThat(paidFirst.statusCode()).isEqualTo(201);
    assertThat(paidSecond.statusCode()).isEqualTo(201);
    assertThat(statuses.subList(0, 5)).containsOnly(402);
    assertThat(statuses.subList(5, 12)).containsOnly(429);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(refused.body()).contains("https://tinycheckout.dev/problems/too-many-attempts");
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 3600L);
    // A stored answer is still replayed to the blocked client: a replay charges nothing.
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(quickstart.api().fraudGuard().orElseThrow().flags().totalFlags()).isPositive();
    // The block reaches the alert hook through the outbox: one digest for the rule.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (quickstart.alertLog().delivered().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(quickstart.alertLog().delivered())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.type()).isEqualTo("fraud.flagged");
              assertThat(d.summary()).contains("blocked 1 client address").doesNotContain("127.0");
            });
  }

  @Test
  void withFraudRulesOffNoCheckoutIsRefused() throws Exception {
    Quickstart quickstart = start(List.of("--fraud-rules", "off"), Map.of());

    List<Integer> statuses = cardTesting(quickstart, "a");
    HttpResponse<String> paid = checkout(quickstart, "honest", "ann@example.com", "tok_ok");

    assertThat(statuses).hasSize(12).containsOnly(402);
    assertThat(paid.statusCode()).isEqualTo(201);
  }

  @Test
  void theEnvironmentTwinTurnsTheRulesOffAndTheFlagWins() throws Exception {
    Quickstart off = start(List.of(), Map.of("TINYCHECKOUT_FRAUD_RULES", "off"));
    List<Integer> whileOff = cardTesting(off, "off");
    off.close();
    Quickstart flagWins =
        start(List.of("--fraud-rules", "default"), Map.of("TINYCHECKOUT_FRAUD_RULES", "off"));
    List<Integer> withDefault = cardTesting(flagWins, "flag");

    assertThat(whileOff).containsOnly(402);
    assertThat(withDefault.subList(5, 12)).containsOnly(429);
  }
}

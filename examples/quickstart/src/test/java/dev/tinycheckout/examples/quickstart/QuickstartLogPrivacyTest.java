package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the quickstart writes to its log, as an operator sees it: the quickstart in its own JVM, its
 * standard output and error captured line by line, while real traffic touches every path that
 * handles a customer's data.
 */
class QuickstartLogPrivacyTest {
  private static final Pattern READY =
      Pattern.compile("tinycheckout quickstart ready at (http://localhost:\\d+/)");
  private static final Pattern ORDER_ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
  private static final Pattern ORDER_FIELD = Pattern.compile("order=([0-9a-f-]{36})");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final String ADMIN_TOKEN = "log-privacy-admin-token";

  private static final String PAID_EMAIL = "lena.paidbuyer@example.org";
  private static final String DECLINED_EMAIL = "omar.declinedbuyer@example.org";
  private static final String UNAVAILABLE_EMAIL = "ines.unavailablebuyer@example.org";
  private static final String MALFORMED_EMAIL = "mal.formedbuyer@example.org";
  private static final String INVALID_EMAIL = "broken@@invalidbuyer.example.org";
  private static final String NAME = "Lena Privatsphaere";

  @TempDir Path dir;

  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final List<Process> processes = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process launch(String... args) throws IOException {
    QuickstartLauncher.Launched launched = QuickstartLauncher.launch(dir, Map.of(), lines, args);
    processes.add(launched.process());
    readers.add(launched.reader());
    return launched.process();
  }

  private URI awaitReady(Process process) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      synchronized (lines) {
        for (String line : lines) {
          Matcher m = READY.matcher(line);
          if (m.find()) {
            return URI.create(m.group(1));
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the quickstart logged no ready line: " + snapshot());
  }

  private List<String> snapshot() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  private static String orderId(HttpResponse<String> order) {
    Matcher m = ORDER_ID.matcher(order.body());
    assertThat(m.find()).as("order id in %s", order.body()).isTrue();
    return m.group(1);
  }

  private static String key(String what) {
    return "privacy-" + what + "-" + UUID.randomUUID();
  }

  @Test
  void theLogNamesEveryOutcomeButNoCustomerTokenOrIdempotencyKey() throws Exception {
    Process process =
        launch(
            "--port",
            "0",
            "--data-dir",
            dir.resolve("data").toString(),
            "--admin-token",
            ADMIN_TOKEN);
    ShopClient shop = new ShopClient(awaitReady(process));
    String paidKey = key("paid");
    String declinedKey = key("declined");
    String unavailableKey = key("unavailable");
    String withdrawalKey = key("withdrawal");
    String malformedKey = key("malformed");
    String invalidKey = key("invalid");

    HttpResponse<String> paid = shop.checkout(paidKey, PAID_EMAIL, "tok_ok");
    String orderId = orderId(paid);
    HttpResponse<String> declined = shop.checkout(declinedKey, DECLINED_EMAIL, "tok_declined");
    HttpResponse<String> unavailable =
        shop.checkout(unavailableKey, UNAVAILABLE_EMAIL, "tok_unavailable");
    HttpResponse<String> withdrawn =
        shop.post(
            "/orders/" + orderId + "/withdrawal",
            withdrawalKey,
            "{\"email\":\"" + PAID_EMAIL + "\",\"name\":\"" + NAME + "\"}");
    HttpResponse<String> malformed =
        shop.post(
            "/checkout",
            malformedKey,
            "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":1}],\"email\":\""
                + MALFORMED_EMAIL
                + "\",\"paymentToken\":\"tok_ok\"");
    HttpResponse<String> invalid = shop.checkout(invalidKey, INVALID_EMAIL, "tok_ok");
    HttpResponse<String> consents =
        shop.get(
            "/admin/consents?email=" + URLEncoder.encode(PAID_EMAIL, StandardCharsets.UTF_8),
            "Authorization",
            "Bearer " + ADMIN_TOKEN);
    // The withdrawal's confirmation carries the email and name to its hook: wait until the hook
    // has run, so that its log line (if any) is in the output.
    ShopClient.awaitUpTo(
        Duration.ofSeconds(30),
        () -> snapshot().stream().anyMatch(l -> l.contains("fulfilment: order.withdrawn")));
    process.toHandle().destroy(); // SIGTERM: the quickstart flushes and stops
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    readers.get(0).join(10_000); // the reader hands over the last lines, then sees the end
    List<String> log = snapshot();

    assertThat(paid.statusCode()).isEqualTo(201);
    assertThat(declined.statusCode()).isEqualTo(402);
    assertThat(unavailable.statusCode()).isEqualTo(503);
    assertThat(withdrawn.statusCode()).isEqualTo(200);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(consents.statusCode()).isEqualTo(200);
    assertThat(consents.body()).contains("\"action\":\"GRANTED\"");
    assertThat(log).anyMatch(l -> l.contains("Quickstart - stopped"));

    // Each outcome is there, so the log is useful.
    assertThat(log)
        .anyMatch(l -> l.contains("checkout outcome=paid"))
        .anyMatch(l -> l.contains("checkout outcome=declined"))
        .anyMatch(l -> l.contains("checkout outcome=payment_unavailable"))
        .anyMatch(l -> l.contains("withdrawal"))
        .anyMatch(l -> l.contains("fulfilment: order.placed for order " + orderId))
        .anyMatch(l -> l.contains("fulfilment: order.withdrawn for order " + orderId));
    // Where the outcome line names an order, it is the one that was paid.
    for (String line : log) {
      Matcher named = ORDER_FIELD.matcher(line);
      if (line.contains("checkout outcome=paid") && named.find()) {
        assertThat(named.group(1)).as(line).isEqualTo(orderId);
      }
    }

    // None of the customer's data is.
    List<String> secrets =
        List.of(
            PAID_EMAIL,
            DECLINED_EMAIL,
            UNAVAILABLE_EMAIL,
            MALFORMED_EMAIL,
            INVALID_EMAIL,
            "paidbuyer",
            "declinedbuyer",
            "unavailablebuyer",
            "formedbuyer",
            "invalidbuyer",
            NAME,
            "Privatsphaere",
            "tok_",
            paidKey,
            declinedKey,
            unavailableKey,
            withdrawalKey,
            malformedKey,
            invalidKey,
            ADMIN_TOKEN);
    for (String line : log) {
      String lower = line.toLowerCase(Locale.ROOT);
      for (String secret : secrets) {
        assertThat(lower).as("a log line").doesNotContain(secret.toLowerCase(Locale.ROOT));
      }
    }
  }
}

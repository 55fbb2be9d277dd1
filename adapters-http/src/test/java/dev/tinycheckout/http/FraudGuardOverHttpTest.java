package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.FraudRule;
import dev.tinycheckout.http.fraud.FraudRules;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The card-testing guard wired into {@code POST /checkout}, over real sockets on the JDK mount: a
 * simulated card-testing attack from a few addresses among honest buyers who share one address.
 */
class FraudGuardOverHttpTest {
  private static final String SKU = "widget";
  private static final String TERMS = "v1";
  private static final int ATTACKERS = 3;
  private static final int ATTEMPTS_PER_ATTACKER = 200;
  private static final int HONEST_BUYERS = 150;
  private static final String HONEST_NAT = "203.0.113.10";

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final MutableClock guardClock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private JdkHttpMount.Running server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  /** Approves tokens that start with {@code tok_ok}; declines every other token. */
  private static final class CardGateway implements PaymentGateway {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public PaymentResult charge(PaymentRequest request) {
      calls.incrementAndGet();
      return request.paymentToken().startsWith("tok_ok")
          ? new PaymentResult.Approved("pay_" + UUID.randomUUID())
          : new PaymentResult.Declined("card_declined");
    }
  }

  private final CardGateway gateway = new CardGateway();

  private URI start(Optional<FraudGuard> guard, int trustedProxies) throws IOException {
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of(SKU),
                    "Widget",
                    Money.parse("1.00", "USD"),
                    1_000_000,
                    Instant.parse("2026-11-25T00:00:00Z")));
    CheckoutApi.Builder builder =
        CheckoutApi.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(TERMS, "Terms of sale.")
            .trustedProxies(trustedProxies);
    guard.ifPresent(builder::fraudGuard);
    server =
        JdkHttpMount.builder()
            .handler(builder.build())
            .address(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
            .virtualThreads(false)
            .threads(8)
            .build()
            .start();
    return URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  private FraudGuard defaultGuard() {
    return FraudGuard.builder().rules(FraudRules.ofDefaults()).clock(guardClock).build();
  }

  private static String order(String email, String token) {
    return "{\"items\":[{\"sku\":\""
        + SKU
        + "\",\"quantity\":1}],\"email\":\""
        + email
        + "\",\"acceptedTerms\":\""
        + TERMS
        + "\",\"paymentToken\":\""
        + token
        + "\"}";
  }

  private HttpResponse<String> checkout(URI base, String forwardedFor, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("checkout"))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!forwardedFor.isEmpty()) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What one client saw: every status in order, and the keys of its refused requests. */
  private record Seen(
      List<Integer> statuses, List<String> refusedKeys, List<String> refusedBodies) {
    long count(int status) {
      return statuses.stream().filter(s -> s == status).count();
    }
  }

  private Callable<Seen> attacker(URI base, int n) {
    return () -> {
      String address = "198.51.100." + (n + 1);
      List<Integer> statuses = new ArrayList<>();
      List<String> refusedKeys = new ArrayList<>();
      List<String> refusedBodies = new ArrayList<>();
      for (int i = 0; i < ATTEMPTS_PER_ATTACKER; i++) {
        String key = "attack-" + n + "-" + i;
        String body = order("victim" + n + "." + i + "@example.com", "tok_stolen_" + n + "_" + i);
        // The attacker's own X-Forwarded-For claims are left of what the trusted proxy appended.
        HttpResponse<String> r = checkout(base, "10.9.8." + i + ", " + address, key, body);
        statuses.add(r.statusCode());
        if (r.statusCode() == 429) {
          assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
          assertThat(r.body())
              .contains("\"type\":\"https://tinycheckout.dev/problems/too-many-attempts\"")
              .contains("\"status\":429");
          long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
          assertThat(retryAfter).isBetween(1L, Duration.ofHours(1).toSeconds());
          assertThat(r.headers().firstValue("Idempotent-Replayed")).contains("false");
          refusedKeys.add(key);
          refusedBodies.add(body);
        }
      }
      return new Seen(statuses, refusedKeys, refusedBodies);
    };
  }

  private Callable<Seen> honestBuyers(URI base) {
    return () -> {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < HONEST_BUYERS; i++) {
        HttpResponse<String> r =
            checkout(
                base,
                HONEST_NAT,
                "buyer-" + i,
                order("buyer" + i + "@example.com", "tok_ok_card_" + i));
        statuses.add(r.statusCode());
      }
      return new Seen(statuses, List.of(), List.of());
    };
  }

  private List<Seen> attack(URI base) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(ATTACKERS + 1);
    try {
      List<Future<Seen>> futures = new ArrayList<>();
      for (int n = 0; n < ATTACKERS; n++) {
        futures.add(pool.submit(attacker(base, n)));
      }
      futures.add(pool.submit(honestBuyers(base)));
      List<Seen> seen = new ArrayList<>();
      for (Future<Seen> f : futures) {
        seen.add(f.get());
      }
      return seen;
    } finally {
      pool.shutdownNow();
    }
  }

  private Optional<IdempotencyRecord> stored(String key) {
    return storage.inTransaction(
        tx -> tx.idempotency().find(IdempotencyKeyField.parse(List.of(key))));
  }

  @Test
  void cardTestersAreRefusedWith429WhileHonestBuyersBehindOneAddressAllPay() throws Exception {
    FraudGuard guard = defaultGuard();
    URI base = start(Optional.of(guard), 1);

    List<Seen> seen = attack(base);

    long charged = 0;
    for (int n = 0; n < ATTACKERS; n++) {
      List<Integer> statuses = seen.get(n).statuses();
      int declined = statuses.indexOf(429);
      // Five distinct tokens (and five declines) from one address reach the limit, three while a
      // site-wide decline spike halves the limits; every later attempt is refused before the
      // payment provider is called.
      assertThat(declined).as("attacker %s: %s", n, statuses).isBetween(3, 5);
      assertThat(statuses.subList(0, declined)).as("attacker %s", n).containsOnly(402);
      assertThat(statuses.subList(declined, ATTEMPTS_PER_ATTACKER))
          .as("attacker %s", n)
          .containsOnly(429);
      charged += declined;
    }
    Seen honest = seen.get(ATTACKERS);
    assertThat(honest.statuses()).hasSize(HONEST_BUYERS).containsOnly(201);
    assertThat(gateway.calls.get()).isEqualTo(charged + HONEST_BUYERS);
    assertThat(guard.flags().totalRefusals())
        .isEqualTo(ATTACKERS * ATTEMPTS_PER_ATTACKER - charged);
    for (int n = 0; n < ATTACKERS; n++) {
      for (String key : seen.get(n).refusedKeys()) {
        assertThat(stored(key)).as(key).isEmpty();
      }
    }
  }

  @Test
  void aRefusedRequestMayBeSentAgainWithTheSameKeyOnceTheBlockIsOver() throws Exception {
    URI base = start(Optional.of(defaultGuard()), 1);
    Seen attacker = attacker(base, 0).call();
    String key = attacker.refusedKeys().get(0);
    String body = attacker.refusedBodies().get(0);

    HttpResponse<String> stillBlocked = checkout(base, "198.51.100.1", key, body);
    guardClock.advance(Duration.ofHours(1).plusSeconds(1));
    HttpResponse<String> afterTheBlock = checkout(base, "198.51.100.1", key, body);

    assertThat(stillBlocked.statusCode()).isEqualTo(429);
    // Not a replay and not a reused key: the refusals stored nothing, so the request runs now.
    assertThat(afterTheBlock.statusCode()).as(afterTheBlock.body()).isEqualTo(402);
    assertThat(afterTheBlock.headers().firstValue("Idempotent-Replayed")).contains("false");
  }

  @Test
  void aBlockedClientStillGetsTheStoredAnswerToAnEarlierCheckoutReplayed() throws Exception {
    URI base = start(Optional.of(defaultGuard()), 1);
    String address = "192.0.2.44";
    String paid = order("ann@example.com", "tok_ok_ann");
    HttpResponse<String> first = checkout(base, address, "ann-1", paid);
    for (int i = 0; i < 5; i++) {
      checkout(base, address, "ann-declined-" + i, order("ann@example.com", "tok_bad_" + i));
    }

    HttpResponse<String> fresh = checkout(base, address, "ann-2", order("ann@example.com", "x"));
    HttpResponse<String> replay = checkout(base, address, "ann-1", paid);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(fresh.statusCode()).isEqualTo(429);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(replay.body()).isEqualTo(first.body());
    assertThat(replay.headers().firstValue("Location"))
        .isEqualTo(first.headers().firstValue("Location"));
  }

  @Test
  void malformedAndInvalidBodiesAreNotCountedAsAttempts() throws Exception {
    FraudGuard guard = defaultGuard();
    URI base = start(Optional.of(guard), 1);
    String address = "192.0.2.50";
    for (int i = 0; i < 20; i++) {
      assertThat(checkout(base, address, "bad-" + i, "{not json").statusCode()).isEqualTo(400);
      assertThat(
              checkout(base, address, "bad-email-" + i, order("not-an-email", "tok_bad_" + i))
                  .statusCode())
          .isEqualTo(422);
    }

    HttpResponse<String> honest = checkout(base, address, "good", order("b@example.com", "tok_ok"));

    assertThat(honest.statusCode()).isEqualTo(201);
    assertThat(guard.flags().refused(FraudRule.DISTINCT_TOKENS_PER_IP)).isZero();
    assertThat(guard.trackedKeys()).isLessThanOrEqualTo(2);
  }

  @Test
  void withFraudRulesOffNoCheckoutIsEverRefused() throws Exception {
    FraudGuard off = FraudGuard.builder().rules(FraudRules.off()).clock(guardClock).build();
    URI base = start(Optional.of(off), 1);

    List<Seen> seen = attack(base);

    for (Seen s : seen) {
      assertThat(s.count(429)).isZero();
    }
    for (int n = 0; n < ATTACKERS; n++) {
      assertThat(seen.get(n).statuses()).containsOnly(402);
    }
    assertThat(seen.get(ATTACKERS).statuses()).containsOnly(201);
    assertThat(gateway.calls).hasValue(ATTACKERS * ATTEMPTS_PER_ATTACKER + HONEST_BUYERS);
  }

  @Test
  void withoutAGuardNoCheckoutIsEverRefused() throws Exception {
    URI base = start(Optional.empty(), 0);

    Seen attacker = attacker(base, 0).call();

    assertThat(attacker.statuses()).hasSize(ATTEMPTS_PER_ATTACKER).containsOnly(402);
  }

  @Test
  void withoutTrustedProxiesTheForwardedForHeaderIsIgnoredAndThePeerAddressCounts()
      throws Exception {
    FraudGuard guard = defaultGuard();
    URI base = start(Optional.of(guard), 0);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // A new claimed address each time: it would escape a guard that trusted the header.
      statuses.add(
          checkout(base, "198.51.100." + i, "spoof-" + i, order("s@example.com", "tok_x" + i))
              .statusCode());
    }

    assertThat(statuses.subList(0, 5)).containsOnly(402);
    assertThat(statuses.subList(5, 10)).containsOnly(429);
  }

  /**
   * Linux routes all of 127.0.0.0/8 to the loopback interface, so a client socket bound to
   * 127.0.0.2 is another peer address to the server than one from 127.0.0.1.
   */
  @Test
  void thePeerAddressOfTheConnectionIsWhatTheGuardCountsByDefault() throws Exception {
    URI base = start(Optional.of(defaultGuard()), 0);
    InetAddress attackerAddress = InetAddress.getByName("127.0.0.2");
    List<Integer> attackerStatuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      attackerStatuses.add(
          rawCheckout(
              attackerAddress,
              server.port(),
              "loop-" + i,
              order("m" + i + "@example.com", "tok_stolen_" + i)));
    }

    HttpResponse<String> neighbour =
        checkout(base, "", "neighbour", order("n@example.com", "tok_ok"));

    assertThat(attackerStatuses.subList(0, 5)).containsOnly(402);
    assertThat(attackerStatuses.subList(5, 8)).containsOnly(429);
    assertThat(neighbour.statusCode()).isEqualTo(201);
  }

  /** One checkout over a socket bound to a local address; answers the status code. */
  private static int rawCheckout(InetAddress local, int port, String key, String body)
      throws IOException {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(local, 0));
      socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Idempotency-Key: "
              + key
              + "\r\nContent-Length: "
              + payload.length
              + "\r\nConnection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(payload);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 ");
      return Integer.parseInt(response.substring(9, 12));
    }
  }

  @Test
  void onlyTheConfiguredNumberOfProxiesIsTrustedInForwardedFor() {
    RequestHeaders headers =
        RequestHeaders.of(
            Map.of("X-Forwarded-For", List.of("1.1.1.1, 2.2.2.2", "3.3.3.3 , 4.4.4.4")));

    assertThat(CheckoutApi.forwardedFor(headers, 1)).contains("4.4.4.4");
    assertThat(CheckoutApi.forwardedFor(headers, 2)).contains("3.3.3.3");
    assertThat(CheckoutApi.forwardedFor(headers, 9)).contains("1.1.1.1");
    assertThat(CheckoutApi.forwardedFor(RequestHeaders.of(Map.of()), 1)).isEmpty();
    assertThat(
            CheckoutApi.forwardedFor(
                RequestHeaders.of(Map.of("X-Forwarded-For", List.of("a b{}"))), 1))
        .isEmpty();
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.CheckpointVerifier;
import dev.tinycheckout.consent.SignedCheckpoint;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.order.Email;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real quickstart, started in this JVM on a free port over a temporary H2 file database. */
class QuickstartEndToEndTest {
  private static final Pattern ORDER_ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");
  private static final Pattern STOCK = Pattern.compile("\"stock\":(\\d+)");
  private static final String ADMIN_TOKEN = "quickstart-admin-token-for-tests";

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

  private Quickstart start(String... extraArgs) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", "0", "--jdbc-url", "jdbc:h2:file:" + dir.resolve("shop")));
    if (!List.of(extraArgs).contains("--data-dir")) {
      args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    }
    args.addAll(List.of(extraArgs));
    Quickstart quickstart = Main.start(Settings.parse(args, Map.of()));
    started.add(quickstart);
    return quickstart;
  }

  private HttpResponse<String> get(Quickstart quickstart, String rawPath, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + quickstart.port() + rawPath))
            .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> checkout(Quickstart quickstart, String key, String token)
      throws IOException, InterruptedException {
    String body =
        "{\"items\":[{\"sku\":\"one-dollar-item\",\"quantity\":2}],\"email\":\"ada@example.com\","
            + "\"acceptedTerms\":\"2026-11-01\",\"marketingOptIn\":false,\"paymentToken\":\""
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

  private static long stock(HttpResponse<String> product) {
    Matcher m = STOCK.matcher(product.body());
    assertThat(m.find()).as("stock in %s", product.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void aPaidOrderReachesTheFulfilmentHookAfterItsCommit() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> placed = checkout(quickstart, "fulfil-1", "tok_ok");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (quickstart.fulfilmentLog().handled() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.sleep(5);
    }

    assertThat(placed.statusCode()).isEqualTo(201);
    assertThat(quickstart.fulfilmentLog().handled()).isEqualTo(1);
    long pendingDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (quickstart.dispatcher().backlog().pending() > 0 && System.nanoTime() < pendingDeadline) {
      Thread.sleep(5);
    }
    assertThat(quickstart.dispatcher().backlog().pending()).isZero();
    assertThat(quickstart.dispatcher().backlog().dead()).isZero();
  }

  @Test
  void theRootIsTheStorefrontPage() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> page = get(quickstart, "/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(page.body())
        .contains(
            "<button id=\"order-button\" type=\"submit\">Order with obligation to pay</button>")
        .contains("Withdraw from contract here")
        .contains("src=\"/assets/app.js\"");
  }

  @Test
  void thePageAnswers304ToItsOwnEntityTag() throws Exception {
    Quickstart quickstart = start();
    String etag = get(quickstart, "/").headers().firstValue("ETag").orElseThrow();

    HttpResponse<String> again = get(quickstart, "/", "If-None-Match", etag);

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(again.headers().firstValue("ETag")).hasValue(etag);
    assertThat(again.headers().firstValue("Cache-Control")).hasValue("no-cache");
  }

  @Test
  void theAssetsAreServedWithTheirMediaTypeAndCachingHeaders() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> script = get(quickstart, "/assets/app.js");
    HttpResponse<String> style = get(quickstart, "/assets/style.css");
    HttpResponse<String> icon = get(quickstart, "/assets/favicon.svg");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValue("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("crypto.randomUUID()").contains("'Idempotency-Key': key");
    assertThat(style.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    assertThat(icon.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
    for (HttpResponse<String> asset : List.of(script, style, icon)) {
      assertThat(asset.headers().firstValue("ETag"))
          .hasValueSatisfying(t -> assertThat(t).matches("\"[A-Za-z0-9_-]{22}\""));
      assertThat(asset.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
      assertThat(asset.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
  }

  @Test
  void aHeadOfAnAssetHasItsHeadersAndNoBody() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(quickstart.uri().resolve("/assets/style.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("ETag")).isPresent();
    assertThat(head.body()).isEmpty();
  }

  @Test
  void pathsThatClimbOutOfTheAssetsOrNameNoAssetAreRefused() throws Exception {
    Quickstart quickstart = start();
    List<String> attempts =
        List.of(
            "/assets/../index.html",
            "/assets/%2e%2e/index.html",
            "/assets/..%2findex.html",
            "/assets/%2e%2e%2f%2e%2e%2fterms.txt",
            "/assets/../../dev/tinycheckout/examples/quickstart/terms.txt",
            "/assets/..%5c..%5cMain.class",
            "/assets/app.js/..",
            "/assets/APP.JS",
            "/assets/",
            "/assets/index.html",
            "/assets/simplelogger.properties");

    for (String path : attempts) {
      HttpResponse<String> answer = get(quickstart, path);

      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.headers().firstValue("Content-Type"))
          .as(path)
          .hasValue("application/problem+json");
      assertThat(answer.body()).as(path).contains("not-found").doesNotContain("Terms and");
    }
  }

  @Test
  void thePageAndAssetsAreReadOnly() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> post =
        client.send(
            HttpRequest.newBuilder(quickstart.uri().resolve("/assets/app.js"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void everythingElseIsTheCheckoutApi() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> product = get(quickstart, "/products/one-dollar-item");
    HttpResponse<String> terms = get(quickstart, "/terms");
    HttpResponse<String> unknown = get(quickstart, "/nowhere");

    assertThat(product.statusCode()).isEqualTo(200);
    assertThat(product.body())
        .isEqualTo(
            "{\"sku\":\"one-dollar-item\",\"name\":\"The One Dollar Item\","
                + "\"price\":{\"amount\":100,\"currency\":\"USD\"},\"stock\":1000000}");
    assertThat(terms.statusCode()).isEqualTo(200);
    assertThat(terms.body()).startsWith("{\"version\":\"2026-11-01\",\"text\":\"Terms and");
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void theTermsVersionFlagChoosesTheVersionACheckoutMustAccept() throws Exception {
    Quickstart quickstart = start("--terms-version", "2027-01");

    assertThat(get(quickstart, "/terms").body()).startsWith("{\"version\":\"2027-01\"");
    assertThat(checkout(quickstart, "old-terms", "tok_ok").statusCode()).isEqualTo(422);
  }

  @Test
  void aCheckoutWithTheApprovingTokenPlacesAPaidOrderAndTakesStock() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> placed = checkout(quickstart, "k-" + UUID.randomUUID(), "tok_ok");

    assertThat(placed.statusCode()).isEqualTo(201);
    assertThat(placed.body()).contains("\"status\":\"PAID\"");
    assertThat(placed.headers().firstValue("Location"))
        .hasValueSatisfying(l -> assertThat(l).startsWith("/orders/"));
    assertThat(stock(get(quickstart, "/products/one-dollar-item"))).isEqualTo(999_998);
  }

  @Test
  void aDeclinedPaymentPlacesNoOrder() throws Exception {
    Quickstart quickstart = start();

    HttpResponse<String> declined = checkout(quickstart, "declined-1", "tok_declined");

    assertThat(declined.statusCode()).isEqualTo(402);
    assertThat(declined.body()).contains("payment-declined");
    assertThat(stock(get(quickstart, "/products/one-dollar-item"))).isEqualTo(1_000_000);
  }

  @Test
  void aRestartOnTheSameDataKeepsTheOrderAndTheStock() throws Exception {
    Quickstart first = start();
    HttpResponse<String> placed = checkout(first, "before-restart", "tok_ok");
    Matcher id = ORDER_ID.matcher(placed.body());
    assertThat(id.find()).isTrue();
    first.close();

    Quickstart second = start();
    HttpResponse<String> order = get(second, "/orders/" + id.group(1));
    HttpResponse<String> replay = checkout(second, "before-restart", "tok_ok");

    assertThat(order.statusCode()).isEqualTo(200);
    assertThat(order.body()).contains("\"status\":\"PAID\"").contains(id.group(1));
    assertThat(stock(get(second, "/products/one-dollar-item"))).isEqualTo(999_998);
    assertThat(replay.statusCode()).isEqualTo(201);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(replay.body()).isEqualTo(placed.body());
  }

  @Test
  void aCatalogFileAddsProductsAndARestartKeepsTheirStockButTakesANewPrice() throws Exception {
    Path catalog = dir.resolve("catalog.json");
    Files.writeString(
        catalog,
        "[{\"sku\":\"mug\",\"name\":\"A Mug\",\"price\":{\"amount\":1250,\"currency\":\"EUR\"},"
            + "\"stock\":40}]");
    Quickstart first = start("--catalog", catalog.toString());
    String buyMug =
        "{\"items\":[{\"sku\":\"mug\",\"quantity\":3}],\"email\":\"ada@example.com\","
            + "\"acceptedTerms\":\"2026-11-01\",\"paymentToken\":\"tok_ok\"}";
    HttpResponse<String> bought =
        client.send(
            HttpRequest.newBuilder(first.uri().resolve("/checkout"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "mug-1")
                .POST(HttpRequest.BodyPublishers.ofString(buyMug))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bought.statusCode()).isEqualTo(201);
    assertThat(get(first, "/products/one-dollar-item").statusCode()).isEqualTo(404);
    first.close();

    Files.writeString(
        catalog,
        "[{\"sku\":\"mug\",\"name\":\"A Big Mug\",\"price\":{\"amount\":1500,\"currency\":\"EUR\"},"
            + "\"stock\":40}]");
    Quickstart second = start("--catalog", catalog.toString());

    assertThat(get(second, "/products/mug").body())
        .isEqualTo(
            "{\"sku\":\"mug\",\"name\":\"A Big Mug\","
                + "\"price\":{\"amount\":1500,\"currency\":\"EUR\"},\"stock\":37}");
  }

  @Test
  void theBuiltInProductIsCreatedOnceAndNotResetByARestart() throws Exception {
    Quickstart first = start();
    assertThat(checkout(first, "once", "tok_ok").statusCode()).isEqualTo(201);
    first.close();

    Quickstart second = start();

    assertThat(stock(get(second, "/products/one-dollar-item"))).isEqualTo(999_998);
  }

  private HttpResponse<String> consents(Quickstart quickstart, String email)
      throws IOException, InterruptedException {
    return get(
        quickstart,
        "/admin/consents?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8),
        "Authorization",
        "Bearer " + ADMIN_TOKEN);
  }

  @Test
  void aRestartOnTheSameDataDirectoryFindsACustomersConsentAndSignsWithTheSameKey()
      throws Exception {
    Quickstart first = start("--admin-token", ADMIN_TOKEN);
    assertThat(checkout(first, "consent-1", "tok_ok").statusCode()).isEqualTo(201);
    HttpResponse<String> before = consents(first, "ada@example.com");
    SubjectId subjectBefore =
        first.api().checkout().consentAudit().subjectId(Email.of("ada@example.com"));
    String verifierKey = first.checkpointVerifierKey();
    first.close();

    Quickstart second = start("--admin-token", ADMIN_TOKEN);
    HttpResponse<String> after = consents(second, "Ada@Example.com");
    SignedCheckpoint checkpoint = second.api().checkout().consentAudit().checkpoint();

    assertThat(before.statusCode()).isEqualTo(200);
    assertThat(before.body()).contains("\"sequence\":1,").contains("\"action\":\"GRANTED\"");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(before.body());
    assertThat(second.api().checkout().consentAudit().subjectId(Email.of("ada@example.com")))
        .isEqualTo(subjectBefore);
    assertThat(second.checkpointVerifierKey()).isEqualTo(verifierKey);
    assertThat(CheckpointVerifier.fromVerifierKey(verifierKey).verify(checkpoint).treeSize())
        .isEqualTo(1);
  }

  @Test
  void anotherDataDirectoryHasAnotherSecretAndFindsNoneOfTheEarlierConsents() throws Exception {
    Quickstart first = start("--admin-token", ADMIN_TOKEN);
    assertThat(checkout(first, "consent-2", "tok_ok").statusCode()).isEqualTo(201);
    assertThat(consents(first, "ada@example.com").body()).contains("\"sequence\":1,");
    String verifierKey = first.checkpointVerifierKey();
    first.close();

    Quickstart elsewhere =
        start("--admin-token", ADMIN_TOKEN, "--data-dir", dir.resolve("other").toString());

    assertThat(consents(elsewhere, "ada@example.com").body()).isEqualTo("{\"records\":[]}");
    assertThat(elsewhere.checkpointVerifierKey()).isNotEqualTo(verifierKey);
  }

  @Test
  void aBusyPortIsReportedBeforeAnythingListens() {
    Quickstart first = start();

    assertThatThrownBy(
            () ->
                Main.start(
                    Settings.parse(
                        List.of(
                            "--port",
                            String.valueOf(first.port()),
                            "--jdbc-url",
                            "jdbc:h2:mem:busy-port",
                            "--data-dir",
                            dir.resolve("data").toString()),
                        Map.of())))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("port " + first.port() + " is in use");
  }

  @Test
  void healthReportsTheFulfilmentBacklogAndNoAlertsWhileAllIsWell() throws Exception {
    Quickstart quickstart = start();
    assertThat(checkout(quickstart, "health-1", "tok_ok").statusCode()).isEqualTo(201);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (quickstart.dispatcher().backlog().pending() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    HttpResponse<String> health = get(quickstart, "/health");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
    assertThat(health.body())
        .startsWith("{\"status\":\"UP\",")
        .contains("\"outbox\":{\"pending\":0,\"dead\":0,\"oldestPendingAgeSeconds\":0}")
        .contains("\"alerts\":[]");
  }

  @Test
  void afterAStopNothingListens() throws Exception {
    Quickstart quickstart = start();
    HttpResponse<String> before = get(quickstart, "/health");
    assertThat(before.statusCode()).isEqualTo(200);

    quickstart.stop(Duration.ofSeconds(5));

    assertThatThrownBy(() -> get(quickstart, "/health")).isInstanceOf(IOException.class);
  }
}

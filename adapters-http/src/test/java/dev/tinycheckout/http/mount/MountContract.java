package dev.tinycheckout.http.mount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.ApiResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every server mount does with the bytes on the wire, checked over real sockets against the
 * {@link EchoHandler}. A mount's test extends this class and starts its server in {@link #mount}.
 */
public abstract class MountContract {

  /** A running server; {@link #base()} is where the API's root path {@code /} is served. */
  protected interface Mounted extends AutoCloseable {
    URI base();

    @Override
    void close() throws Exception;
  }

  /**
   * Starts the mount's server on a free loopback port, serving the handler under the prefix.
   *
   * @param handler the API
   * @param prefix {@code ""} for the root, or {@code /shop/api}
   */
  protected abstract Mounted mount(ApiHandler handler, String prefix) throws Exception;

  protected final EchoHandler echo = new EchoHandler();
  protected final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  protected Mounted server;

  @BeforeEach
  void startAtTheRoot() throws Exception {
    server = mount(echo, "");
  }

  @AfterEach
  void stop() throws Exception {
    echo.release();
    server.close();
  }

  protected HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The raw path of a route under the server's base, such as {@code /shop/api/echo}. */
  protected String target(String route) {
    return server.base().getRawPath() + route;
  }

  @Test
  void theMethodPathQueryAndRepeatedHeaderFieldsArriveAsSent() throws IOException {
    try (RawHttp http = RawHttp.connect(server.base())) {
      RawHttp.Response response =
          http.send(
                  "PATCH "
                      + target("items/7?a=1&b=%20x")
                      + " HTTP/1.1\r\nHost: localhost\r\nX-Multi: one\r\nX-Multi: two\r\n"
                      + "X-Test: v\r\nContent-Length: 0\r\n\r\n")
              .read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.text()).isEqualTo("PATCH /items/7?a=1&b=%20x");
    }
    EchoHandler.Seen seen = echo.seen("/items/7").get(0);
    assertThat(seen.method()).isEqualTo("PATCH");
    assertThat(seen.query()).contains("a=1&b=%20x");
    assertThat(seen.headers().get("X-Multi")).containsExactly("one", "two");
    assertThat(seen.headers().get("X-Test")).containsExactly("v");
  }

  @Test
  void headerFieldNamesAreFoundInAnyCase() throws IOException, InterruptedException {
    client.send(
        HttpRequest.newBuilder(server.base().resolve("case")).header("x-test", "lower").build(),
        HttpResponse.BodyHandlers.discarding());

    assertThat(echo.seen("/case").get(0).headers().get("X-Test")).containsExactly("lower");
  }

  @Test
  void aRequestWithoutAQueryHasNone() throws IOException, InterruptedException {
    assertThat(get(server.base().resolve("plain")).statusCode()).isEqualTo(200);

    assertThat(echo.seen("/plain").get(0).query()).isEmpty();
  }

  @Test
  void aPercentEncodedPathReachesTheHandlerStillEncoded() throws IOException, InterruptedException {
    HttpResponse<String> response = get(server.base().resolve("products/caf%C3%A9%20noir"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(echo.seen().get(0).path()).isEqualTo("/products/caf%C3%A9%20noir");
  }

  @Test
  void underAPrefixTheHandlerSeesThePathWithoutIt() throws Exception {
    EchoHandler prefixed = new EchoHandler();
    try (Mounted shop = mount(prefixed, "/shop/api")) {
      URI root = shop.base().resolve("/");

      HttpResponse<String> product = get(root.resolve("/shop/api/products/p1?x=1"));
      HttpResponse<String> bare = get(root.resolve("/shop/api"));
      HttpResponse<String> outside = get(root.resolve("/shop/other"));

      assertThat(shop.base().getRawPath()).isEqualTo("/shop/api/");
      assertThat(product.statusCode()).isEqualTo(200);
      assertThat(product.body()).isEqualTo("GET /products/p1?x=1");
      assertThat(bare.body()).isEqualTo("GET /");
      assertThat(outside.statusCode()).isEqualTo(404);
      assertThat(prefixed.seen())
          .extracting(EchoHandler.Seen::path)
          .containsExactly("/products/p1", "/");
    }
  }

  @Test
  void underAPrefixALocationToTheApisOwnPathCarriesThePrefix() throws Exception {
    ApiHandler created =
        request ->
            new ApiResponse(
                201,
                java.util.Map.of("Location", "/orders/o-1", "Content-Location", "/orders/o-1"),
                new byte[0]);
    try (Mounted shop = mount(created, "/shop/api");
        Mounted root = mount(created, "")) {
      HttpResponse<String> prefixed = get(shop.base().resolve("checkout"));
      HttpResponse<String> plain = get(root.base().resolve("checkout"));

      assertThat(prefixed.headers().firstValue("Location")).hasValue("/shop/api/orders/o-1");
      assertThat(prefixed.headers().firstValue("Content-Location")).hasValue("/orders/o-1");
      assertThat(plain.headers().firstValue("Location")).hasValue("/orders/o-1");
    }
  }

  @Test
  void aHandlerThatStopsReadingAnswers413BeforeTheBodyIsSentAndTheConnectionEnds()
      throws Exception {
    try (RawHttp http = RawHttp.connect(server.base())) {
      http.send(
          "POST "
              + target("limit")
              + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + "Content-Length: 1048576\r\n\r\n");
      http.send(new byte[32 * 1024]);

      // Only 32 KiB of the 1 MiB were sent: the answer cannot have waited for the whole body.
      RawHttp.Response response = http.read();
      assertThat(response.status()).isEqualTo(413);
      assertThat(response.text()).isEqualTo("too large");

      Thread rest =
          new Thread(
              () -> {
                try {
                  http.send(new byte[1024 * 1024 - 32 * 1024]);
                } catch (IOException closedByServer) {
                  // expected once the server gives up on the body
                }
              });
      rest.start();
      assertThat(http.closedByServer()).as("the server ends the connection").isTrue();
      rest.join(10_000);
    }
    assertThat(echo.seen("/limit")).hasSize(1);
  }

  @Test
  void aHeadAnswerHasNoBodyAndTheConnectionStaysUsable() throws IOException {
    try (RawHttp http = RawHttp.connect(server.base())) {
      RawHttp.Response head =
          http.send("HEAD " + target("head") + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
              .read(false)
              .orElseThrow();
      RawHttp.Response next =
          http.send("GET " + target("next") + " HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("ETag")).contains("\"h1\"");
      assertThat(next.status()).as("no body bytes came between the answers").isEqualTo(200);
      assertThat(next.text()).isEqualTo("GET /next");
    }
    assertThat(echo.seen("/head")).extracting(EchoHandler.Seen::method).containsExactly("HEAD");
  }

  @Test
  void aNotModifiedAnswerHasNoBodyAndKeepsItsHeaders() throws IOException {
    try (RawHttp http = RawHttp.connect(server.base())) {
      RawHttp.Response notModified =
          http.send("GET " + target("not-modified") + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
              .read(false)
              .orElseThrow();
      RawHttp.Response next =
          http.send("GET " + target("next") + " HTTP/1.1\r\nHost: localhost\r\n\r\n").read();

      assertThat(notModified.status()).isEqualTo(304);
      assertThat(notModified.header("ETag")).contains("\"v7\"");
      assertThat(notModified.header("Cache-Control")).contains("max-age=60");
      assertThat(next.text()).isEqualTo("GET /next");
    }
  }

  @Test
  void theHandlersResponseHeaderFieldsAndBodyArrive() throws IOException, InterruptedException {
    HttpResponse<String> response = get(server.base().resolve("headers"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("ETag")).contains("\"v7\"");
    assertThat(response.headers().firstValue("Cache-Control")).contains("public, max-age=60");
    assertThat(response.headers().firstValue("Location")).contains("/orders/42");
    assertThat(response.headers().firstValue("X-Custom")).contains("yes");
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(response.headers().firstValue("Content-Length")).contains("11");
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void aFailingHandlerIsAnswered500ProblemJsonWithoutTheStackTrace()
      throws IOException, InterruptedException {
    HttpResponse<String> response = get(server.base().resolve("boom"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.body())
        .contains("\"type\":\"https://tinycheckout.dev/problems/internal-error\"")
        .contains("\"status\":500")
        .doesNotContain("secret-detail")
        .doesNotContain("IllegalStateException")
        .doesNotContain("at dev.");
  }

  /**
   * Whether the server refuses a bare CR inside a header field (RFC 9112 section 2.2 allows that or
   * replacing it with a space). The JDK server instead ends the field line there.
   */
  protected boolean refusesBareCarriageReturn() {
    return true;
  }

  @Test
  void aHeaderFieldWithABareCarriageReturnNeverReachesTheHandlerWithIt() throws IOException {
    Optional<RawHttp.Response> response;
    try (RawHttp http = RawHttp.connect(server.base())) {
      response =
          http.send(
                  "GET "
                      + target("bare-cr")
                      + " HTTP/1.1\r\nHost: localhost\r\nX-Test: a\rInjected: yes\r\n\r\n")
              .read(false);
    }
    if (refusesBareCarriageReturn()) {
      assertThat(response.map(RawHttp.Response::status).orElse(400)).isGreaterThanOrEqualTo(400);
      assertThat(echo.seen("/bare-cr")).isEmpty();
    }
    assertThat(echo.seen("/bare-cr"))
        .flatMap(seen -> seen.headers().values())
        .flatMap(values -> values)
        .allSatisfy(value -> assertThat(value).doesNotContain("\r").doesNotContain("\n"));
  }

  @Test
  void aHeaderFieldWithANulNeverReachesTheHandler() throws IOException {
    Optional<RawHttp.Response> response;
    try (RawHttp http = RawHttp.connect(server.base())) {
      response =
          http.send(
                  "GET "
                      + target("nul")
                      + " HTTP/1.1\r\nHost: localhost\r\nX-Test: a\u0000b\r\n\r\n")
              .read(false);
    }
    assertThat(response.map(RawHttp.Response::status).orElse(400)).isGreaterThanOrEqualTo(400);
    assertThat(echo.seen("/nul")).isEmpty();
  }

  @Test
  void aFoldedHeaderFieldNeverReachesTheHandlerWithItsLineBreak() throws IOException {
    Optional<RawHttp.Response> response;
    try (RawHttp http = RawHttp.connect(server.base())) {
      response =
          http.send(
                  "GET "
                      + target("folded")
                      + " HTTP/1.1\r\nHost: localhost\r\nX-Test: a\r\n Injected: yes\r\n\r\n")
              .read(false);
    }
    List<EchoHandler.Seen> seen = echo.seen("/folded");
    if (seen.isEmpty()) {
      assertThat(response.map(RawHttp.Response::status).orElse(400)).isGreaterThanOrEqualTo(400);
    } else {
      assertThat(seen.get(0).headers().get("X-Test"))
          .allSatisfy(value -> assertThat(value).doesNotContain("\r").doesNotContain("\n"));
      assertThat(seen.get(0).headers()).doesNotContainKey("Injected");
    }
  }

  @Test
  void overLongHeaderFieldsNeverReachTheHandler() throws IOException {
    Optional<RawHttp.Response> response = Optional.empty();
    try (RawHttp http = RawHttp.connect(server.base())) {
      try {
        http.send(
            "GET "
                + target("long")
                + " HTTP/1.1\r\nHost: localhost\r\nX-Long: "
                + "x".repeat(512 * 1024)
                + "\r\n\r\n");
      } catch (IOException refusedWhileSending) {
        // the server may close the connection before it has read everything
      }
      response = http.read(false);
    } catch (IOException reset) {
      // a reset instead of an answer is a refusal too
    }
    assertThat(response.map(RawHttp.Response::status).orElse(431)).isGreaterThanOrEqualTo(400);
    assertThat(echo.seen("/long")).isEmpty();
  }

  /** A body that can be read fully arrives intact; the stream is the server's own. */
  @Test
  void aBodyArrivesIntact() throws IOException, InterruptedException {
    String body = "é".repeat(40_000);
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(server.base().resolve("body"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
  }
}

package dev.tinycheckout.http.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.mount.EchoHandler;
import dev.tinycheckout.http.mount.MountContract;
import dev.tinycheckout.http.mount.RawHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JdkMountTest extends MountContract {

  @Override
  protected Mounted mount(ApiHandler handler, String prefix) {
    return running(
        JdkHttpMount.builder()
            .handler(handler)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .contextPath(prefix.isEmpty() ? "/" : prefix)
            .virtualThreads(false)
            .threads(8)
            .build()
            .start());
  }

  private static Mounted running(JdkHttpMount.Running running) {
    return new Mounted() {
      @Override
      public URI base() {
        return running.uri();
      }

      @Override
      public void close() {
        running.stop(Duration.ZERO);
      }
    };
  }

  /** JDK 17 ends a field line at a bare CR: the handler sees two fields, neither with a CR. */
  @Override
  protected boolean refusesBareCarriageReturn() {
    return false;
  }

  @Test
  void theMountTurnsTcpNoDelayOnBeforeTheJdkServerReadsIt() {
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    assertThat(JdkHttpMount.tcpNoDelay()).isEqualTo(JdkHttpMount.TcpNoDelay.ON);
  }

  @Test
  void theTimeLimitsAreSetUnlessTheUserSetThem() {
    assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isNotNull();
    assertThat(System.getProperty("sun.net.httpserver.maxRspTime")).isNotNull();
    assertThat(System.getProperty("sun.net.httpserver.maxReqHeaderSize")).isNotNull();
  }

  @Test
  void aServerCreatedBeforeTheMountIsReportedAsRunningWithoutTcpNoDelay() throws Exception {
    Process child = fork("early-server");
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(out).contains("NODELAY OFF");
    assertThat(err).contains("without TCP_NODELAY").contains("-Dsun.net.httpserver.nodelay=true");
  }

  /**
   * maxRspTime (from the end of the header fields) frees the handler: its read fails. On Java 17
   * the socket itself is closed only when maxReqTime has passed too, so both are short here.
   */
  @Test
  void aBodyThatStopsArrivingIsCutOffByTheTimeLimits() throws Exception {
    Process child =
        fork(
            "serve",
            "-Dsun.net.httpserver.maxRspTime=1",
            "-Dsun.net.httpserver.maxReqTime=2",
            "-Dsun.net.httpserver.timerMillis=200");
    try {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String portLine = lines.readLine();
      assertThat(portLine).startsWith("PORT ");
      URI base = URI.create("http://127.0.0.1:" + portLine.substring(5) + "/");

      try (RawHttp http = RawHttp.connect(base)) {
        http.send(
            "POST /body HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789");

        Optional<RawHttp.Response> response = http.read(true);
        assertThat(response.map(RawHttp.Response::status).orElse(500)).isGreaterThanOrEqualTo(400);
        assertThat(http.closedByServer()).isTrue();
      }
      assertThat(lines.readLine()).matches("SEEN /body java\\.\\S+Exception");
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  private static Process fork(String mode, String... jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmOptions));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ForkedJdkServer.class.getName());
    command.add(mode);
    return new ProcessBuilder(command).start();
  }

  @Test
  void aPercentEncodedSlashStaysEncoded() throws Exception {
    HttpResponse<String> response = get(server.base().resolve("products/a%2Fb"));

    assertThat(response.body()).isEqualTo("GET /products/a%2Fb");
  }

  @Test
  void aPathThatOnlyStartsLikeThePrefixIsNotServed() throws Exception {
    EchoHandler prefixed = new EchoHandler();
    try (Mounted shop = mount(prefixed, "/shop")) {
      HttpResponse<String> response = get(shop.base().resolve("/shopping"));

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(prefixed.seen()).isEmpty();
    }
  }

  @Test
  void tooManyHeaderFieldsNeverReachTheHandler() throws IOException {
    StringBuilder request = new StringBuilder("GET /many HTTP/1.1\r\nHost: localhost\r\n");
    for (int i = 0; i < 300; i++) {
      request.append("X-Field-").append(i).append(": v\r\n");
    }
    Optional<RawHttp.Response> response;
    try (RawHttp http = RawHttp.connect(server.base())) {
      response = http.send(request.append("\r\n").toString()).read(false);
    }
    assertThat(response.map(RawHttp.Response::status).orElse(400)).isGreaterThanOrEqualTo(400);
    assertThat(echo.seen("/many")).isEmpty();
  }

  @Test
  void aFullPoolAnswers503WithRetryAfterInsteadOfQueueing() throws Exception {
    EchoHandler busy = new EchoHandler();
    try (JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(busy)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .virtualThreads(false)
            .threads(1)
            .queueCapacity(0)
            .build()
            .start()) {
      CompletableFuture<HttpResponse<String>> first =
          client.sendAsync(
              HttpRequest.newBuilder(running.uri().resolve("block")).build(),
              HttpResponse.BodyHandlers.ofString());
      busy.awaitBlocked();

      HttpResponse<String> refused = get(running.uri().resolve("echo"));
      busy.release();

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.body()).contains("service-unavailable");
      assertThat(busy.seen("/echo")).isEmpty();
      assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo("done");
    }
  }

  @Test
  void aGracefulStopLetsAnInFlightRequestFinishAndRefusesNewConnections() throws Exception {
    EchoHandler slow = new EchoHandler();
    JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(slow)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .virtualThreads(false)
            .build()
            .start();
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(running.uri().resolve("block")).build(),
            HttpResponse.BodyHandlers.ofString());
    slow.awaitBlocked();

    Thread stopping = new Thread(() -> running.stop(Duration.ofSeconds(20)));
    stopping.start();
    awaitRefused(running.port());
    slow.release();

    HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo("done");
    assertThat(finished.headers().firstValue("Connection")).contains("close");
    stopping.join(20_000);
    assertThat(stopping.isAlive()).isFalse();
  }

  private static void awaitRefused(int port) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        Thread.sleep(50);
      } catch (ConnectException refused) {
        return;
      } catch (IOException other) {
        return;
      }
    }
    throw new AssertionError("the server still accepts connections");
  }

  @Test
  void stoppingAnIdleServerDoesNotWaitOutTheGrace() {
    JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(echo)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .build()
            .start();

    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> running.stop(Duration.ofSeconds(120)));
  }

  @Test
  void theUriNamesTheBoundPortAndTheContextPath() {
    try (JdkHttpMount.Running running =
        JdkHttpMount.builder()
            .handler(echo)
            .address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .contextPath("/shop")
            .build()
            .start()) {
      assertThat(running.port()).isPositive();
      assertThat(running.uri())
          .isEqualTo(URI.create("http://127.0.0.1:" + running.port() + "/shop/"));
    }
  }

  @Test
  void theBuilderRefusesBadSettingsAndNamesThem() {
    JdkHttpMount.Builder builder = JdkHttpMount.builder();

    assertThatThrownBy(() -> builder.port(70_000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> builder.contextPath("shop")).hasMessageContaining("'shop'");
    assertThatThrownBy(() -> builder.contextPath("/shop/")).hasMessageContaining("'/shop/'");
    assertThatThrownBy(() -> builder.contextPath("/shop/..")).hasMessageContaining("/shop/..");
    assertThatThrownBy(() -> builder.contextPath("/%2e%2e")).hasMessageContaining("%2e");
    assertThat(builder.contextPath("/shop.v2")).isSameAs(builder);
    assertThatThrownBy(() -> builder.threads(0)).hasMessageContaining("was 0");
    assertThatThrownBy(() -> builder.queueCapacity(-1)).hasMessageContaining("was -1");
    assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aPortInUseFailsTheStartWithTheAddress() throws IOException {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      JdkHttpMount mount =
          JdkHttpMount.builder()
              .handler(echo)
              .address(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()))
              .build();

      assertThatThrownBy(mount::start)
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining(String.valueOf(taken.getLocalPort()));
    }
  }
}

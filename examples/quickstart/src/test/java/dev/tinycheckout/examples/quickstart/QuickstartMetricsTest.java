package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} end to end: the real quickstart in this JVM on a free port, real traffic
 * over loopback, and the Prometheus text it then serves.
 */
class QuickstartMetricsTest {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  @TempDir Path dir;

  private final List<Quickstart> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(Quickstart::close);
  }

  private Quickstart start(String... flags) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", "0", "--jdbc-url", "jdbc:h2:file:" + dir.resolve("shop")));
    args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
    args.addAll(List.of(flags));
    Quickstart quickstart = Main.start(Settings.parse(args, Map.of()));
    started.add(quickstart);
    return quickstart;
  }

  @Test
  void metricsAreServedAsPrometheusTextAndNeverCached() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());

    HttpResponse<String> metrics = shop.get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
    assertThat(metrics.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(metrics.body())
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("process_uptime_seconds")
        .contains("system_cpu_count");
  }

  @Test
  void headAnswersLikeGetWithoutABodyAndOtherMethodsGet405() throws Exception {
    Quickstart quickstart = start();
    ShopClient shop = new ShopClient(quickstart.uri());

    HttpResponse<String> head = shop.send("HEAD", "/metrics");
    HttpResponse<String> post = shop.send("POST", "/metrics");
    HttpResponse<String> delete = shop.send("DELETE", "/metrics");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
    assertThat(head.body()).isEmpty();
    for (HttpResponse<String> refused : List.of(post, delete)) {
      assertThat(refused.statusCode()).isEqualTo(405);
      assertThat(refused.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(refused.body()).contains("https://tinycheckout.dev/problems/method-not-allowed");
    }
  }
}

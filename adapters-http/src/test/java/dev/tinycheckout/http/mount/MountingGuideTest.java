package dev.tinycheckout.http.mount;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.ApiHandler;
import dev.tinycheckout.http.jdk.JdkHttpMount;
import dev.tinycheckout.http.servlet.CheckoutServlet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The JDK and Jetty snippets of {@code docs/mounting.md}, run; the guide must show exactly the code
 * between the tags below.
 */
class MountingGuideTest {
  private static final String SOURCE =
      "adapters-http/src/test/java/dev/tinycheckout/http/mount/MountingGuideTest.java";

  private final EchoHandler echo = new EchoHandler();
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void theJdkSnippetServesTheApiUnderItsPrefix() throws Exception {
    ApiHandler api = echo;
    int port = 0;
    // tag::jdk[]
    JdkHttpMount.Running server =
        JdkHttpMount.builder()
            .handler(api)
            .port(port)
            .contextPath("/shop")
            .threads(32) // used on Java 17-20; Java 21+ runs a virtual thread per request
            .queueCapacity(128) // beyond this, 503 with Retry-After
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(10))));
    // end::jdk[]
    try {
      assertThat(get(server.uri().resolve("products?x=1"))).isEqualTo("GET /products?x=1");
    } finally {
      server.stop(Duration.ZERO);
    }
  }

  @Test
  void theJettySnippetServesTheApiUnderItsServletMapping() throws Exception {
    ApiHandler api = echo;
    int port = 0;
    // tag::jetty[]
    Server jetty = new Server(port);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder("tinycheckout", new CheckoutServlet(api)), "/api/*");
    jetty.setHandler(context);
    jetty.setStopTimeout(10_000); // graceful stop: in-flight requests get 10 s
    jetty.setStopAtShutdown(true);
    jetty.start();
    // end::jetty[]
    try {
      int bound = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
      assertThat(get(URI.create("http://localhost:" + bound + "/api/products?x=1")))
          .isEqualTo("GET /products?x=1");
    } finally {
      jetty.stop();
    }
  }

  private String get(URI uri) throws IOException, InterruptedException {
    return client
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void theGuideShowsExactlyTheTestedSnippets() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("docs/mounting.md")) && root.getParent() != null) {
      root = root.getParent();
    }
    List<String> blocks = javaBlocks(Files.readString(root.resolve("docs/mounting.md")));
    String code = Files.readString(root.resolve(SOURCE));

    assertThat(blocks).contains(tagged(code, "jdk"), tagged(code, "jetty"));
  }

  private static List<String> javaBlocks(String page) {
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(page);
    List<String> blocks = new java.util.ArrayList<>();
    while (block.find()) {
      blocks.add(normalize(block.group(1)));
    }
    return blocks;
  }

  private static String tagged(String code, String tag) {
    String begin = "// tag::" + tag + "[]\n";
    String end = "// end::" + tag + "[]";
    assertThat(code).contains(begin).contains(end);
    return normalize(code.substring(code.indexOf(begin) + begin.length(), code.indexOf(end)));
  }

  /** Drops blank lines at both ends, trailing spaces, and the indentation all lines share. */
  private static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).toList();
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    List<String> kept = lines.subList(from, to);
    int indent =
        kept.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return kept.stream()
        .map(l -> l.isBlank() ? "" : l.substring(Math.min(indent, l.length())))
        .collect(Collectors.joining("\n"));
  }
}

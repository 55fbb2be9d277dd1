package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.docs.DocSnippets;
import dev.tinycheckout.money.Money;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Java snippet of {@code docs/http-caching.md}, compiled and run; the guide must show exactly
 * the code between the tags below.
 */
class HttpCachingGuideTest {
  private static final Product PRODUCT =
      new Product(
          Sku.of("one-dollar-item"),
          "The One Dollar Item",
          Money.of(100, "USD"),
          1_000,
          7,
          Instant.parse("2026-01-15T10:00:00.250Z"));

  /** What the snippet leaves behind, for the assertions. */
  private record Answer(int status, Map<String, String> headers, byte[] body) {}

  private static Answer getProduct(Map<String, String> requestHeaders) {
    Product product = PRODUCT;
    byte[] json = "{\"sku\":\"one-dollar-item\"}".getBytes(StandardCharsets.UTF_8);
    // tag::guide[]
    // The validators and caching policy that a 200 for this product carries.
    ResourceState state =
        ResourceState.of(EntityTag.ofVersion(product.version()), product.updatedAt());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", state.etag().orElseThrow().toString());
    headers.put("Last-Modified", HttpDates.format(product.updatedAt()));
    headers.put(
        "Cache-Control",
        CacheControl.builder()
            .publicCache()
            .maxAge(Duration.ofSeconds(60))
            .staleWhileRevalidate(Duration.ofSeconds(30))
            .build()
            .toString());
    headers.put(
        "CDN-Cache-Control",
        CacheControl.builder().maxAge(Duration.ofMinutes(10)).build().toString());

    // RFC 9110 section 13.2.2, in one call; a malformed If-Match/If-None-Match throws
    // ValidationException (answer 400), invalid dates are ignored.
    ConditionalRequest conditions =
        ConditionalRequest.from("GET", name -> Optional.ofNullable(requestHeaders.get(name)));
    Precondition precondition = conditions.evaluate(state);

    return switch (precondition) {
      case PROCEED -> new Answer(200, headers, json);
      case NOT_MODIFIED -> new Answer(304, headers, new byte[0]); // same headers, no body
      case PRECONDITION_FAILED -> new Answer(412, Map.of(), new byte[0]); // problem+json
    };
    // end::guide[]
  }

  @Test
  void aFirstGetIsAnsweredWithTheRepresentationAndItsValidators() {
    Answer answer = getProduct(Map.of());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.headers())
        .containsEntry("ETag", "\"v7\"")
        .containsEntry("Last-Modified", "Thu, 15 Jan 2026 10:00:00 GMT")
        .containsEntry("Cache-Control", "public, max-age=60, stale-while-revalidate=30")
        .containsEntry("CDN-Cache-Control", "max-age=600");
  }

  @Test
  void revalidatingWithTheETagOrLastModifiedIsAnswered304WithTheSameHeadersAndNoBody() {
    Answer first = getProduct(Map.of());

    Answer byTag = getProduct(Map.of("If-None-Match", first.headers().get("ETag")));
    Answer byDate = getProduct(Map.of("If-Modified-Since", first.headers().get("Last-Modified")));

    assertThat(byTag.status()).isEqualTo(304);
    assertThat(byTag.headers()).isEqualTo(first.headers());
    assertThat(byTag.body()).isEmpty();
    assertThat(byDate.status()).isEqualTo(304);
  }

  @Test
  void aFailingIfMatchIsAnswered412() {
    assertThat(getProduct(Map.of("If-Match", "\"v6\"")).status()).isEqualTo(412);
  }

  @Test
  void theGuideShowsExactlyTheTestedSnippet() throws IOException {
    DocSnippets.assertPageShowsTaggedRegion(
        "docs/http-caching.md",
        "core/src/test/java/dev/tinycheckout/httpcache/HttpCachingGuideTest.java",
        "guide");
  }
}

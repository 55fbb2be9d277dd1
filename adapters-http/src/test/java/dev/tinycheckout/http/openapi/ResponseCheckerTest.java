package dev.tinycheckout.http.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker against the shipped document, fed responses written by hand: it must see faults. */
class ResponseCheckerTest {
  private static final OpenApiDocument DOCUMENT = OpenApiDocument.load();
  private static final ResponseChecker CHECKER = new ResponseChecker(DOCUMENT);
  private static final String PRODUCT =
      "{\"sku\":\"one-dollar-item\",\"name\":\"The One Dollar Item\","
          + "\"price\":{\"amount\":100,\"currency\":\"USD\"},\"stock\":7}";

  private static OpenApiDocument.Operation operation(String method, String path) {
    return DOCUMENT.operation(method, path).orElseThrow();
  }

  private static Map<String, String> productHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ETag", "\"abc\"");
    headers.put("Last-Modified", "Wed, 25 Nov 2026 20:00:00 GMT");
    headers.put("Cache-Control", "public, max-age=5, stale-while-revalidate=5");
    headers.put("Content-Type", "application/json");
    return headers;
  }

  private static ApiResponse response(int status, Map<String, String> headers, String body) {
    return new ApiResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aResponseAsDocumentedPasses() {
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(200, productHeaders(), PRODUCT)))
        .isEmpty();
  }

  @Test
  void aPriceAsAFloatIsCaught() {
    String wrong = PRODUCT.replace("\"amount\":100", "\"amount\":0.99");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(200, productHeaders(), wrong)))
        .singleElement()
        .asString()
        .contains("$.price.amount");
  }

  @Test
  void aMissingOrUndeclaredMemberIsCaught() {
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(200, productHeaders(), PRODUCT.replace(",\"stock\":7", ""))))
        .singleElement()
        .asString()
        .contains("\"stock\"");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(200, productHeaders(), PRODUCT.replace("}", ",\"color\":\"red\"}"))))
        .isNotEmpty();
  }

  @Test
  void aMissingRequiredHeaderOrABadValueIsCaught() {
    Map<String, String> noEtag = productHeaders();
    noEtag.remove("ETag");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"), response(200, noEtag, PRODUCT)))
        .singleElement()
        .asString()
        .contains("ETag");
    Map<String, String> longLived = productHeaders();
    longLived.put("Cache-Control", "public, max-age=600");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"), response(200, longLived, PRODUCT)))
        .singleElement()
        .asString()
        .contains("Cache-Control");
  }

  @Test
  void anUndocumentedStatusOrMediaTypeIsCaught() {
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(418, productHeaders(), PRODUCT)))
        .singleElement()
        .asString()
        .contains("418");
    Map<String, String> text = productHeaders();
    text.put("Content-Type", "text/plain");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"), response(200, text, PRODUCT)))
        .singleElement()
        .asString()
        .contains("text/plain");
  }

  @Test
  void aProblemOfAnotherNameOrStatusIsCaught() {
    Map<String, String> headers = Map.of("Content-Type", "application/problem+json");
    String notFound =
        "{\"type\":\"https://tinycheckout.dev/problems/not-found\",\"title\":\"Not found\","
            + "\"status\":404,\"detail\":\"No product.\"}";
    OpenApiDocument.Operation get = operation("GET", "/products/nope");
    assertThat(CHECKER.check(get, response(404, headers, notFound))).isEmpty();
    assertThat(CHECKER.check(get, response(404, headers, notFound.replace("not-found", "gone"))))
        .singleElement()
        .asString()
        .contains("gone");
    assertThat(CHECKER.check(get, response(404, headers, notFound.replace("404", "400"))))
        .isNotEmpty();
  }

  @Test
  void aBodyOnHeadOrOnANotModifiedIsCaught() {
    assertThat(
            CHECKER.check(
                operation("HEAD", "/products/one-dollar-item"),
                response(200, productHeaders(), PRODUCT)))
        .singleElement()
        .asString()
        .contains("HEAD");
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(304, productHeaders(), PRODUCT)))
        .singleElement()
        .asString()
        .contains("no body");
  }

  @Test
  void aBodyThatIsNotJsonIsCaught() {
    assertThat(
            CHECKER.check(
                operation("GET", "/products/one-dollar-item"),
                response(200, productHeaders(), "<html>")))
        .singleElement()
        .asString()
        .contains("not JSON");
  }
}

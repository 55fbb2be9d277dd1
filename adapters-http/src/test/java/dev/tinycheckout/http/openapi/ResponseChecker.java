package dev.tinycheckout.http.openapi;

import dev.tinycheckout.http.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks an actual response against what the OpenAPI document says an operation answers:
 *
 * <ul>
 *   <li>the status is one the operation documents;
 *   <li>a body comes with a documented {@code Content-Type} (parameters ignored), and a response
 *       documented without content, or any answer to {@code HEAD}, has no body;
 *   <li>every header marked {@code required} is present, and every documented header that is
 *       present matches its schema;
 *   <li>the body is JSON that validates against the documented schema;
 *   <li>a problem's {@code status} equals the HTTP status and its name (the last segment of {@code
 *       type}) is one of the response's {@code x-problem-types}.
 * </ul>
 *
 * Thread-safe.
 */
public final class ResponseChecker {
  private static final String PROBLEM_JSON = "application/problem+json";

  private final OpenApiDocument document;

  /**
   * A checker for a document.
   *
   * @param document the document
   */
  public ResponseChecker(OpenApiDocument document) {
    this.document = Objects.requireNonNull(document, "document");
  }

  /**
   * Checks a response.
   *
   * @param operation the operation that answered
   * @param response the answer
   * @return what does not match the document; empty when it all does
   */
  public List<String> check(OpenApiDocument.Operation operation, ApiResponse response) {
    List<String> violations = new ArrayList<>();
    String status = Integer.toString(response.status());
    JsonNode responses = operation.node().path("responses");
    JsonNode documented = responses.get(status);
    if (documented == null) {
      violations.add(
          operation
              + " answered "
              + status
              + ", which it does not document; it documents "
              + responses.propertyNames());
      return violations;
    }
    JsonNode spec = document.deref(documented);
    headers(spec, response, violations);
    boolean head = operation.method().equals("HEAD");
    JsonNode content = spec.get("content");
    if (head || content == null) {
      if (response.body().length != 0) {
        violations.add(
            "a "
                + status
                + (head ? " to HEAD" : " documented without content")
                + " must have no body, but had "
                + response.body().length
                + " bytes");
      }
      return violations;
    }
    Optional<String> contentType = response.header("Content-Type");
    if (contentType.isEmpty()) {
      violations.add("a " + status + " with a body must have a Content-Type");
      return violations;
    }
    String mediaType = mediaType(contentType.get());
    JsonNode media = content.get(mediaType);
    if (media == null) {
      violations.add(
          "Content-Type "
              + mediaType
              + " is not documented for "
              + status
              + "; documented: "
              + content.propertyNames());
      return violations;
    }
    JsonNode body;
    try {
      body = OpenApiDocument.parse(response.body());
    } catch (JacksonException e) {
      violations.add("the body of a " + status + " is not JSON: " + e.getOriginalMessage());
      return violations;
    }
    JsonNode schema = media.get("schema");
    if (schema != null) {
      for (String error : document.validator().validate(schema, body)) {
        violations.add("body of " + status + " " + error);
      }
    }
    if (mediaType.equals(PROBLEM_JSON)) {
      problem(spec, response.status(), body, violations);
    }
    return violations;
  }

  private void headers(JsonNode spec, ApiResponse response, List<String> violations) {
    for (Map.Entry<String, JsonNode> field : spec.path("headers").properties()) {
      String name = field.getKey();
      JsonNode header = document.deref(field.getValue());
      Optional<String> value = response.header(name);
      if (value.isEmpty()) {
        if (header.path("required").asBoolean(false)) {
          violations.add("a " + response.status() + " must carry " + name);
        }
        continue;
      }
      JsonNode schema = header.get("schema");
      if (schema != null) {
        for (String error :
            document
                .validator()
                .validate(schema, JsonNodeFactory.instance.stringNode(value.get()))) {
          violations.add("header " + name + " " + error);
        }
      }
    }
  }

  private static void problem(JsonNode spec, int status, JsonNode body, List<String> violations) {
    if (body.path("status").asInt() != status) {
      violations.add(
          "the problem's status "
              + body.path("status")
              + " differs from the HTTP status "
              + status);
    }
    String type = body.path("type").asString("");
    String name = type.substring(type.lastIndexOf('/') + 1);
    JsonNode listed = spec.get("x-problem-types");
    if (listed == null) {
      violations.add("the " + status + " response lists no x-problem-types, but " + name + " came");
      return;
    }
    boolean found = listed.values().stream().anyMatch(n -> n.asString().equals(name));
    if (!found) {
      violations.add(
          "problem " + name + " is not among the documented problems " + listed + " of " + status);
    }
  }

  /** The media type without parameters, lower case. */
  static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .trim()
        .toLowerCase(Locale.ROOT);
  }
}

package dev.tinycheckout.http.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI 3.1 document shipped in the jar, read as a JSON tree, with the look-ups a contract
 * check needs: operations, path templates, and {@code $ref} resolution. Immutable.
 */
public final class OpenApiDocument {
  /** Where the document sits on the class path. */
  public static final String RESOURCE = "/dev/tinycheckout/http/openapi.json";

  /** The HTTP methods an OpenAPI path item may hold, lower case as in the document. */
  public static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final JsonNode root;
  private final JsonSchemaValidator validator;

  private OpenApiDocument(JsonNode root) {
    this.root = root;
    this.validator = new JsonSchemaValidator(root);
  }

  /**
   * Reads the document from the class path.
   *
   * @return the document
   */
  public static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new OpenApiDocument(MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A document from a JSON tree, for testing the checks themselves.
   *
   * @param root the document
   * @return the document
   */
  public static OpenApiDocument of(JsonNode root) {
    return new OpenApiDocument(Objects.requireNonNull(root, "root"));
  }

  /**
   * Parses JSON text.
   *
   * @param json the text
   * @return the tree
   */
  public static JsonNode parse(String json) {
    return MAPPER.readTree(json);
  }

  /**
   * Parses JSON bytes.
   *
   * @param json UTF-8 JSON
   * @return the tree
   */
  public static JsonNode parse(byte[] json) {
    return MAPPER.readTree(json);
  }

  /**
   * The whole document.
   *
   * @return the root node
   */
  public JsonNode root() {
    return root;
  }

  /**
   * A validator whose references resolve in this document.
   *
   * @return the validator
   */
  public JsonSchemaValidator validator() {
    return validator;
  }

  /**
   * One operation of the document.
   *
   * @param path the path template, such as {@code /products/{sku}}
   * @param method the method, upper case
   * @param node the operation object
   */
  public record Operation(String path, String method, JsonNode node) {
    /**
     * The operation's id.
     *
     * @return the operationId
     */
    public String id() {
      return node.path("operationId").asString();
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /**
   * Every operation, in document order.
   *
   * @return the operations
   */
  public List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : root.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
        if (METHODS.contains(item.getKey())) {
          operations.add(
              new Operation(
                  path.getKey(), item.getKey().toUpperCase(Locale.ROOT), item.getValue()));
        }
      }
    }
    return operations;
  }

  /**
   * The path templates.
   *
   * @return the keys of {@code paths}, in document order
   */
  public List<String> paths() {
    return List.copyOf(root.path("paths").propertyNames());
  }

  /**
   * The methods a path template serves.
   *
   * @param template the path template
   * @return the methods, upper case
   */
  public Set<String> methods(String template) {
    Set<String> methods = new LinkedHashSet<>();
    for (String name : root.path("paths").path(template).propertyNames()) {
      if (METHODS.contains(name)) {
        methods.add(name.toUpperCase(Locale.ROOT));
      }
    }
    return methods;
  }

  /**
   * The path template a concrete path falls under: segments must match one by one, and a {@code
   * {name}} segment matches any non-empty segment.
   *
   * @param path a concrete path such as {@code /products/one-dollar-item}
   * @return the template, or empty when no template matches
   */
  public Optional<String> templateFor(String path) {
    String[] concrete = path.split("/", -1);
    for (String template : paths()) {
      String[] parts = template.split("/", -1);
      if (parts.length != concrete.length) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < parts.length && matches; i++) {
        matches = parts[i].startsWith("{") ? !concrete[i].isEmpty() : parts[i].equals(concrete[i]);
      }
      if (matches) {
        return Optional.of(template);
      }
    }
    return Optional.empty();
  }

  /**
   * The operation for a method and a concrete path.
   *
   * @param method the method, upper case
   * @param path the concrete path
   * @return the operation, or empty when the document has none
   */
  public Optional<Operation> operation(String method, String path) {
    return templateFor(path)
        .flatMap(
            template -> {
              JsonNode node =
                  root.path("paths").path(template).get(method.toLowerCase(Locale.ROOT));
              return node == null || !node.isObject()
                  ? Optional.empty()
                  : Optional.of(new Operation(template, method, node));
            });
  }

  /**
   * Follows {@code $ref} until an object without one is reached.
   *
   * @param node a node that may be a reference
   * @return the node it stands for
   */
  public JsonNode deref(JsonNode node) {
    JsonNode current = node;
    for (int i = 0; i < 16 && current.has("$ref"); i++) {
      current = validator.resolve(current.get("$ref").asString());
    }
    return current;
  }
}

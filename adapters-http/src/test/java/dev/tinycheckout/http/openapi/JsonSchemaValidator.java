package dev.tinycheckout.http.openapi;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * A validator for the small subset of JSON Schema 2020-12 that {@code openapi.json} uses: {@code
 * type}, {@code properties}, {@code required}, {@code additionalProperties}, {@code items}, {@code
 * minItems}/{@code maxItems}, {@code enum}, {@code const}, {@code minimum}/{@code maximum}, {@code
 * minLength}/{@code maxLength}, {@code pattern}, {@code format} ({@code date-time} and {@code uri},
 * checked loosely) and {@code $ref} to a JSON pointer inside the same document.
 *
 * <p>Any other keyword is reported by {@link #checkSchema}, so the document cannot quietly rely on
 * a keyword this validator would ignore. Annotations ({@code description}, {@code example}, ...)
 * are allowed and ignored. Thread-safe.
 */
public final class JsonSchemaValidator {
  private static final Set<String> ASSERTIONS =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "minItems",
          "maxItems",
          "enum",
          "const",
          "minimum",
          "maximum",
          "minLength",
          "maxLength",
          "pattern",
          "format",
          "$ref");
  private static final Set<String> ANNOTATIONS =
      Set.of("description", "title", "example", "examples", "default", "deprecated", "$comment");
  private static final Set<String> TYPES =
      Set.of("null", "boolean", "object", "array", "number", "integer", "string");
  private static final Set<String> FORMATS = Set.of("date-time", "uri");

  private final JsonNode root;
  private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

  /**
   * A validator whose {@code $ref}s resolve inside a document.
   *
   * @param root the document that holds the schemas, such as the whole OpenAPI document
   */
  public JsonSchemaValidator(JsonNode root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  /**
   * Validates an instance.
   *
   * @param schema the schema, possibly a {@code $ref}
   * @param instance the JSON value
   * @return the violations, each with the instance path ({@code $} is the root); empty when valid
   */
  public List<String> validate(JsonNode schema, JsonNode instance) {
    List<String> errors = new ArrayList<>();
    validate(schema, instance, "$", errors, 0);
    return errors;
  }

  /**
   * Checks that a schema only uses supported keywords with well-formed values, and that every
   * {@code $ref} in it resolves.
   *
   * @param schema the schema
   * @param where where the schema sits, for the messages
   * @return the problems found; empty when the schema is usable
   */
  public List<String> checkSchema(JsonNode schema, String where) {
    List<String> errors = new ArrayList<>();
    checkSchema(schema, where, errors, new HashSet<>());
    return errors;
  }

  /**
   * Follows a local {@code $ref} such as {@code #/components/schemas/Money}.
   *
   * @param ref the reference
   * @return the node it points to
   * @throws IllegalArgumentException if it is not local or points to nothing
   */
  public JsonNode resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only local references are supported, but was " + ref);
    }
    JsonNode node = root;
    for (String token : ref.substring(2).split("/", -1)) {
      String name = token.replace("~1", "/").replace("~0", "~");
      node = node.path(name);
      if (node.isMissingNode()) {
        throw new IllegalArgumentException("$ref " + ref + " points to nothing");
      }
    }
    return node;
  }

  private void validate(
      JsonNode schema, JsonNode instance, String path, List<String> errors, int depth) {
    if (depth > 64) {
      throw new IllegalStateException("$ref cycle at " + path);
    }
    if (schema.isBoolean()) {
      if (!schema.booleanValue()) {
        errors.add(path + ": no value is allowed here");
      }
      return;
    }
    if (!schema.isObject()) {
      throw new IllegalArgumentException("a schema must be an object or a boolean: " + schema);
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      validate(resolve(ref.asString()), instance, path, errors, depth + 1);
    }
    JsonNode type = schema.get("type");
    if (type != null && !hasType(type, instance)) {
      errors.add(path + ": must be of type " + type + ", but was " + describe(instance));
      return;
    }
    JsonNode constant = schema.get("const");
    if (constant != null && !same(constant, instance)) {
      errors.add(path + ": must be " + constant + ", but was " + instance);
    }
    JsonNode choices = schema.get("enum");
    if (choices != null && choices.values().stream().noneMatch(c -> same(c, instance))) {
      errors.add(path + ": must be one of " + choices + ", but was " + instance);
    }
    if (instance.isNumber()) {
      number(schema, instance.decimalValue(), path, errors);
    }
    if (instance.isString()) {
      string(schema, instance.asString(), path, errors);
    }
    if (instance.isArray()) {
      array(schema, instance, path, errors, depth);
    }
    if (instance.isObject()) {
      object(schema, instance, path, errors, depth);
    }
  }

  private static void number(JsonNode schema, BigDecimal value, String path, List<String> errors) {
    JsonNode minimum = schema.get("minimum");
    if (minimum != null && value.compareTo(minimum.decimalValue()) < 0) {
      errors.add(path + ": must be at least " + minimum + ", but was " + value);
    }
    JsonNode maximum = schema.get("maximum");
    if (maximum != null && value.compareTo(maximum.decimalValue()) > 0) {
      errors.add(path + ": must be at most " + maximum + ", but was " + value);
    }
  }

  private void string(JsonNode schema, String value, String path, List<String> errors) {
    int length = value.codePointCount(0, value.length());
    JsonNode minLength = schema.get("minLength");
    if (minLength != null && length < minLength.asInt()) {
      errors.add(path + ": must be at least " + minLength + " characters, but had " + length);
    }
    JsonNode maxLength = schema.get("maxLength");
    if (maxLength != null && length > maxLength.asInt()) {
      errors.add(path + ": must be at most " + maxLength + " characters, but had " + length);
    }
    JsonNode pattern = schema.get("pattern");
    if (pattern != null && !pattern(pattern.asString()).matcher(value).find()) {
      errors.add(path + ": must match " + pattern.asString() + ", but was \"" + value + "\"");
    }
    JsonNode format = schema.get("format");
    if (format != null && !hasFormat(format.asString(), value)) {
      errors.add(path + ": must be a " + format.asString() + ", but was \"" + value + "\"");
    }
  }

  private void array(
      JsonNode schema, JsonNode instance, String path, List<String> errors, int depth) {
    JsonNode minItems = schema.get("minItems");
    if (minItems != null && instance.size() < minItems.asInt()) {
      errors.add(path + ": must have at least " + minItems + " items, but had " + instance.size());
    }
    JsonNode maxItems = schema.get("maxItems");
    if (maxItems != null && instance.size() > maxItems.asInt()) {
      errors.add(path + ": must have at most " + maxItems + " items, but had " + instance.size());
    }
    JsonNode items = schema.get("items");
    if (items != null) {
      for (int i = 0; i < instance.size(); i++) {
        validate(items, instance.get(i), path + "[" + i + "]", errors, depth + 1);
      }
    }
  }

  private void object(
      JsonNode schema, JsonNode instance, String path, List<String> errors, int depth) {
    JsonNode required = schema.get("required");
    if (required != null) {
      for (JsonNode name : required.values()) {
        if (!instance.has(name.asString())) {
          errors.add(path + ": must have member \"" + name.asString() + "\"");
        }
      }
    }
    JsonNode properties = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    for (Map.Entry<String, JsonNode> member : instance.properties()) {
      String memberPath = path + "." + member.getKey();
      JsonNode declared = properties == null ? null : properties.get(member.getKey());
      if (declared != null) {
        validate(declared, member.getValue(), memberPath, errors, depth + 1);
      } else if (additional != null) {
        if (additional.isBoolean() && !additional.booleanValue()) {
          errors.add(memberPath + ": is not a declared member");
        } else {
          validate(additional, member.getValue(), memberPath, errors, depth + 1);
        }
      }
    }
  }

  private static boolean hasType(JsonNode type, JsonNode instance) {
    if (type.isArray()) {
      return type.values().stream().anyMatch(t -> hasType(t.asString(), instance));
    }
    return hasType(type.asString(), instance);
  }

  private static boolean hasType(String type, JsonNode instance) {
    return switch (type) {
      case "null" -> instance.isNull();
      case "boolean" -> instance.isBoolean();
      case "object" -> instance.isObject();
      case "array" -> instance.isArray();
      case "number" -> instance.isNumber();
      case "integer" -> instance.isNumber() && isWhole(instance.decimalValue());
      case "string" -> instance.isString();
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static boolean isWhole(BigDecimal value) {
    return value.signum() == 0 || value.stripTrailingZeros().scale() <= 0;
  }

  /** JSON equality, where numbers compare by value (1 equals 1.0). */
  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static boolean hasFormat(String format, String value) {
    return switch (format) {
      case "date-time" -> isDateTime(value);
      case "uri" -> isAbsoluteUri(value);
      default -> throw new IllegalArgumentException("unsupported format " + format);
    };
  }

  /** RFC 3339 date-time: a full date, a time and an offset ({@code Z} or {@code +hh:mm}). */
  private static boolean isDateTime(String value) {
    if (!value.matches(
        "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})")) {
      return false;
    }
    try {
      OffsetDateTime.parse(value.toUpperCase(java.util.Locale.ROOT));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static boolean isAbsoluteUri(String value) {
    try {
      return new URI(value).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private Pattern pattern(String regex) {
    return patterns.computeIfAbsent(regex, Pattern::compile);
  }

  private static String describe(JsonNode instance) {
    if (instance.isObject()) {
      return "an object";
    }
    if (instance.isArray()) {
      return "an array";
    }
    return instance.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + instance;
  }

  private void checkSchema(JsonNode schema, String where, List<String> errors, Set<String> seen) {
    if (schema.isBoolean()) {
      return;
    }
    if (!schema.isObject()) {
      errors.add(where + ": a schema must be an object or a boolean");
      return;
    }
    for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
      String name = keyword.getKey();
      JsonNode value = keyword.getValue();
      String at = where + "/" + name;
      if (ANNOTATIONS.contains(name)) {
        continue;
      }
      if (!ASSERTIONS.contains(name)) {
        errors.add(at + ": keyword not supported by this validator");
        continue;
      }
      switch (name) {
        case "$ref" -> {
          if (!value.isString()) {
            errors.add(at + ": must be a string");
          } else {
            try {
              JsonNode target = resolve(value.asString());
              if (seen.add(value.asString())) {
                checkSchema(target, value.asString(), errors, seen);
              }
            } catch (IllegalArgumentException e) {
              errors.add(at + ": " + e.getMessage());
            }
          }
        }
        case "type" -> {
          List<JsonNode> types = value.isArray() ? List.copyOf(value.values()) : List.of(value);
          for (JsonNode t : types) {
            if (!t.isString() || !TYPES.contains(t.asString())) {
              errors.add(at + ": unknown type " + t);
            }
          }
        }
        case "properties" -> {
          if (!value.isObject()) {
            errors.add(at + ": must be an object");
          } else {
            for (Map.Entry<String, JsonNode> p : value.properties()) {
              checkSchema(p.getValue(), at + "/" + p.getKey(), errors, seen);
            }
          }
        }
        case "required" -> {
          if (!value.isArray() || value.values().stream().anyMatch(v -> !v.isString())) {
            errors.add(at + ": must be an array of names");
          } else {
            JsonNode properties = schema.get("properties");
            for (JsonNode n : value.values()) {
              if (properties == null || !properties.has(n.asString())) {
                errors.add(at + ": requires \"" + n.asString() + "\", which is not a property");
              }
            }
          }
        }
        case "additionalProperties", "items" -> checkSchema(value, at, errors, seen);
        case "enum" -> {
          if (!value.isArray() || value.isEmpty()) {
            errors.add(at + ": must be a non-empty array");
          }
        }
        case "minimum", "maximum" -> {
          if (!value.isNumber()) {
            errors.add(at + ": must be a number");
          }
        }
        case "minLength", "maxLength", "minItems", "maxItems" -> {
          if (!value.isIntegralNumber() || value.asInt() < 0) {
            errors.add(at + ": must be a non-negative integer");
          }
        }
        case "pattern" -> {
          try {
            pattern(value.asString());
          } catch (PatternSyntaxException e) {
            errors.add(at + ": not a regular expression: " + e.getDescription());
          }
        }
        case "format" -> {
          if (!FORMATS.contains(value.asString())) {
            errors.add(at + ": format " + value + " is not checked by this validator");
          }
        }
        default -> {
          // const: any value
        }
      }
    }
  }
}

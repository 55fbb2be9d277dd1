package dev.tinycheckout.http.json;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the body of {@code POST /checkout} strictly into a {@link CheckoutRequest}.
 *
 * <p>The body is one JSON object:
 *
 * <pre>{@code
 * {"items": [{"sku": "one-dollar-item", "quantity": 2}],
 *  "email": "jo@example.com",
 *  "acceptedTerms": "2025-01",
 *  "marketingOptIn": false,
 *  "paymentToken": "tok_ok",
 *  "immediatePerformance": false}
 * }</pre>
 *
 * <p>{@code items}, {@code email}, {@code paymentToken} and, in each line, {@code sku} and {@code
 * quantity} are required; {@code acceptedTerms} may be absent (no terms accepted), and {@code
 * marketingOptIn} and {@code immediatePerformance} may be absent (false). Nothing else is accepted:
 * the whole body is checked for shape first, so a body that is both malformed and invalid is
 * reported as malformed.
 *
 * <ul>
 *   <li>{@link MalformedRequestException} ({@code malformed-request}, HTTP 400): not JSON, content
 *       after the object, a top level other than an object, a duplicate key, an unknown field, a
 *       missing required field, or a value of the wrong JSON type &mdash; including a fraction, or
 *       an integer beyond {@code int}, for {@code quantity}, and {@code null} for any field.
 *   <li>{@link ValidationException} ({@code validation-failed}, HTTP 422): well-typed values that
 *       break a rule of {@link CheckoutRequest}, such as quantity 0, 21 lines or a bad email.
 * </ul>
 *
 * <p>Both name the field as a path such as {@code items[1].quantity}; {@value
 * MalformedRequestException#ROOT} stands for the body as a whole. Bodies longer than {@value
 * #MAX_BODY_BYTES} bytes, nested deeper than {@value #MAX_NESTING_DEPTH} levels or holding numbers
 * longer than {@value #MAX_NUMBER_LENGTH} digits are refused as malformed before they can use much
 * memory (the HTTP contract answers an oversized body with 413 before it reaches this reader).
 *
 * <p>Instances are immutable and thread-safe; one can serve every request.
 */
public final class CheckoutRequestReader {
  /** The longest body accepted, in bytes (or characters, for {@link #read(String)}). */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  /** The deepest nesting of objects and arrays accepted. */
  public static final int MAX_NESTING_DEPTH = 8;

  /** The most characters of a JSON number accepted. */
  public static final int MAX_NUMBER_LENGTH = 32;

  private static final String FIELDS =
      "the fields are items, email, acceptedTerms, marketingOptIn, paymentToken and"
          + " immediatePerformance";

  private static final String WITHDRAWAL_FIELDS = "the fields are email and, optionally, name";

  private static final CheckoutRequestReader DEFAULTS = new CheckoutRequestReader();

  private final JsonFactory factory;

  private CheckoutRequestReader() {
    this.factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_BODY_BYTES)
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxStringLength(MAX_BODY_BYTES)
                    .maxNameLength(256)
                    .maxTokenCount(MAX_BODY_BYTES)
                    .build())
            .build();
  }

  /**
   * The reader with the limits of the HTTP contract.
   *
   * @return a shared, thread-safe reader
   */
  public static CheckoutRequestReader ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Reads a UTF-8 request body.
   *
   * @param body the body bytes, as received
   * @return the validated request
   * @throws MalformedRequestException if the body is not JSON or not of the contract's shape
   * @throws ValidationException if a well-typed value breaks a rule, naming the field
   */
  public CheckoutRequest read(byte[] body) {
    Objects.requireNonNull(body, "body");
    requireSize(body.length);
    return parse(() -> factory.createParser(ObjectReadContext.empty(), body));
  }

  /**
   * Reads a request body that has already been decoded to text.
   *
   * @param body the body text
   * @return the validated request
   * @throws MalformedRequestException if the body is not JSON or not of the contract's shape
   * @throws ValidationException if a well-typed value breaks a rule, naming the field
   */
  public CheckoutRequest read(String body) {
    Objects.requireNonNull(body, "body");
    requireSize(body.length());
    return parse(() -> factory.createParser(ObjectReadContext.empty(), body));
  }

  /**
   * Reads the UTF-8 body of {@code POST /orders/{id}/withdrawal}: {@code {"email"}} and optionally
   * {@code "name"}, nothing else, with the same strictness as a checkout body.
   *
   * @param orderId the order named by the path
   * @param body the body bytes, as received
   * @return the validated request
   * @throws MalformedRequestException if the body is not JSON or not of that shape
   * @throws ValidationException if the email or name breaks a rule, naming the field
   */
  public WithdrawalRequest readWithdrawal(OrderId orderId, byte[] body) {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(body, "body");
    requireSize(body.length);
    JsonParser parser;
    try {
      parser = factory.createParser(ObjectReadContext.empty(), body);
    } catch (JacksonException e) {
      throw notJson(e, null);
    }
    @Nullable String email = null;
    @Nullable String name = null;
    try (JsonParser p = parser) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new MalformedRequestException(
            MalformedRequestException.ROOT,
            "must be a JSON object, but was " + describe(t) + "; " + WITHDRAWAL_FIELDS);
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String field = p.currentName();
        switch (field) {
          case "email" -> email = string(p, field);
          case "name" -> name = string(p, field);
          default ->
              throw new MalformedRequestException(
                  memberPath("", field), "is not a known field; " + WITHDRAWAL_FIELDS);
        }
      }
      JsonToken after = p.nextToken();
      if (after != null) {
        throw new MalformedRequestException(
            MalformedRequestException.ROOT,
            "has " + describe(after) + " after the JSON object; send exactly one object");
      }
    } catch (JacksonException e) {
      throw notJson(e, parser);
    }
    requirePresent(email, "email");
    return new WithdrawalRequest(
        orderId, Email.of(Objects.requireNonNull(email)), Optional.ofNullable(name));
  }

  private static void requireSize(int length) {
    if (length > MAX_BODY_BYTES) {
      throw new MalformedRequestException(
          MalformedRequestException.ROOT,
          "is " + length + " long; send at most " + MAX_BODY_BYTES + " bytes");
    }
  }

  private interface ParserSource {
    JsonParser open();
  }

  private static CheckoutRequest parse(ParserSource source) {
    JsonParser parser;
    try {
      parser = source.open();
    } catch (JacksonException e) {
      throw notJson(e, null);
    }
    RawRequest raw;
    try (JsonParser p = parser) {
      raw = readBody(p);
    } catch (JacksonException e) {
      throw notJson(e, parser);
    }
    return raw.build();
  }

  private static RawRequest readBody(JsonParser p) {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      throw new MalformedRequestException(
          MalformedRequestException.ROOT,
          "must be a JSON object, but was " + describe(t) + "; " + FIELDS);
    }
    RawRequest raw = new RawRequest();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      switch (name) {
        case "items" -> raw.items = readItems(p);
        case "email" -> raw.email = string(p, name);
        case "acceptedTerms" -> raw.acceptedTerms = string(p, name);
        case "marketingOptIn" -> raw.marketingOptIn = bool(p, name);
        case "paymentToken" -> raw.paymentToken = string(p, name);
        case "immediatePerformance" -> raw.immediatePerformance = bool(p, name);
        default ->
            throw new MalformedRequestException(
                memberPath("", name), "is not a known field; " + FIELDS);
      }
    }
    // The loop ends at the closing brace: the parser itself fails on anything else.
    JsonToken after = p.nextToken();
    if (after != null) {
      throw new MalformedRequestException(
          MalformedRequestException.ROOT,
          "has " + describe(after) + " after the JSON object; send exactly one object");
    }
    requirePresent(raw.items, "items");
    requirePresent(raw.email, "email");
    requirePresent(raw.paymentToken, "paymentToken");
    return raw;
  }

  private static List<RawLine> readItems(JsonParser p) {
    List<RawLine> items = new ArrayList<>();
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw new MalformedRequestException(
          "items", "must be an array of {sku, quantity} objects, but was " + describe(t));
    }
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String path = "items[" + items.size() + "]";
      if (t != JsonToken.START_OBJECT) {
        throw new MalformedRequestException(
            path, "must be an object {sku, quantity}, but was " + describe(t));
      }
      RawLine line = new RawLine();
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        switch (name) {
          case "sku" -> line.sku = string(p, path + ".sku");
          case "quantity" -> line.quantity = quantity(p, path + ".quantity");
          default ->
              throw new MalformedRequestException(
                  memberPath(path, name),
                  "is not a known field; the fields of a line are sku, quantity");
        }
      }
      requirePresent(line.sku, path + ".sku");
      requirePresent(line.quantity, path + ".quantity");
      items.add(line);
    }
    return items;
  }

  /** The path of a member; an empty name, which would leave no trace, is shown quoted. */
  private static String memberPath(String parent, String name) {
    String member = name.isEmpty() ? "\"\"" : name;
    return parent.isEmpty() ? member : parent + "." + member;
  }

  private static String string(JsonParser p, String path) {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_STRING) {
      throw new MalformedRequestException(path, "must be a string, but was " + describe(t));
    }
    return p.getString();
  }

  private static boolean bool(JsonParser p, String path) {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw new MalformedRequestException(
          path, "must be true or false, but was " + describe(t) + "; omit it to mean false");
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static Integer quantity(JsonParser p, String path) {
    JsonToken t = p.nextToken();
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new MalformedRequestException(
          path, "must be a whole number without a fraction, but was " + describe(t));
    }
    if (p.getNumberType() != JsonParser.NumberType.INT) {
      throw new MalformedRequestException(
          path, "must be a whole number in the range of a 32-bit integer, but was larger");
    }
    return p.getIntValue();
  }

  private static void requirePresent(@Nullable Object value, String path) {
    if (value == null) {
      throw new MalformedRequestException(path, "is required but missing");
    }
  }

  private static String describe(@Nullable JsonToken t) {
    if (t == null) {
      return "the end of the body";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a number with a fraction or exponent";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> "unexpected JSON (" + t + ")";
    };
  }

  private static MalformedRequestException notJson(
      JacksonException e, @Nullable JsonParser parser) {
    // Constraint violations carry no processor, so the parser at hand gives the position.
    String path =
        parser == null ? MalformedRequestException.ROOT : pathOf(parser.streamReadContext());
    String message = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getName());
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    TokenStreamLocation at = e.getLocation();
    String where =
        at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    return new MalformedRequestException(path, "is not valid JSON: " + message + where, e);
  }

  /** Renders a parser context as a path such as {@code items[1].quantity}. */
  static String pathOf(@Nullable TokenStreamContext context) {
    StringBuilder path = new StringBuilder();
    append(path, context);
    return path.length() == 0 ? MalformedRequestException.ROOT : path.toString();
  }

  private static void append(StringBuilder path, @Nullable TokenStreamContext context) {
    if (context == null || context.inRoot()) {
      return;
    }
    append(path, context.getParent());
    if (context.inArray()) {
      if (context.getCurrentIndex() >= 0) {
        path.append('[').append(context.getCurrentIndex()).append(']');
      }
    } else {
      String name = context.currentName();
      if (name != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(name);
      }
    }
  }

  /** The values as read, before the rules of {@link CheckoutRequest} apply. */
  private static final class RawRequest {
    private @Nullable List<RawLine> items;
    private @Nullable String email;
    private String acceptedTerms = "";
    private boolean marketingOptIn;
    private @Nullable String paymentToken;
    private boolean immediatePerformance;

    CheckoutRequest build() {
      CheckoutRequest.Builder b = CheckoutRequest.builder();
      for (RawLine line : Objects.requireNonNull(items)) {
        b.item(Objects.requireNonNull(line.sku), Objects.requireNonNull(line.quantity));
      }
      return b.email(Objects.requireNonNull(email))
          .acceptedTerms(acceptedTerms)
          .marketingOptIn(marketingOptIn)
          .paymentToken(Objects.requireNonNull(paymentToken))
          .immediatePerformance(immediatePerformance)
          .build();
    }
  }

  private static final class RawLine {
    private @Nullable String sku;
    private @Nullable Integer quantity;
  }
}

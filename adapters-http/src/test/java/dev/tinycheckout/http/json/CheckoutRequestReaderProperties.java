package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.LineItem;
import dev.tinycheckout.order.Email;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The laws of the strict checkout reader: what Jackson writes from a valid request reads back as
 * that request; and no body, however mangled, makes the reader throw anything but a {@link
 * ValidationException} (malformed or invalid) that names a field.
 */
class CheckoutRequestReaderProperties {
  private static final CheckoutRequestReader READER = CheckoutRequestReader.ofDefaults();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> TOP_LEVEL =
      List.of(
          "items",
          "email",
          "acceptedTerms",
          "marketingOptIn",
          "paymentToken",
          "immediatePerformance");

  @Provide
  Arbitrary<CheckoutRequest> requests() {
    Arbitrary<String> skus =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .numeric()
            .withChars("._-")
            .ofMinLength(0)
            .ofMaxLength(20)
            .map(s -> "s" + s);
    Arbitrary<List<LineItem>> lines =
        Combinators.combine(skus, Arbitraries.integers().between(1, 100))
            .as((sku, quantity) -> new LineItem(Sku.of(sku), quantity))
            .list()
            .ofMinSize(1)
            .ofMaxSize(20)
            .uniqueElements(LineItem::sku);
    Arbitrary<Email> emails =
        Combinators.combine(
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withChars("+_!#")
                    .ofMinLength(1)
                    .ofMaxLength(20),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20))
            .as((local, domain) -> Email.of(local + "@" + domain + ".example"));
    Arbitrary<String> terms = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(64);
    Arbitrary<String> tokens =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .ofMinLength(1)
            .ofMaxLength(255)
            .filter(s -> !s.isBlank());
    return Combinators.combine(
            lines, emails, terms, Arbitraries.of(true, false), tokens, Arbitraries.of(true, false))
        .as(CheckoutRequest::new);
  }

  private static Map<String, Object> tree(CheckoutRequest request) {
    List<Object> items = new ArrayList<>();
    for (LineItem line : request.items()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("sku", line.sku().value());
      item.put("quantity", line.quantity());
      items.add(item);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", items);
    body.put("email", request.email().value());
    body.put("acceptedTerms", request.acceptedTerms());
    body.put("marketingOptIn", request.marketingOptIn());
    body.put("paymentToken", request.paymentToken());
    body.put("immediatePerformance", request.immediatePerformance());
    return body;
  }

  /** Fails unless reading ends in a request or a validation failure that names a field. */
  private static void assertReadsOrRefusesCleanly(ThrowingCallable read) {
    Throwable thrown = catchThrowable(read);
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(ValidationException.class);
      ValidationException failure = (ValidationException) thrown;
      assertThat(failure.field()).isNotEmpty();
      assertThat(failure.problem()).isIn("malformed-request", "validation-failed");
      assertThat(failure.problem().equals("malformed-request"))
          .isEqualTo(failure instanceof MalformedRequestException);
    }
  }

  /** Law: Jackson's rendering of a valid request reads back as an equal request. */
  @Property
  void aValidRequestWrittenByJacksonReadsBackEqual(@ForAll("requests") CheckoutRequest request) {
    byte[] body = JSON.writeValueAsBytes(tree(request));

    assertThat(READER.read(body)).isEqualTo(request);
    assertThat(READER.read(new String(body, StandardCharsets.UTF_8))).isEqualTo(request);
  }

  /** Law: key order does not change the request read, nor its fingerprint. */
  @Property
  void keyOrderDoesNotChangeTheFingerprint(@ForAll("requests") CheckoutRequest request) {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(tree(request).entrySet());
    java.util.Collections.reverse(entries);
    Map<String, Object> reversed = new LinkedHashMap<>();
    entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));

    CheckoutRequest read =
        READER.read(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reversed));

    assertThat(read.fingerprint()).isEqualTo(request.fingerprint());
  }

  /** Law: every proper prefix of a valid body is malformed, never anything else. */
  @Property
  void aTruncatedBodyIsMalformed(
      @ForAll("requests") CheckoutRequest request,
      @ForAll @IntRange(min = 0, max = 100_000) int cut) {
    byte[] body = JSON.writeValueAsBytes(tree(request));
    byte[] prefix = java.util.Arrays.copyOf(body, cut % body.length);

    Throwable thrown = catchThrowable(() -> READER.read(prefix));

    assertThat(thrown).isInstanceOf(MalformedRequestException.class);
  }

  /** Law: a key repeated after a well-formed body is malformed and names the repeated key. */
  @Property
  void aRepeatedTopLevelKeyIsMalformedAndNamed(
      @ForAll("requests") CheckoutRequest request,
      @ForAll("topLevelKeys") String key,
      @ForAll("jsonValues") String value) {
    String body = JSON.writeValueAsString(tree(request));
    String repeated = body.substring(0, body.length() - 1) + ",\"" + key + "\":" + value + "}";

    Throwable thrown = catchThrowable(() -> READER.read(repeated));

    assertThat(thrown).isInstanceOf(MalformedRequestException.class);
    assertThat(((MalformedRequestException) thrown).field()).isEqualTo(key);
  }

  /** Law: an unknown field is malformed and named, wherever it is injected. */
  @Property
  void anUnknownFieldIsMalformedAndNamed(
      @ForAll("requests") CheckoutRequest request,
      @ForAll("unknownNames") String name,
      @ForAll("jsonValues") String value,
      @ForAll boolean inALine) {
    String body = JSON.writeValueAsString(tree(request));
    String member = JSON.writeValueAsString(name) + ":" + value + ",";
    String shown = name.isEmpty() ? "\"\"" : name; // an empty name is shown quoted
    String injected =
        inALine
            ? body.replaceFirst("\\[\\{", java.util.regex.Matcher.quoteReplacement("[{" + member))
            : "{" + member + body.substring(1);

    Throwable thrown = catchThrowable(() -> READER.read(injected));

    assertThat(thrown).isInstanceOf(MalformedRequestException.class);
    assertThat(((MalformedRequestException) thrown).field())
        .isEqualTo(inALine ? "items[0]." + shown : shown);
  }

  /** Law: dropping a field or giving it a value of any type never fails in an unchecked way. */
  @Property
  void droppingOrRetypingAFieldFailsOnlyWithValidationExceptions(
      @ForAll("requests") CheckoutRequest request,
      @ForAll("topLevelKeys") String topLevelKey,
      @ForAll("lineKeys") String lineKey,
      @ForAll("jsonValues") String value,
      @ForAll boolean drop,
      @ForAll boolean inALine) {
    Map<String, Object> body = tree(request);
    Map<String, Object> target = body;
    String key = inALine ? lineKey : topLevelKey;
    if (inALine) {
      @SuppressWarnings("unchecked")
      Map<String, Object> line = (Map<String, Object>) ((List<Object>) body.get("items")).get(0);
      target = line;
    }
    if (drop) {
      target.remove(key);
    } else {
      target.put(key, JSON.readValue(value, Object.class));
    }

    byte[] mutated = JSON.writeValueAsBytes(body);

    assertReadsOrRefusesCleanly(() -> READER.read(mutated));
  }

  /** Law: flipping or inserting arbitrary bytes never fails in an unchecked way. */
  @Property
  void corruptedBytesFailOnlyWithValidationExceptions(
      @ForAll("requests") CheckoutRequest request,
      @ForAll @IntRange(min = 0, max = 100_000) int at,
      @ForAll byte replacement) {
    byte[] body = JSON.writeValueAsBytes(tree(request));
    body[at % body.length] = replacement;

    assertReadsOrRefusesCleanly(() -> READER.read(body));
  }

  /** Law: any text at all is read or refused cleanly. */
  @Property
  void arbitraryTextFailsOnlyWithValidationExceptions(@ForAll String text) {
    assertReadsOrRefusesCleanly(() -> READER.read(text));
  }

  @Provide
  Arbitrary<String> topLevelKeys() {
    return Arbitraries.of(TOP_LEVEL);
  }

  @Provide
  Arbitrary<String> lineKeys() {
    return Arbitraries.of("sku", "quantity");
  }

  @Provide
  Arbitrary<String> unknownNames() {
    return Arbitraries.strings()
        .ofMaxLength(30)
        .filter(s -> !TOP_LEVEL.contains(s) && !s.equals("sku") && !s.equals("quantity"));
  }

  @Provide
  Arbitrary<String> jsonValues() {
    return Arbitraries.of(
        "null",
        "true",
        "false",
        "0",
        "1",
        "-1",
        "1.5",
        "1e3",
        "2147483648",
        "-99999999999999999999999",
        "\"\"",
        "\"x\"",
        "\"jo@example.com\"",
        "[]",
        "[1,2]",
        "{}",
        "{\"sku\":\"a\",\"quantity\":1}",
        "[{\"sku\":\"a\",\"quantity\":1}]");
  }
}

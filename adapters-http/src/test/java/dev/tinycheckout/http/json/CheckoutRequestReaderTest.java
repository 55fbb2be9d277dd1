package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.LineItem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CheckoutRequestReaderTest {
  private static final CheckoutRequestReader READER = CheckoutRequestReader.ofDefaults();

  private static final String VALID =
      """
      {"items":[{"sku":"one-dollar-item","quantity":2},{"sku":"mug","quantity":1}],
       "email":"jo@example.com","acceptedTerms":"2025-01","marketingOptIn":true,
       "paymentToken":"tok_ok"}""";

  private static CheckoutRequest read(String body) {
    return READER.read(body.getBytes(StandardCharsets.UTF_8));
  }

  private static ValidationException failure(String body) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> read(body));
    assertThat(e).as("reading %s", body).isNotNull();
    return e;
  }

  private static void assertMalformed(String body, String field) {
    ValidationException e = failure(body);
    assertThat(e).isInstanceOf(MalformedRequestException.class);
    assertThat(e.problem()).isEqualTo("malformed-request");
    assertThat(e.field()).isEqualTo(field);
  }

  private static void assertInvalid(String body, String field) {
    ValidationException e = failure(body);
    assertThat(e).isNotInstanceOf(MalformedRequestException.class);
    assertThat(e.problem()).isEqualTo("validation-failed");
    assertThat(e.field()).isEqualTo(field);
  }

  /** A valid body with one line whose quantity member is replaced by the given JSON text. */
  private static String withQuantity(String quantityJson) {
    return "{\"items\":[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":"
        + quantityJson
        + "}],\"email\":\"jo@example.com\",\"paymentToken\":\"tok_ok\"}";
  }

  private static String withLines(int count) {
    return "{\"items\":["
        + IntStream.range(0, count)
            .mapToObj(i -> "{\"sku\":\"sku-" + i + "\",\"quantity\":1}")
            .collect(Collectors.joining(","))
        + "],\"email\":\"jo@example.com\",\"paymentToken\":\"tok_ok\"}";
  }

  @Nested
  class AValidBody {
    @Test
    void becomesTheRequestItDescribes() {
      CheckoutRequest request = read(VALID);

      assertThat(request.items())
          .containsExactly(
              new LineItem(Sku.of("one-dollar-item"), 2), new LineItem(Sku.of("mug"), 1));
      assertThat(request.email().value()).isEqualTo("jo@example.com");
      assertThat(request.acceptedTerms()).isEqualTo("2025-01");
      assertThat(request.marketingOptIn()).isTrue();
      assertThat(request.paymentToken()).isEqualTo("tok_ok");
    }

    @Test
    void withoutTermsAndOptInMeansNoTermsAcceptedAndNoMarketing() {
      CheckoutRequest request =
          read(
              "{\"items\":[{\"sku\":\"a\",\"quantity\":1}],\"email\":\"jo@example.com\","
                  + "\"paymentToken\":\"tok_ok\"}");

      assertThat(request.acceptedTerms()).isEmpty();
      assertThat(request.marketingOptIn()).isFalse();
      assertThat(request.immediatePerformance()).isFalse();
    }

    @Test
    void mayAskForImmediatePerformance() {
      CheckoutRequest request =
          read(VALID.replace("\"marketingOptIn\":true", "\"immediatePerformance\":true"));

      assertThat(request.immediatePerformance()).isTrue();
      assertThat(request.marketingOptIn()).isFalse();
    }

    @Test
    void readsTheSameFromTextAsFromBytes() {
      assertThat(READER.read(VALID)).isEqualTo(read(VALID));
    }

    @Test
    void mayHaveWhitespaceAroundTheObject() {
      assertThat(read(" \n\t" + VALID + "\r\n ")).isEqualTo(read(VALID));
    }

    @Test
    void mayHaveTwentyLines() {
      assertThat(read(withLines(20)).items()).hasSize(20);
    }
  }

  @Nested
  class ABodyThatIsNotOneJsonObject {
    @Test
    void isMalformedWhenItIsNotJson() {
      assertMalformed("hello", "$");
    }

    @Test
    void isMalformedWhenItIsEmpty() {
      assertMalformed("", "$");
    }

    @Test
    void isMalformedWhenGarbageFollowsTheObject() {
      assertMalformed(VALID + " x", "$");
    }

    @Test
    void isMalformedWhenASecondValueFollowsTheObject() {
      assertMalformed(VALID + " {}", "$");
    }

    @Test
    void isMalformedWhenTheTopLevelIsAnArray() {
      assertMalformed("[" + VALID + "]", "$");
    }

    @Test
    void isMalformedWhenTheTopLevelIsAString() {
      assertMalformed("\"items\"", "$");
    }

    @Test
    void isMalformedWhenTheTopLevelIsNull() {
      assertMalformed("null", "$");
    }

    @Test
    void isMalformedWhenTheBytesAreNotUtf8() {
      byte[] body = VALID.replace("jo@", "j\u00e9@").getBytes(StandardCharsets.ISO_8859_1);

      ValidationException e =
          catchThrowableOfType(ValidationException.class, () -> READER.read(body));

      assertThat(e).isInstanceOf(MalformedRequestException.class);
      assertThat(e.field()).isEqualTo("email");
    }

    @Test
    void isMalformedWhenTruncatedInsideALine() {
      assertMalformed("{\"items\":[{\"sku\":\"a\",\"quantity\":", "items[0].quantity");
    }

    @Test
    void isMalformedWhenCommentsAreUsed() {
      assertMalformed("/* hi */" + VALID, "$");
    }

    @Test
    void isMalformedWhenLargerThanTheLimit() {
      String body = VALID.replace("tok_ok", "t".repeat(CheckoutRequestReader.MAX_BODY_BYTES));

      assertMalformed(body, "$");
    }

    @Test
    void isMalformedQuicklyWhenDeeplyNested() {
      assertMalformed("[".repeat(100_000).substring(0, 16_000), "$");
    }
  }

  @Nested
  class ABodyOfTheWrongShape {
    @Test
    void isMalformedWhenATopLevelKeyRepeats() {
      assertMalformed(
          VALID.replace("\"email\":", "\"email\":\"x@example.com\",\"email\":"), "email");
    }

    @Test
    void isMalformedWhenAKeyOfALineRepeats() {
      assertMalformed(
          VALID.replace("{\"sku\":\"mug\"", "{\"sku\":\"mug\",\"sku\":\"cup\""), "items[1].sku");
    }

    @Test
    void isMalformedWhenItemsRepeats() {
      assertMalformed(
          VALID.replace("\"email\":", "\"items\":[{\"sku\":\"x\",\"quantity\":1}],\"email\":"),
          "items");
    }

    @Test
    void isMalformedWhenATopLevelFieldIsUnknown() {
      assertMalformed(VALID.replace("\"email\":", "\"coupon\":\"FREE\",\"email\":"), "coupon");
    }

    @Test
    void isMalformedWhenAFieldOfALineIsUnknown() {
      assertMalformed(
          VALID.replace("{\"sku\":\"mug\"", "{\"price\":1,\"sku\":\"mug\""), "items[1].price");
    }

    @Test
    void isMalformedWhenAQuantityIsAString() {
      assertMalformed(withQuantity("\"2\""), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityHasAFraction() {
      assertMalformed(withQuantity("1.5"), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityHasAnExponent() {
      assertMalformed(withQuantity("1e1"), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityIsBeyondAnInt() {
      assertMalformed(withQuantity("3000000000"), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityIsFarBeyondAnInt() {
      assertMalformed(withQuantity("-" + "9".repeat(40)), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityIsNull() {
      assertMalformed(withQuantity("null"), "items[1].quantity");
    }

    @Test
    void isMalformedWhenAQuantityIsMissing() {
      assertMalformed(VALID.replace(",\"quantity\":1}", "}"), "items[1].quantity");
    }

    @Test
    void isMalformedWhenASkuIsANumber() {
      assertMalformed(VALID.replace("\"mug\"", "7"), "items[1].sku");
    }

    @Test
    void isMalformedWhenALineIsNotAnObject() {
      assertMalformed(VALID.replace("{\"sku\":\"mug\",\"quantity\":1}", "\"mug\""), "items[1]");
    }

    @Test
    void isMalformedWhenItemsIsNotAnArray() {
      assertMalformed(
          "{\"items\":{\"sku\":\"a\",\"quantity\":1},\"email\":\"jo@example.com\","
              + "\"paymentToken\":\"tok_ok\"}",
          "items");
    }

    @Test
    void isMalformedWhenItemsIsMissing() {
      assertMalformed("{\"email\":\"jo@example.com\",\"paymentToken\":\"tok_ok\"}", "items");
    }

    @Test
    void isMalformedWhenTheEmailIsNull() {
      assertMalformed(VALID.replace("\"jo@example.com\"", "null"), "email");
    }

    @Test
    void isMalformedWhenTheEmailIsMissing() {
      assertMalformed(VALID.replace("\"email\":\"jo@example.com\",", ""), "email");
    }

    @Test
    void isMalformedWhenThePaymentTokenIsMissing() {
      assertMalformed(VALID.replace(",\n \"paymentToken\":\"tok_ok\"", ""), "paymentToken");
    }

    @Test
    void isMalformedWhenAcceptedTermsIsNull() {
      assertMalformed(VALID.replace("\"2025-01\"", "null"), "acceptedTerms");
    }

    @Test
    void isMalformedWhenTheOptInIsAString() {
      assertMalformed(
          VALID.replace("\"marketingOptIn\":true", "\"marketingOptIn\":\"yes\""), "marketingOptIn");
    }

    @Test
    void isMalformedWhenImmediatePerformanceIsNotABoolean() {
      assertMalformed(
          VALID.replace("\"marketingOptIn\":true", "\"immediatePerformance\":1"),
          "immediatePerformance");
    }

    @Test
    void isMalformedRatherThanInvalidWhenItIsBoth() {
      assertMalformed(withQuantity("0").replace("\"email\":", "\"coupon\":1,\"email\":"), "coupon");
    }
  }

  @Nested
  class AWellTypedBodyWithInvalidValues {
    @Test
    void isInvalidWhenAQuantityIsZero() {
      assertInvalid(withQuantity("0"), "items[1].quantity");
    }

    @Test
    void isInvalidWhenAQuantityIsNegative() {
      assertInvalid(withQuantity("-1"), "items[1].quantity");
    }

    @Test
    void isInvalidWhenAQuantityIsOverOneHundred() {
      assertInvalid(withQuantity("101"), "items[1].quantity");
    }

    @Test
    void isInvalidWithTwentyOneLines() {
      assertInvalid(withLines(21), "items");
    }

    @Test
    void isInvalidWithNoLines() {
      assertInvalid(withLines(0), "items");
    }

    @Test
    void isInvalidWhenASkuRepeats() {
      assertInvalid(VALID.replace("\"mug\"", "\"one-dollar-item\""), "items[1].sku");
    }

    @Test
    void isInvalidWhenASkuBreaksTheFormat() {
      assertInvalid(VALID.replace("\"mug\"", "\"-mug\""), "items[1].sku");
    }

    @Test
    void isInvalidWhenTheEmailIsBad() {
      assertInvalid(VALID.replace("jo@example.com", "not an email"), "email");
    }

    @Test
    void isInvalidWhenTheEmailIsEmpty() {
      assertInvalid(VALID.replace("jo@example.com", ""), "email");
    }

    @Test
    void isInvalidWhenThePaymentTokenIsBlank() {
      assertInvalid(VALID.replace("\"tok_ok\"", "\" \""), "paymentToken");
    }

    @Test
    void isInvalidWhenTheTermsVersionIsNotAscii() {
      assertInvalid(VALID.replace("2025-01", "2025\\u00e9"), "acceptedTerms");
    }
  }

  @Test
  void aBodyThatIsNotJsonKeepsTheParsersExceptionAsItsCause() {
    MalformedRequestException e =
        catchThrowableOfType(MalformedRequestException.class, () -> READER.read("{\"items\": ["));

    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(tools.jackson.core.JacksonException.class);
  }

  @Test
  void aMalformedRequestBecomesA400ProblemNamingTheField() {
    Problem problem = Problem.from(failure(withQuantity("1.5")));

    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.type()).isEqualTo("https://tinycheckout.dev/problems/malformed-request");
    assertThat(problem.extensions()).containsEntry("field", "items[1].quantity");
  }

  @Test
  void anInvalidRequestBecomesA422ProblemNamingTheField() {
    Problem problem = Problem.from(failure(withQuantity("0")));

    assertThat(problem.status()).isEqualTo(422);
    assertThat(problem.type()).isEqualTo("https://tinycheckout.dev/problems/validation-failed");
    assertThat(problem.extensions()).containsEntry("field", "items[1].quantity");
  }

  @Test
  void aMalformedRequestMovedUnderAPathStaysMalformed() {
    MalformedRequestException e = new MalformedRequestException("quantity", "must be a number");

    MalformedRequestException moved = e.under("items[3]");

    assertThat(moved.field()).isEqualTo("items[3].quantity");
    assertThat(moved.problem()).isEqualTo("malformed-request");
    assertThat(moved.reason()).isEqualTo("must be a number");
  }

  @Test
  void linesKeepTheirOrder() {
    assertThat(read(withLines(3)).items().stream().map(l -> l.sku().value()).toList())
        .isEqualTo(List.of("sku-0", "sku-1", "sku-2"));
  }
}

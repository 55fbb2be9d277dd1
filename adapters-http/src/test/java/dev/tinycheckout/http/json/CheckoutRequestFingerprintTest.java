package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.idempotency.RequestFingerprint;
import org.junit.jupiter.api.Test;

/**
 * The idempotency fingerprint of a body read here is core's {@code CheckoutRequest.fingerprint()},
 * so the same JSON with other whitespace or key order is the same request.
 */
class CheckoutRequestFingerprintTest {
  private static final CheckoutRequestReader READER = CheckoutRequestReader.ofDefaults();

  private static final String COMPACT =
      "{\"items\":[{\"sku\":\"a\",\"quantity\":2},{\"sku\":\"b\",\"quantity\":1}],"
          + "\"email\":\"jo@example.com\",\"acceptedTerms\":\"v1\",\"marketingOptIn\":false,"
          + "\"paymentToken\":\"tok_ok\"}";

  private static final String REORDERED_AND_SPACED =
      """
      {
        "paymentToken" : "tok_ok",
        "marketingOptIn" : false,
        "acceptedTerms" : "v1",
        "email" : "jo@example.com",
        "items" : [ { "quantity" : 2, "sku" : "a" },
                    { "quantity" : 1, "sku" : "b" } ]
      }
      """;

  private static RequestFingerprint fingerprint(String body) {
    return READER.read(body).fingerprint();
  }

  @Test
  void bodiesThatDifferOnlyInWhitespaceAndKeyOrderHaveEqualFingerprints() {
    assertThat(fingerprint(REORDERED_AND_SPACED)).isEqualTo(fingerprint(COMPACT));
  }

  @Test
  void anAbsentOptInHasTheFingerprintOfFalse() {
    assertThat(fingerprint(COMPACT.replace("\"marketingOptIn\":false,", "")))
        .isEqualTo(fingerprint(COMPACT));
  }

  @Test
  void aDifferentQuantityGivesADifferentFingerprint() {
    assertThat(fingerprint(COMPACT.replace("\"quantity\":2", "\"quantity\":3")))
        .isNotEqualTo(fingerprint(COMPACT));
  }

  @Test
  void aDifferentPaymentTokenGivesADifferentFingerprint() {
    assertThat(fingerprint(COMPACT.replace("tok_ok", "tok_declined")))
        .isNotEqualTo(fingerprint(COMPACT));
  }

  @Test
  void aDifferentOptInGivesADifferentFingerprint() {
    assertThat(fingerprint(COMPACT.replace("\"marketingOptIn\":false", "\"marketingOptIn\":true")))
        .isNotEqualTo(fingerprint(COMPACT));
  }

  @Test
  void anAbsentImmediatePerformanceHasTheFingerprintOfFalse() {
    assertThat(fingerprint(COMPACT.replace("}]", "}],\"immediatePerformance\":false")))
        .isEqualTo(fingerprint(COMPACT));
  }

  @Test
  void immediatePerformanceGivesADifferentFingerprint() {
    assertThat(fingerprint(COMPACT.replace("}]", "}],\"immediatePerformance\":true")))
        .isNotEqualTo(fingerprint(COMPACT));
  }

  @Test
  void swappedLinesGiveADifferentFingerprint() {
    String swapped =
        COMPACT.replace(
            "[{\"sku\":\"a\",\"quantity\":2},{\"sku\":\"b\",\"quantity\":1}]",
            "[{\"sku\":\"b\",\"quantity\":1},{\"sku\":\"a\",\"quantity\":2}]");

    assertThat(fingerprint(swapped)).isNotEqualTo(fingerprint(COMPACT));
  }
}

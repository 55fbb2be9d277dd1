package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.OrderId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsentEntryTest {
  /** The draft of the published test vector. */
  private static final ConsentDraft GOLDEN =
      new ConsentDraft(
          SubjectId.of("0123456789abcdef".repeat(4)),
          ConsentAction.GRANTED,
          ConsentPurpose.TERMS_OF_SALE,
          "2026-11-01",
          ConsentHash.sha256("Terms of sale.".getBytes(StandardCharsets.UTF_8)),
          "checkout",
          OrderId.parse("01936f0e-5a5b-7c3d-8e4f-0123456789ab"),
          Instant.parse("2026-11-25T10:15:30.123456Z"),
          "c2VhbGVk");

  @Test
  void theHashesMatchTheTestVectorComputedOutsideJava() {
    // Computed with Python's hashlib and struct from the documented format, not with this code.
    ConsentEntry first = ConsentEntry.chain(GOLDEN, 1, ConsentHash.ZERO);
    ConsentEntry second = ConsentEntry.chain(GOLDEN, 2, first.hash());

    assertThat(first.hash().hex())
        .isEqualTo("867e473ef7b285e0b10c3c5c57cc5e57d19eb4909a9ce5fe312f1a8508fef1b7");
    assertThat(second.hash().hex())
        .isEqualTo("252fdfa4a064d27bf71d4faa89b5e3adf44319707afbca2b75fec7261d8063e4");
  }

  @Test
  void theCanonicalBytesAreTheDocumentedLengthPrefixedFieldsInOrder() throws IOException {
    ConsentEntry entry = ConsentEntry.chain(GOLDEN, 42, ConsentHash.ZERO);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(expected);
    for (String field :
        new String[] {
          "tinycheckout-consent-entry-v1",
          "42",
          "0".repeat(64),
          "0123456789abcdef".repeat(4),
          "GRANTED",
          "TERMS_OF_SALE",
          "2026-11-01",
          GOLDEN.termsHash().hex(),
          "checkout",
          "01936f0e-5a5b-7c3d-8e4f-0123456789ab",
          "1795601730123456",
          "c2VhbGVk"
        }) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    assertThat(entry.canonicalBytes()).isEqualTo(expected.toByteArray());
    assertThat(entry.hash()).isEqualTo(ConsentHash.sha256(expected.toByteArray()));
  }

  @Test
  void timesBefore1970AreNegativeMicroseconds() {
    ConsentEntry entry =
        ConsentEntry.chain(
            withRecordedAt(Instant.parse("1969-12-31T23:59:59.999999Z")), 1, ConsentHash.ZERO);

    String text = new String(entry.canonicalBytes(), StandardCharsets.ISO_8859_1);
    assertThat(text).contains("\u0000\u0000\u0000\u0002-1");
  }

  @Test
  void anEmptySealedPayloadIsAZeroLengthField() {
    ConsentEntry entry = ConsentEntry.chain(withSealed(""), 1, ConsentHash.ZERO);

    byte[] bytes = entry.canonicalBytes();
    assertThat(bytes).endsWith(0, 0, 0, 0);
  }

  @Test
  void chainingLinksEachEntryToThePreviousHashAndMakesItIntact() {
    ConsentEntry first = ConsentEntry.chain(GOLDEN, 1, ConsentHash.ZERO);
    ConsentEntry second = ConsentEntry.chain(Trails.draft(7), 2, first.hash());

    assertThat(second.previousHash()).isEqualTo(first.hash());
    assertThat(second.isIntact()).isTrue();
    assertThat(second.draft()).isEqualTo(Trails.draft(7));
    assertThat(second.asHead()).isEqualTo(new ConsentHead(2, second.hash()));
  }

  @Test
  void theConstructorKeepsAStoredHashThatDoesNotMatchTheContent() {
    ConsentEntry intact = ConsentEntry.chain(GOLDEN, 1, ConsentHash.ZERO);
    ConsentHash wrong = ConsentHash.sha256(new byte[] {1});

    ConsentEntry tampered =
        new ConsentEntry(
            intact.sequence(),
            intact.subjectId(),
            intact.action(),
            intact.purpose(),
            intact.termsVersion(),
            intact.termsHash(),
            intact.channel(),
            intact.orderId(),
            intact.recordedAt(),
            intact.sealedPersonalData(),
            intact.previousHash(),
            wrong);

    assertThat(tampered.hash()).isEqualTo(wrong);
    assertThat(tampered.isIntact()).isFalse();
    assertThat(tampered.computeHash()).isEqualTo(intact.hash());
  }

  @Test
  void everyFieldChangesTheHash() {
    ConsentEntry base = ConsentEntry.chain(GOLDEN, 1, ConsentHash.ZERO);
    ConsentHash other = ConsentHash.sha256(new byte[] {9});

    assertThat(
            java.util.List.of(
                ConsentEntry.chain(GOLDEN, 2, ConsentHash.ZERO),
                ConsentEntry.chain(GOLDEN, 1, other),
                ConsentEntry.chain(
                    new ConsentDraft(
                        SubjectId.of("1123456789abcdef".repeat(4)),
                        GOLDEN.action(),
                        GOLDEN.purpose(),
                        GOLDEN.termsVersion(),
                        GOLDEN.termsHash(),
                        GOLDEN.channel(),
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        ConsentAction.WITHDRAWN,
                        GOLDEN.purpose(),
                        GOLDEN.termsVersion(),
                        GOLDEN.termsHash(),
                        GOLDEN.channel(),
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        GOLDEN.action(),
                        ConsentPurpose.MARKETING,
                        GOLDEN.termsVersion(),
                        GOLDEN.termsHash(),
                        GOLDEN.channel(),
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        GOLDEN.action(),
                        GOLDEN.purpose(),
                        "2026-11-02",
                        GOLDEN.termsHash(),
                        GOLDEN.channel(),
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        GOLDEN.action(),
                        GOLDEN.purpose(),
                        GOLDEN.termsVersion(),
                        other,
                        GOLDEN.channel(),
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        GOLDEN.action(),
                        GOLDEN.purpose(),
                        GOLDEN.termsVersion(),
                        GOLDEN.termsHash(),
                        "web",
                        GOLDEN.orderId(),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    new ConsentDraft(
                        GOLDEN.subjectId(),
                        GOLDEN.action(),
                        GOLDEN.purpose(),
                        GOLDEN.termsVersion(),
                        GOLDEN.termsHash(),
                        GOLDEN.channel(),
                        Trails.orderId(1),
                        GOLDEN.recordedAt(),
                        GOLDEN.sealedPersonalData()),
                    1,
                    ConsentHash.ZERO),
                ConsentEntry.chain(
                    withRecordedAt(GOLDEN.recordedAt().plusNanos(1000)), 1, ConsentHash.ZERO),
                ConsentEntry.chain(withSealed("c2VhbGVl"), 1, ConsentHash.ZERO)))
        .extracting(ConsentEntry::hash)
        .doesNotContain(base.hash())
        .doesNotHaveDuplicates();
  }

  @Test
  void fieldsAreCheckedOnConstruction() {
    assertThatThrownBy(() -> withSealed("not base64!"))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sealedPersonalData"));
    assertThatThrownBy(() -> withRecordedAt(GOLDEN.recordedAt().plusNanos(1)))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("recordedAt");
              assertThat(e.reason()).contains("microsecond");
            });
    assertThatThrownBy(() -> withRecordedAt(Instant.parse("+10000-01-01T00:00:00Z")))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("recordedAt"));
    assertThatThrownBy(() -> withSealed("A".repeat(4100)))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sealedPersonalData"));
    assertThatThrownBy(() -> ConsentEntry.chain(GOLDEN, 0, ConsentHash.ZERO))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("sequence"));
    for (String channel : new String[] {"", "Checkout", "a b", "x".repeat(33), "café"}) {
      assertThatThrownBy(() -> ConsentEvidence.requireValidChannel(channel))
          .as(channel)
          .asInstanceOf(type(ValidationException.class))
          .satisfies(e -> assertThat(e.field()).isEqualTo("channel"));
    }
    assertThat(ConsentEvidence.requireValidChannel("withdrawal-function-2"))
        .isEqualTo("withdrawal-function-2");
  }

  @Test
  void toStringShowsTheSealedDataOnlyByItsLength() {
    ConsentEntry entry = ConsentEntry.chain(GOLDEN, 1, ConsentHash.ZERO);

    assertThat(entry.toString()).doesNotContain("c2VhbGVk").contains("(8 chars)");
    assertThat(GOLDEN.toString()).doesNotContain("c2VhbGVk");
  }

  private static ConsentDraft withRecordedAt(Instant at) {
    return new ConsentDraft(
        GOLDEN.subjectId(),
        GOLDEN.action(),
        GOLDEN.purpose(),
        GOLDEN.termsVersion(),
        GOLDEN.termsHash(),
        GOLDEN.channel(),
        GOLDEN.orderId(),
        at,
        GOLDEN.sealedPersonalData());
  }

  private static ConsentDraft withSealed(String sealed) {
    return new ConsentDraft(
        GOLDEN.subjectId(),
        GOLDEN.action(),
        GOLDEN.purpose(),
        GOLDEN.termsVersion(),
        GOLDEN.termsHash(),
        GOLDEN.channel(),
        GOLDEN.orderId(),
        GOLDEN.recordedAt(),
        sealed);
  }
}

package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ChainBreak.Reason;
import dev.tinycheckout.memory.InMemoryConsentRows;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ConsentAuditTest {
  private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Email ANN = Email.of("Ann.Smith@Example.org");
  private static final Email BEA = Email.of("bea@example.org");

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final ConsentAudit audit =
      ConsentAudit.builder(storage)
          .subjectSecret(SECRET)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .pageSize(3)
          .build();

  private ConsentEntry append(Email email, ConsentAction action, Optional<String> name) {
    ConsentEvidence evidence =
        new ConsentEvidence(
            email,
            action,
            ConsentPurpose.MARKETING,
            "v1",
            ConsentHash.ZERO,
            "checkout",
            Trails.orderId(1),
            Trails.T0.plusNanos(999),
            name);
    return storage.inTransaction(tx -> audit.append(tx, evidence));
  }

  @Test
  void theSubjectIdIsTheHmacOfTheLowerCasedEmailUnderTheSecret() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    String expected =
        HexFormat.of()
            .formatHex(mac.doFinal("ann.smith@example.org".getBytes(StandardCharsets.UTF_8)));

    assertThat(audit.subjectId(ANN).value()).isEqualTo(expected);
    assertThat(audit.subjectId(Email.of("ANN.SMITH@example.ORG"))).isEqualTo(audit.subjectId(ANN));
    assertThat(audit.subjectId(BEA)).isNotEqualTo(audit.subjectId(ANN));
  }

  @Test
  void anotherSecretGivesOtherSubjectIds() {
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    ConsentAudit second = ConsentAudit.builder(storage).subjectSecret(other).build();

    assertThat(second.subjectId(ANN)).isNotEqualTo(audit.subjectId(ANN));
  }

  @Test
  void aSecretShorterThan32BytesIsRefused() {
    assertThatThrownBy(() -> ConsentAudit.builder(storage).subjectSecret(new byte[31]))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("subjectSecret");
              assertThat(e.reason()).contains("31");
            });
    assertThatThrownBy(() -> ConsentAudit.builder(storage).pageSize(0))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void anAppendPseudonymisesSealsAndChainsTheEvidence() {
    ConsentEntry entry = append(ANN, ConsentAction.GRANTED, Optional.of("Ann"));

    assertThat(entry.sequence()).isEqualTo(1);
    assertThat(entry.subjectId()).isEqualTo(audit.subjectId(ANN));
    assertThat(entry.recordedAt()).as("kept to the microsecond").isEqualTo(Trails.T0);
    assertThat(entry.isIntact()).isTrue();
    assertThat(entry.sealedPersonalData()).isNotEmpty();
    String stored = new String(entry.canonicalBytes(), StandardCharsets.UTF_8);
    assertThat(stored).doesNotContainIgnoringCase("ann").doesNotContainIgnoringCase("example");
    Optional<SubjectKey> key =
        storage.inTransaction(tx -> tx.consents().subjectKey(entry.subjectId()));
    assertThat(key).isPresent();
  }

  @Test
  void twoAppendsOfOneSubjectShareItsKeyButNotTheirCiphertext() {
    ConsentEntry first = append(ANN, ConsentAction.GRANTED, Optional.empty());
    ConsentEntry second = append(ANN, ConsentAction.GRANTED, Optional.empty());

    assertThat(second.sealedPersonalData()).isNotEqualTo(first.sealedPersonalData());
    assertThat(audit.export(ANN)).extracting(SubjectRecord::email).containsOnly(Optional.of(ANN));
  }

  @Test
  void exportReturnsEverythingAboutOneEmailOpenedAndNothingAboutOthers() {
    ConsentEntry a1 = append(ANN, ConsentAction.GRANTED, Optional.empty());
    append(BEA, ConsentAction.GRANTED, Optional.empty());
    ConsentEntry a3 = append(ANN, ConsentAction.WITHDRAWN, Optional.of("Ann Smith"));

    List<SubjectRecord> records = audit.export(Email.of("ann.smith@example.org"));

    assertThat(records).extracting(SubjectRecord::entry).containsExactly(a1, a3);
    assertThat(records).extracting(SubjectRecord::email).containsOnly(Optional.of(ANN));
    assertThat(records)
        .extracting(SubjectRecord::name)
        .containsExactly(Optional.empty(), Optional.of("Ann Smith"));
    assertThat(records).noneMatch(SubjectRecord::erased);
    assertThat(audit.export(Email.of("nobody@example.org"))).isEmpty();
    assertThat(records.get(1).toString()).doesNotContain("Ann Smith");
  }

  @Test
  void erasureDeletesTheKeySoThePersonalDataIsGoneButTheTrailStillVerifies() {
    append(ANN, ConsentAction.GRANTED, Optional.of("Ann"));
    append(BEA, ConsentAction.GRANTED, Optional.empty());
    append(ANN, ConsentAction.WITHDRAWN, Optional.empty());
    ConsentHead before = audit.head();

    ErasureResult result = audit.erase(ANN);

    assertThat(result).isEqualTo(new ErasureResult(audit.subjectId(ANN), true, 2, NOW));
    assertThat(audit.export(ANN))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.erased()).isTrue();
              assertThat(r.email()).isEmpty();
              assertThat(r.name()).isEmpty();
            });
    assertThat(audit.export(BEA)).singleElement().satisfies(r -> assertThat(r.erased()).isFalse());
    assertThat(audit.verify().valid()).isTrue();
    assertThat(audit.verify(before).valid()).isTrue();
    assertThat(audit.erase(ANN)).isEqualTo(new ErasureResult(audit.subjectId(ANN), false, 0, NOW));
  }

  @Test
  void aSubjectThatReturnsAfterErasureGetsANewKeyThatDoesNotOpenTheErasedEntries() {
    append(ANN, ConsentAction.GRANTED, Optional.empty());
    audit.erase(ANN);
    append(ANN, ConsentAction.GRANTED, Optional.empty());

    assertThat(audit.export(ANN)).extracting(SubjectRecord::erased).containsExactly(true, false);
  }

  @Test
  void aPayloadMovedToAnotherSubjectsEntryDoesNotOpen() {
    ConsentEntry ann = append(ANN, ConsentAction.GRANTED, Optional.empty());
    ConsentEntry bea = append(BEA, ConsentAction.GRANTED, Optional.empty());
    SubjectKey beasKey =
        storage.inTransaction(tx -> tx.consents().subjectKey(bea.subjectId())).orElseThrow();

    assertThat(PersonalDataSeal.open(beasKey, bea.subjectId(), bea.sealedPersonalData()))
        .isPresent();
    assertThat(PersonalDataSeal.open(beasKey, bea.subjectId(), ann.sealedPersonalData())).isEmpty();
    assertThat(PersonalDataSeal.open(beasKey, ann.subjectId(), bea.sealedPersonalData())).isEmpty();
  }

  @Test
  void verifyWalksTheWholeTrailInPagesAndReportsTheHead() {
    for (int i = 0; i < 10; i++) {
      append(i % 2 == 0 ? ANN : BEA, ConsentAction.GRANTED, Optional.empty());
    }

    ConsentVerification v = audit.verify();

    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(10);
    assertThat(v.head()).isEqualTo(audit.head());
    assertThat(v.head().sequence()).isEqualTo(10);
  }

  @Test
  void verifyChecksTheTrailAgainstTheStoresOwnHead() {
    for (int i = 0; i < 5; i++) {
      append(ANN, ConsentAction.GRANTED, Optional.empty());
    }
    InMemoryConsentRows rows = InMemoryConsentRows.of(storage);
    rows.delete(5);

    ConsentVerification v = audit.verify();

    assertThat(v.firstBreak())
        .hasValueSatisfying(
            b -> {
              assertThat(b.reason()).isEqualTo(Reason.TRUNCATED);
              assertThat(b.sequence()).isEqualTo(5);
            });
  }

  @Test
  void verifyAgainstATrustedHeadCatchesATailRemovedTogetherWithTheStoresHead() {
    for (int i = 0; i < 6; i++) {
      append(ANN, ConsentAction.GRANTED, Optional.empty());
    }
    ConsentHead trusted = audit.head();
    InMemoryConsentRows rows = InMemoryConsentRows.of(storage);
    rows.delete(6);
    rows.delete(5);
    rows.setHead(rows.all().get(3).asHead());

    assertThat(audit.verify().valid()).as("the store's own head was reset").isTrue();
    ConsentVerification v = audit.verify(trusted);
    assertThat(v.firstBreak().orElseThrow().reason()).isEqualTo(Reason.TRUNCATED);
    assertThat(v.firstBreak().orElseThrow().sequence()).isEqualTo(5);
  }

  @Test
  void anEmptyTrailVerifies() {
    assertThat(audit.verify())
        .isEqualTo(new ConsentVerification(true, 0, ConsentHead.EMPTY, Optional.empty()));
    assertThat(audit.head()).isEqualTo(ConsentHead.EMPTY);
  }

  @Test
  void aRolledBackAppendLeavesNeitherEntryNorKey() {
    ConsentEvidence evidence =
        ConsentEvidence.of(
            ANN,
            ConsentAction.GRANTED,
            ConsentPurpose.TERMS_OF_SALE,
            "v1",
            ConsentHash.ZERO,
            "checkout",
            OrderId.generate(Clock.systemUTC()),
            Trails.T0);
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      audit.append(tx, evidence);
                      throw new IllegalStateException("rolled back");
                    }))
        .hasMessage("rolled back");

    Optional<SubjectKey> key =
        storage.inTransaction(tx -> tx.consents().subjectKey(audit.subjectId(ANN)));
    assertThat(key).isEmpty();
    assertThat(audit.head()).isEqualTo(ConsentHead.EMPTY);
  }
}

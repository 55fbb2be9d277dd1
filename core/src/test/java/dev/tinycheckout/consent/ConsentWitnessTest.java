package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.OrderTrails.SIGNER;
import static dev.tinycheckout.consent.OrderTrails.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.OrderId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentWitnessTest {
  private static final OrderId ORDER = Trails.orderId(7);
  private static final OrderId OTHER = Trails.orderId(8);

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final List<ConsentEntry> entries =
      OrderTrails.append(storage, List.of(OTHER, ORDER, OTHER, OTHER, ORDER, OTHER));
  private final ConsentAudit audit =
      ConsentAudit.builder(storage).subjectSecret(new byte[32]).checkpointSigner(SIGNER).build();
  private final ConsentWitness witness = audit.witnessFor(ORDER).orElseThrow();

  private static void assertRefused(Runnable action, Reason reason) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            ConsentProofException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void theTextIsOneBlockWithTheCheckpointThenEachEntryWithItsFieldsAndProof() {
    String text = witness.text();
    ConsentEntry second = entries.get(1);

    assertThat(text)
        .startsWith(
            ConsentWitness.BEGIN
                + "\nformat: tinycheckout-consent-witness-v1\norder: "
                + ORDER
                + "\ncheckpoint:\n"
                + witness.checkpoint().text()
                + "entry: 2\naction: "
                + second.action()
                + "\npurpose: "
                + second.purpose()
                + "\nterms-version: "
                + second.termsVersion()
                + "\nterms-hash: "
                + second.termsHash().hex()
                + "\nchannel: "
                + second.channel()
                + "\nrecorded-at: "
                + second.recordedAt()
                + "\nsubject: "
                + second.subjectId().value()
                + "\nsealed: "
                + second.sealedPersonalData()
                + "\nprevious-hash: "
                + second.previousHash().hex()
                + "\nhash: "
                + second.hash().hex()
                + "\nproof: "
                + witness.inclusions().get(0).proof().path().get(0).hex()
                + "\n")
        .contains("\nentry: 5\n")
        .endsWith("\n" + ConsentWitness.END + "\n");
    assertThat(text.lines().filter(l -> l.startsWith("proof: ")))
        .hasSize(
            witness.inclusions().get(0).proof().path().size()
                + witness.inclusions().get(1).proof().path().size());
  }

  @Test
  void anEntryWithoutSealedDataShowsADash() {
    InMemoryStorage other = InMemoryStorage.create();
    // Trails.draft(4) has no sealed data.
    OrderTrails.append(other, List.of(OTHER, OTHER, OTHER, ORDER));
    ConsentWitness w =
        ConsentAudit.builder(other)
            .checkpointSigner(SIGNER)
            .build()
            .witnessFor(ORDER)
            .orElseThrow();

    assertThat(w.text()).contains("\nsealed: -\n");
    assertThat(ConsentWitness.parse(w.text())).isEqualTo(w);
  }

  @Test
  void aWitnessIsFoundInAWholeEmailWithCrLfLineEnds() {
    String email =
        ("Thank you for your order.\n\nYour copy of our consent record:\n\n"
                + witness.text()
                + "\nExample Shop\n")
            .replace("\n", "\r\n");

    ConsentWitness read = ConsentWitness.parse(email);

    assertThat(read).isEqualTo(witness);
    read.verify(VERIFIER);
    assertThat(ConsentWitness.parse(witness.text().stripTrailing())).isEqualTo(witness);
  }

  @Test
  void aTextWithoutABlockWithTwoBlocksOrAnUnendedBlockIsMalformed() {
    String text = witness.text();

    assertRefused(() -> ConsentWitness.parse("no witness here"), Reason.MALFORMED);
    assertRefused(() -> ConsentWitness.parse(text + text), Reason.MALFORMED);
    assertRefused(
        () -> ConsentWitness.parse(text.replace(ConsentWitness.END, "")), Reason.MALFORMED);
    assertRefused(
        () -> ConsentWitness.parse("x".repeat(ConsentWitness.MAX_TEXT_LENGTH + 1)),
        Reason.MALFORMED);
  }

  @Test
  void theParserAcceptsOnlyTheCanonicalFormOfEachField() {
    String text = witness.text();
    String hash = entries.get(1).hash().hex();

    for (String changed :
        List.of(
            text.replace("hash: " + hash, "hash: " + hash.toUpperCase(java.util.Locale.ROOT)),
            text.replace(
                "order: " + ORDER, "order: " + ORDER.toString().toUpperCase(java.util.Locale.ROOT)),
            text.replace("entry: 2\n", "entry: 02\n"),
            text.replace("entry: 2\n", "entry:  2\n"),
            text.replace("\nchannel: ", "\nchannel:"),
            text.replace(
                "format: tinycheckout-consent-witness-v1",
                "format: tinycheckout-consent-witness-v2"),
            text.replace("\ncheckpoint:\n", "\n"),
            text.replace("\nterms-version: ", "\nterms-version: \t"))) {
      assertThat(changed).isNotEqualTo(text);
      assertRefused(() -> ConsentWitness.parse(changed), Reason.MALFORMED);
    }
  }

  @Test
  void aChangedFieldParsesButDoesNotVerify() {
    ConsentEntry second = entries.get(1);
    ConsentPurpose otherPurpose =
        second.purpose() == ConsentPurpose.MARKETING
            ? ConsentPurpose.TERMS_OF_SALE
            : ConsentPurpose.MARKETING;
    String changed =
        witness.text().replaceFirst("purpose: " + second.purpose(), "purpose: " + otherPurpose);

    ConsentWitness read = ConsentWitness.parse(changed);

    assertRefused(() -> read.verify(VERIFIER), Reason.INCLUSION_FAILED);
  }

  @Test
  void aWitnessSignedByAnotherKeyIsRefused() {
    CheckpointVerifier stranger = CheckpointSigner.generate("shop.example/consent").verifier();

    assertRefused(() -> witness.verify(stranger), Reason.UNKNOWN_KEY);
  }

  @Test
  void refusalsNeverRepeatTheRefusedText() {
    String secretLooking = "sk_live_do_not_echo";
    String changed =
        witness.text().replaceFirst("\nchannel: [^\\n]*", "\nchannel: " + secretLooking);

    assertThatThrownBy(() -> ConsentWitness.parse(changed))
        .isInstanceOf(ConsentProofException.class)
        .hasMessageContaining("channel")
        .hasMessageNotContaining(secretLooking);
  }

  @Test
  void theConstructorChecksThatThePartsBelongTogether() {
    SignedCheckpoint checkpoint = witness.checkpoint();
    ConsentWitness.Inclusion first = witness.inclusions().get(0);
    ConsentWitness.Inclusion second = witness.inclusions().get(1);

    assertRefused(() -> new ConsentWitness(checkpoint, ORDER, List.of()), Reason.MALFORMED);
    assertRefused(() -> new ConsentWitness(checkpoint, OTHER, List.of(first)), Reason.MALFORMED);
    assertRefused(
        () -> new ConsentWitness(checkpoint, ORDER, List.of(second, first)), Reason.MALFORMED);
    assertRefused(
        () -> new ConsentWitness(checkpoint, ORDER, List.of(first, first)), Reason.MALFORMED);
    SignedCheckpoint smaller = audit.checkpoint();
    OrderTrails.append(storage, 1);
    SignedCheckpoint larger = audit.checkpoint();
    assertThat(smaller).isNotEqualTo(larger);
    assertRefused(() -> new ConsentWitness(larger, ORDER, List.of(first)), Reason.WRONG_SIZE);
    assertRefused(
        () -> new ConsentWitness.Inclusion(second.entry(), first.proof()), Reason.WRONG_SIZE);
  }

  @Test
  void theWitnessesToStringNamesOrderSizeAndCheckpointOnly() {
    assertThat(witness.toString())
        .contains(ORDER.toString())
        .contains("2 entries")
        .doesNotContain(entries.get(1).sealedPersonalData());
  }
}

package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.OrderTrails.SIGNER;
import static dev.tinycheckout.consent.OrderTrails.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import dev.tinycheckout.memory.InMemoryConsentRows;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** ConsentAudit's checkpoints, witnesses and consistency proofs, over the in-memory store. */
class ConsentAuditCertifyTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final OrderId ANNS_ORDER = Trails.orderId(7);
  private static final OrderId BEAS_ORDER = Trails.orderId(8);

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final InMemoryConsentRows rows = InMemoryConsentRows.of(storage);
  private final ConsentAudit audit = certifyingAudit(storage);

  private static ConsentAudit certifyingAudit(InMemoryStorage storage) {
    return ConsentAudit.builder(storage)
        .subjectSecret(SECRET)
        .pageSize(4)
        .checkpointSigner(SIGNER)
        .build();
  }

  @Test
  void aCheckpointIsTheSignedRootOfTheChainHashesOfTheWholeTrail() {
    List<ConsentEntry> entries = OrderTrails.append(storage, 10);

    SignedCheckpoint signed = audit.checkpoint();

    Checkpoint checkpoint = VERIFIER.verify(signed.text());
    assertThat(checkpoint.origin()).isEqualTo("shop.example/consent");
    assertThat(checkpoint.treeSize()).isEqualTo(10);
    assertThat(checkpoint.rootHash()).isEqualTo(MerkleTree.root(OrderTrails.hashes(entries)));
  }

  @Test
  void theSameCheckpointComesBackUntilTheTrailGrows() {
    OrderTrails.append(storage, 3);
    SignedCheckpoint first = audit.checkpoint();

    assertThat(audit.checkpoint()).isSameAs(first);

    OrderTrails.append(storage, 1);
    assertThat(audit.checkpoint().checkpoint().treeSize()).isEqualTo(4);
  }

  @Test
  void anEmptyTrailHasTheSignedCheckpointOfSizeZero() {
    Checkpoint checkpoint = VERIFIER.verify(audit.checkpoint());

    assertThat(checkpoint.treeSize()).isZero();
    assertThat(checkpoint.rootHash()).isEqualTo(MerkleTree.EMPTY_ROOT);
  }

  @Test
  void withoutASignerCheckpointAndWitnessThrowAndSayWhatToConfigure() {
    ConsentAudit unsigned = ConsentAudit.builder(storage).subjectSecret(SECRET).build();
    OrderTrails.append(storage, List.of(ANNS_ORDER, ANNS_ORDER));

    assertThatThrownBy(unsigned::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checkpointSigner(");
    assertThatThrownBy(() -> unsigned.witnessFor(ANNS_ORDER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a checkpoint signer");
    assertThat(unsigned.origin()).isEqualTo(ConsentAudit.DEFAULT_ORIGIN);
    assertThat(unsigned.consistencyProof(1, 2))
        .as("proofs need no key")
        .isEqualTo(MerkleTree.consistencyProof(1, OrderTrails.hashes(rows.all())));
  }

  @Test
  void theOriginIsTheSignersNameUnlessSet() {
    ConsentAudit other =
        ConsentAudit.builder(storage).checkpointSigner(SIGNER).origin("shop.example/c").build();

    assertThat(audit.origin()).isEqualTo(SIGNER.name());
    assertThat(VERIFIER.verify(other.checkpoint()).origin()).isEqualTo("shop.example/c");
    assertThatThrownBy(() -> ConsentAudit.builder(storage).origin("shop example"))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("origin"));
  }

  @Test
  void aWitnessHoldsEveryEntryOfTheOrderEachWithAProofThatVerifies() {
    List<OrderId> orders = new ArrayList<>(Collections.nCopies(12, BEAS_ORDER));
    orders.set(1, ANNS_ORDER);
    orders.set(4, ANNS_ORDER);
    orders.set(8, ANNS_ORDER);
    List<ConsentEntry> entries = OrderTrails.append(storage, orders);

    ConsentWitness witness = audit.witnessFor(ANNS_ORDER).orElseThrow();

    assertThat(witness.orderId()).isEqualTo(ANNS_ORDER);
    assertThat(witness.inclusions())
        .extracting(ConsentWitness.Inclusion::entry)
        .containsExactly(entries.get(1), entries.get(4), entries.get(8));
    Checkpoint checkpoint = witness.verify(VERIFIER);
    assertThat(checkpoint.treeSize()).isEqualTo(12);
    assertThat(witness.checkpoint()).isEqualTo(audit.checkpoint());
    for (ConsentWitness.Inclusion inclusion : witness.inclusions()) {
      VERIFIER.verifyInclusion(witness.checkpoint(), inclusion.entry().hash(), inclusion.proof());
    }
    assertThat(audit.witnessFor(Trails.orderId(99))).isEmpty();
  }

  @Test
  void aWitnessOfEntriesAppendedThroughTheAuditReadsBackFromItsTextAndVerifies() {
    ConsentEntry entry =
        storage.inTransaction(
            tx ->
                audit.append(
                    tx,
                    ConsentEvidence.of(
                        Email.of("ann@example.org"),
                        ConsentAction.GRANTED,
                        ConsentPurpose.TERMS_OF_SALE,
                        "2026-11-01",
                        ConsentHash.sha256("the terms".getBytes(StandardCharsets.UTF_8)),
                        ConsentEvidence.CHANNEL_CHECKOUT,
                        ANNS_ORDER,
                        Trails.T0)));

    ConsentWitness witness = audit.witnessFor(ANNS_ORDER).orElseThrow();
    ConsentWitness read = ConsentWitness.parse(witness.text());

    assertThat(read).isEqualTo(witness);
    assertThat(read.inclusions().get(0).entry()).isEqualTo(entry);
    assertThat(read.verify(VERIFIER).treeSize()).isEqualTo(1);
    assertThat(witness.text()).doesNotContain("ann@example.org");
  }

  @Test
  void anOrderWithMoreEntriesThanAWitnessHoldsIsRefusedClearly() {
    OrderTrails.append(storage, Collections.nCopies(ConsentWitness.MAX_ENTRIES + 1, ANNS_ORDER));

    assertThatThrownBy(() -> audit.witnessFor(ANNS_ORDER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("101 consent entries");
  }

  @Test
  void aLaterCheckpointIsProvenConsistentWithAnEarlierOne() {
    OrderTrails.append(storage, 5);
    SignedCheckpoint older = audit.checkpoint();
    OrderTrails.append(storage, 7);
    SignedCheckpoint newer = audit.checkpoint();

    ConsistencyProof proof = audit.consistencyProof(5, 12);

    VERIFIER.verifyConsistency(older, newer, proof);
    assertThat(proof).isEqualTo(MerkleTree.consistencyProof(5, OrderTrails.hashes(rows.all())));
  }

  @Test
  void aConsistencyProofBeyondTheTrailIsTheWrongSize() {
    OrderTrails.append(storage, 3);

    assertThatThrownBy(() -> audit.consistencyProof(2, 4))
        .isInstanceOfSatisfying(
            ConsentProofException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_SIZE));
    assertThatThrownBy(() -> audit.consistencyProof(3, 3))
        .isInstanceOf(ConsentProofException.class);
  }

  @Test
  void anEditedEntryIsNeverCertified() {
    List<ConsentEntry> entries = OrderTrails.append(storage, List.of(BEAS_ORDER, ANNS_ORDER));
    OrderTrails.append(storage, 4);
    ConsentEntry e = entries.get(1);
    rows.put(
        new ConsentEntry(
            e.sequence(),
            e.subjectId(),
            e.action(),
            ConsentPurpose.MARKETING == e.purpose()
                ? ConsentPurpose.TERMS_OF_SALE
                : ConsentPurpose.MARKETING,
            e.termsVersion(),
            e.termsHash(),
            e.channel(),
            e.orderId(),
            e.recordedAt(),
            e.sealedPersonalData(),
            e.previousHash(),
            e.hash()));

    assertThatThrownBy(audit::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("EDITED at entry 2");
    assertThatThrownBy(() -> audit.witnessFor(ANNS_ORDER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("EDITED at entry 2");
  }

  @Test
  void aLastRowDeletedBehindTheStoresHeadIsRefused() {
    OrderTrails.append(storage, 5);
    rows.delete(5);

    assertThatThrownBy(audit::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRUNCATED at entry 5");
  }

  @Test
  void aHeadResetBelowWhatWasCertifiedIsRefused() {
    List<ConsentEntry> entries = OrderTrails.append(storage, 6);
    audit.checkpoint();
    rows.delete(6);
    rows.setHead(entries.get(4).asHead());

    assertThatThrownBy(audit::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRUNCATED at entry 6");
  }

  @Test
  void aTailRewrittenAfterACheckpointIsRefusedAndARestartCannotProveItConsistent() {
    List<ConsentEntry> entries = OrderTrails.append(storage, 6);
    SignedCheckpoint published = audit.checkpoint();
    rows.delete(6);
    rows.delete(5);
    rows.setHead(entries.get(3).asHead());
    // 5', 6' and 7', of other orders, re-chained with correct hashes
    OrderTrails.append(storage, List.of(BEAS_ORDER, BEAS_ORDER, BEAS_ORDER));

    assertThatThrownBy(audit::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REWRITTEN at entry 7")
        .hasMessageContaining("rewritten after they were certified");

    // A new instance verifies the rewritten trail from scratch and signs it, but the checkpoint
    // published before contradicts it: no consistency proof leads from one to the other.
    ConsentAudit restarted = certifyingAudit(storage);
    assertThat(restarted.verify().valid()).isTrue();
    SignedCheckpoint rewritten = restarted.checkpoint();
    assertThatThrownBy(
            () ->
                VERIFIER.verifyConsistency(published, rewritten, restarted.consistencyProof(6, 7)))
        .isInstanceOfSatisfying(
            ConsentProofException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INCONSISTENT));
  }

  @Test
  void aRestartedAuditGivenThePublishedCheckpointRefusesATrailRewrittenWhileItWasDown() {
    List<ConsentEntry> entries = OrderTrails.append(storage, 6);
    SignedCheckpoint published = audit.checkpoint();
    OrderTrails.append(storage, 2);
    ConsentAudit honest =
        ConsentAudit.builder(storage).checkpointSigner(SIGNER).trustedCheckpoint(published).build();
    assertThat(honest.checkpoint().checkpoint().treeSize()).isEqualTo(8);

    rows.delete(8);
    rows.delete(7);
    rows.delete(6);
    rows.delete(5);
    rows.setHead(entries.get(3).asHead());
    OrderTrails.append(storage, List.of(BEAS_ORDER, BEAS_ORDER, BEAS_ORDER));
    ConsentAudit restarted =
        ConsentAudit.builder(storage).checkpointSigner(SIGNER).trustedCheckpoint(published).build();

    assertThat(restarted.verify().valid()).as("the rewrite is consistent in itself").isTrue();
    assertThatThrownBy(restarted::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REWRITTEN at entry 6");
    assertThatThrownBy(() -> restarted.witnessFor(BEAS_ORDER))
        .isInstanceOf(IllegalStateException.class);

    rows.delete(7);
    rows.delete(6);
    rows.setHead(rows.all().get(4).asHead());
    ConsentAudit shorter =
        ConsentAudit.builder(storage).checkpointSigner(SIGNER).trustedCheckpoint(published).build();
    assertThatThrownBy(shorter::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRUNCATED at entry 6");
  }

  @Test
  void aTrustedCheckpointMustBeOfTheAuditsOriginAndSignedByItsKey() {
    OrderTrails.append(storage, 2);
    SignedCheckpoint published = audit.checkpoint();
    CheckpointSigner stranger = CheckpointSigner.generate("shop.example/consent");

    assertThatThrownBy(
            () ->
                ConsentAudit.builder(storage)
                    .checkpointSigner(SIGNER)
                    .origin("shop.example/other")
                    .trustedCheckpoint(published)
                    .build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("trustedCheckpoint"));
    assertThatThrownBy(
            () ->
                ConsentAudit.builder(storage)
                    .checkpointSigner(stranger)
                    .trustedCheckpoint(published)
                    .build())
        .isInstanceOfSatisfying(
            ConsentProofException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void aTailRewrittenToTheSameSizeIsRefused() {
    List<ConsentEntry> entries = OrderTrails.append(storage, 6);
    audit.checkpoint();
    rows.delete(6);
    rows.delete(5);
    rows.setHead(entries.get(3).asHead());
    OrderTrails.append(storage, List.of(ANNS_ORDER, ANNS_ORDER));

    assertThatThrownBy(audit::checkpoint)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REWRITTEN at entry 6");
  }

  @Test
  void anEntryReplacedInPlaceAfterItWasCertifiedIsNotProvenButTheCertifiedTrailStaysSigned() {
    List<ConsentEntry> entries =
        OrderTrails.append(storage, List.of(BEAS_ORDER, BEAS_ORDER, ANNS_ORDER, BEAS_ORDER));
    SignedCheckpoint published = audit.checkpoint();
    ConsentEntry original = entries.get(2);
    ConsentDraft d = original.draft();
    ConsentEntry forged =
        ConsentEntry.chain(
            new ConsentDraft(
                d.subjectId(),
                ConsentAction.WITHDRAWN,
                d.purpose(),
                d.termsVersion(),
                d.termsHash(),
                d.channel(),
                d.orderId(),
                d.recordedAt(),
                d.sealedPersonalData()),
            3,
            original.previousHash());
    rows.put(forged);

    assertThatThrownBy(() -> audit.witnessFor(ANNS_ORDER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REWRITTEN at entry 3");
    assertThat(audit.checkpoint())
        .as("what was verified is still what is certified")
        .isEqualTo(published);
    assertThat(audit.verify().firstBreak())
        .hasValueSatisfying(b -> assertThat(b.sequence()).isEqualTo(4));
  }

  @Test
  void concurrentAppendsAndCheckpointsGiveCheckpointsThatAreAllConsistent() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        writers.add(pool.submit(() -> OrderTrails.append(storage, 150)));
      }
      List<Future<List<SignedCheckpoint>>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  List<SignedCheckpoint> seen = new ArrayList<>();
                  while (writing.get()) {
                    seen.add(audit.checkpoint());
                  }
                  return seen;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      SignedCheckpoint last = audit.checkpoint();
      assertThat(last.checkpoint().treeSize()).isEqualTo(600);
      assertThat(last.checkpoint().rootHash())
          .isEqualTo(MerkleTree.root(OrderTrails.hashes(rows.all())));
      for (Future<List<SignedCheckpoint>> reader : readers) {
        for (SignedCheckpoint seen : reader.get(60, TimeUnit.SECONDS)) {
          long size = seen.checkpoint().treeSize();
          if (size == 0 || size == 600) {
            VERIFIER.verifyConsistency(seen, last);
          } else {
            VERIFIER.verifyConsistency(seen, last, audit.consistencyProof(size, 600));
          }
        }
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }
}

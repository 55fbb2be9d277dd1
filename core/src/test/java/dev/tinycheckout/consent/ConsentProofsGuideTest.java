package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.docs.DocSnippets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Java of docs/consent-proofs.md, compiled and run here so that it cannot rot. */
class ConsentProofsGuideTest {

  @Test
  void theGuideShowsTheCodeThisTestRuns() throws IOException {
    DocSnippets.assertPageShowsTaggedRegion(
        "docs/consent-proofs.md",
        "core/src/test/java/dev/tinycheckout/consent/ConsentProofsGuideTest.java",
        "consent-proofs");
  }

  @Test
  void theGuidesCodeSignsPublishesAndVerifies() {
    // The chain hashes of a trail of 10 entries, in sequence order; entry 2 is on the receipt.
    List<ConsentHash> trail =
        IntStream.rangeClosed(1, 10)
            .mapToObj(i -> ConsentHash.sha256(("entry " + i).getBytes(StandardCharsets.UTF_8)))
            .toList();
    ConsentHash entryHash = trail.get(1);

    // tag::consent-proofs[]
    // Once: a key pair. Keep the private key out of the consent database; publish the verifier key.
    CheckpointSigner signer = CheckpointSigner.generate("shop.example/consent");
    byte[] privateKey = signer.privateKeyPkcs8(); // to a secret store
    String verifierKey = signer.verifierKey(); // to the shop's web site

    // Periodically: sign the root of the whole trail, publish the note outside the database.
    CheckpointSigner loaded = CheckpointSigner.fromPkcs8("shop.example/consent", privateKey);
    List<ConsentHash> firstFour = trail.subList(0, 4);
    String olderNote =
        loaded.sign(new Checkpoint("shop.example/consent", 4, MerkleTree.root(firstFour))).text();
    String note =
        loaded
            .sign(new Checkpoint("shop.example/consent", trail.size(), MerkleTree.root(trail)))
            .text();

    // On the receipt: the entry's chain hash and its inclusion proof (leaf index = sequence - 1).
    InclusionProof proof = MerkleTree.inclusionProof(2 - 1, trail);
    String receiptProof = proof.toJson();

    // Anyone, later, with only the published verifier key, the note and the receipt:
    CheckpointVerifier verifier = CheckpointVerifier.fromVerifierKey(verifierKey);
    verifier.verifyInclusion(SignedCheckpoint.parse(note), entryHash, proof);

    // An auditor who kept the older note: the trail was only appended to since.
    ConsistencyProof sinceOlder = MerkleTree.consistencyProof(4, trail);
    verifier.verifyConsistency(
        SignedCheckpoint.parse(olderNote), SignedCheckpoint.parse(note), sinceOlder);
    // end::consent-proofs[]

    assertThat(receiptProof).startsWith("{\"leafIndex\":1,\"treeSize\":10,\"path\":[");
    assertThat(verifier.verify(note))
        .isEqualTo(new Checkpoint("shop.example/consent", 10, MerkleTree.root(trail)));
  }
}

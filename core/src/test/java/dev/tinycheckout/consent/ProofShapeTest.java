package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.MerkleTreeProperties.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Proofs of the wrong shape are refused when they are built, before anything is hashed. */
class ProofShapeTest {
  private static final ConsentHash H = ConsentHash.sha256("h".getBytes(StandardCharsets.UTF_8));

  private static List<ConsentHash> hashes(int count) {
    return Collections.nCopies(count, H);
  }

  @Test
  void anInclusionProofNeedsAnIndexBelowAPositiveTreeSize() {
    assertRefused(() -> new InclusionProof(0, 0, List.of()), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(-1, 5, hashes(3)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(5, 5, hashes(3)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(6, 5, hashes(3)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(0, -5, List.of()), Reason.WRONG_SIZE);
    assertRefused(
        () -> new InclusionProof(Long.MAX_VALUE, Long.MAX_VALUE, hashes(63)), Reason.WRONG_SIZE);
  }

  @Test
  void anInclusionProofPathHasExactlyTheLengthOfItsIndexAndSize() {
    // Leaf 4 of 5 hangs right under the root; leaf 0 of 5 is three levels down.
    assertThat(new InclusionProof(4, 5, hashes(1)).path()).hasSize(1);
    assertThat(new InclusionProof(0, 5, hashes(3)).path()).hasSize(3);
    assertThat(new InclusionProof(0, 1, List.of()).path()).isEmpty();

    assertRefused(() -> new InclusionProof(4, 5, hashes(3)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(0, 5, hashes(1)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(0, 5, hashes(4)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(0, 1, hashes(1)), Reason.WRONG_SIZE);
    assertRefused(() -> new InclusionProof(0, 5, hashes(1000)), Reason.WRONG_SIZE);
  }

  @Test
  void aConsistencyProofNeedsTwoDifferentSizesTheOlderNotEmpty() {
    assertRefused(() -> new ConsistencyProof(5, 5, List.of()), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(0, 5, List.of()), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(0, 0, List.of()), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(6, 5, hashes(2)), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(-1, 5, hashes(2)), Reason.WRONG_SIZE);
    assertThatThrownBy(() -> new ConsistencyProof(5, 5, List.of()))
        .hasMessageContaining("compare the roots of equal sizes");
  }

  @Test
  void aConsistencyProofPathHasExactlyTheLengthOfItsSizes() {
    // From 4 to 8 the old tree is the new tree's left half: its root is implied, one hash proves
    // it.
    assertThat(new ConsistencyProof(4, 8, hashes(1)).path()).hasSize(1);
    assertThat(new ConsistencyProof(6, 8, hashes(3)).path()).hasSize(3);

    assertRefused(() -> new ConsistencyProof(4, 8, List.of()), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(4, 8, hashes(2)), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(6, 8, hashes(2)), Reason.WRONG_SIZE);
    assertRefused(() -> new ConsistencyProof(6, 8, hashes(4)), Reason.WRONG_SIZE);
  }

  @Test
  void proofsOfHugeTreesAreHandledWithoutOverflow() {
    long max = Long.MAX_VALUE;
    // 2^63 - 1 leaves: the last one is alone, beside 62 complete subtrees; the first one is 62
    // levels down a complete subtree of 2^62 leaves, beside the rest.
    InclusionProof last = new InclusionProof(max - 1, max, hashes(62));
    InclusionProof inclusion = new InclusionProof(0, max, hashes(63));
    ConsistencyProof consistency =
        new ConsistencyProof(
            max - 1, max, hashes(MerkleTree.consistencyRanges(max - 1, max).length / 2));

    assertRefused(() -> inclusion.verify(H, H), Reason.INCLUSION_FAILED);
    assertRefused(() -> last.verify(H, H), Reason.INCLUSION_FAILED);
    assertRefused(() -> consistency.verify(H, H), Reason.INCONSISTENT);
    assertRefused(() -> new InclusionProof(0, max, hashes(64)), Reason.WRONG_SIZE);
  }

  @Test
  void pathsAreCopiedAndImmutable() {
    List<ConsentHash> path = new ArrayList<>(hashes(3));
    InclusionProof proof = new InclusionProof(0, 5, path);

    path.clear();

    assertThat(proof.path()).hasSize(3);
    assertThatThrownBy(() -> proof.path().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void proofsAreWrittenAsJson() {
    List<ConsentHash> trail =
        IntStream.range(0, 3).mapToObj(i -> ConsentHash.sha256(new byte[] {(byte) i})).toList();
    InclusionProof inclusion = MerkleTree.inclusionProof(2, trail);
    ConsistencyProof consistency = MerkleTree.consistencyProof(2, trail);

    assertThat(inclusion.toJson())
        .isEqualTo(
            "{\"leafIndex\":2,\"treeSize\":3,\"path\":[\""
                + inclusion.path().get(0).hex()
                + "\"]}");
    assertThat(consistency.toJson())
        .isEqualTo(
            "{\"oldSize\":2,\"newSize\":3,\"path\":[\"" + consistency.path().get(0).hex() + "\"]}");
  }

  @Test
  void hexPathsThatAreNotHashesAreMalformed() {
    String good = H.hex();

    assertRefused(() -> InclusionProof.fromHex(0, 2, List.of(good.substring(1))), Reason.MALFORMED);
    assertRefused(
        () -> InclusionProof.fromHex(0, 2, List.of(good.replace('a', 'g'))), Reason.MALFORMED);
    assertRefused(
        () -> ConsistencyProof.fromHex(1, 2, List.of("\u0661".repeat(64))), Reason.MALFORMED);
    assertRefused(() -> InclusionProof.fromHex(0, 2, List.of(good, good)), Reason.WRONG_SIZE);
    List<String> withNull = new ArrayList<>();
    withNull.add(null);
    assertRefused(() -> ConsistencyProof.fromHex(1, 2, withNull), Reason.MALFORMED);
  }
}

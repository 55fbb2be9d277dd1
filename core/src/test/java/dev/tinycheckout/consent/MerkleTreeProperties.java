package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The laws of the consent Merkle tree, checked against {@link Rfc9162}, a literal transcription of
 * the RFC's recursive definitions: roots, inclusion paths and consistency proofs are exactly the
 * RFC's, every honest proof verifies, and changing anything a proof commits to (the leaf, its
 * index, the root, one bit of one path element, one entry before the old size) makes it fail.
 */
class MerkleTreeProperties {

  @Provide
  Arbitrary<ConsentHash> entryHashes() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32).map(ConsentHash::of);
  }

  @Provide
  Arbitrary<List<ConsentHash>> trails() {
    return entryHashes().list().uniqueElements().ofMinSize(1).ofMaxSize(70);
  }

  @Provide
  Arbitrary<List<ConsentHash>> longTrails() {
    return entryHashes().list().ofMinSize(0).ofMaxSize(300);
  }

  /** Law: the root is MTH(D[n]) for every n, including 0. */
  @Property(tries = 200)
  void theRootIsTheMerkleTreeHashOfTheDefinition(@ForAll("longTrails") List<ConsentHash> trail) {
    assertThat(MerkleTree.root(trail).bytes()).isEqualTo(Rfc9162.mth(Rfc9162.data(trail)));
  }

  /** Law: the inclusion proof of every leaf is PATH(m, D[n]), and it verifies. */
  @Property(tries = 150)
  void everyLeafHasTheDefinitionsInclusionPathAndItVerifies(
      @ForAll("trails") List<ConsentHash> trail) {
    ConsentHash root = MerkleTree.root(trail);
    for (int m = 0; m < trail.size(); m++) {
      InclusionProof proof = MerkleTree.inclusionProof(m, trail);

      assertThat(proof.path()).isEqualTo(Rfc9162.hashes(Rfc9162.path(m, Rfc9162.data(trail))));
      proof.verify(trail.get(m), root);
    }
  }

  /**
   * Law: an inclusion proof fails for every other entry of the tree, a random other entry, every
   * other index with the same path, a root with one bit flipped, and a path with one bit flipped in
   * any one element.
   */
  @Property(tries = 75)
  void anInclusionProofFailsForAnythingElse(
      @ForAll("trails") List<ConsentHash> trail,
      @ForAll("entryHashes") ConsentHash stranger,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    ConsentHash root = MerkleTree.root(trail);
    int n = trail.size();
    for (int m = 0; m < n; m++) {
      InclusionProof proof = MerkleTree.inclusionProof(m, trail);
      ConsentHash leaf = trail.get(m);
      for (int other = 0; other < n; other++) {
        if (other != m) {
          ConsentHash otherLeaf = trail.get(other);
          assertRefused(() -> proof.verify(otherLeaf, root), Reason.INCLUSION_FAILED);
          long index = other;
          assertRefused(
              () -> new InclusionProof(index, n, proof.path()).verify(leaf, root),
              Reason.INCLUSION_FAILED,
              Reason.WRONG_SIZE);
        }
      }
      if (!stranger.equals(leaf)) {
        assertRefused(() -> proof.verify(stranger, root), Reason.INCLUSION_FAILED);
      }
      assertRefused(() -> proof.verify(leaf, flip(root, bit)), Reason.INCLUSION_FAILED);
      for (int i = 0; i < proof.path().size(); i++) {
        List<ConsentHash> path = new ArrayList<>(proof.path());
        path.set(i, flip(path.get(i), bit));
        InclusionProof tampered = new InclusionProof(m, n, path);
        assertRefused(() -> tampered.verify(leaf, root), Reason.INCLUSION_FAILED);
      }
    }
  }

  /** Law: for every 0 < m < n the consistency proof is PROOF(m, D[n]), and it verifies. */
  @Property(tries = 150)
  void everyOldSizeHasTheDefinitionsConsistencyProofAndItVerifies(
      @ForAll("trails") List<ConsentHash> trail) {
    int n = trail.size();
    ConsentHash newRoot = MerkleTree.root(trail);
    for (int m = 1; m < n; m++) {
      ConsistencyProof proof = MerkleTree.consistencyProof(m, trail);

      assertThat(proof.path()).isEqualTo(Rfc9162.hashes(Rfc9162.proof(m, Rfc9162.data(trail))));
      proof.verify(MerkleTree.root(trail.subList(0, m)), newRoot);
    }
  }

  /**
   * Law: once any entry before the old size changes, nothing links the trees any more: neither the
   * rewritten log's proof from the original old root to its new root, nor the original proof from
   * the rewritten old root; nor does a proof with one bit flipped in any one element.
   */
  @Property(tries = 150)
  void aConsistencyProofFailsWhenHistoryBeforeTheOldSizeChanges(
      @ForAll("trails") List<ConsentHash> trail,
      @ForAll("entryHashes") ConsentHash replacement,
      @ForAll @IntRange(min = 0, max = 10_000) int choice,
      @ForAll @IntRange(min = 0, max = 255) int bit) {
    int n = trail.size();
    if (n < 2) {
      return;
    }
    int m = 1 + choice % (n - 1);
    int changed = choice % m;
    if (replacement.equals(trail.get(changed))) {
      return;
    }
    List<ConsentHash> rewritten = new ArrayList<>(trail);
    rewritten.set(changed, replacement);
    ConsentHash oldRoot = MerkleTree.root(trail.subList(0, m));
    ConsentHash newRoot = MerkleTree.root(trail);
    ConsistencyProof honest = MerkleTree.consistencyProof(m, trail);
    ConsistencyProof forged = MerkleTree.consistencyProof(m, rewritten);

    assertRefused(() -> forged.verify(oldRoot, MerkleTree.root(rewritten)), Reason.INCONSISTENT);
    assertRefused(
        () -> honest.verify(MerkleTree.root(rewritten.subList(0, m)), newRoot),
        Reason.INCONSISTENT);
    for (int i = 0; i < honest.path().size(); i++) {
      List<ConsentHash> path = new ArrayList<>(honest.path());
      path.set(i, flip(path.get(i), bit));
      ConsistencyProof tampered = new ConsistencyProof(m, n, path);
      assertRefused(() -> tampered.verify(oldRoot, newRoot), Reason.INCONSISTENT);
    }
    assertRefused(() -> honest.verify(oldRoot, flip(newRoot, bit)), Reason.INCONSISTENT);
    assertRefused(() -> honest.verify(flip(oldRoot, bit), newRoot), Reason.INCONSISTENT);
  }

  /** Law: a proof serialized as hex reads back equal. */
  @Property(tries = 100)
  void proofsReadBackFromHex(@ForAll("trails") List<ConsentHash> trail) {
    int n = trail.size();
    InclusionProof inclusion = MerkleTree.inclusionProof(n - 1, trail);
    assertThat(
            InclusionProof.fromHex(
                inclusion.leafIndex(),
                inclusion.treeSize(),
                inclusion.path().stream().map(ConsentHash::hex).toList()))
        .isEqualTo(inclusion);
    if (n > 1) {
      ConsistencyProof consistency = MerkleTree.consistencyProof(1, trail);
      assertThat(
              ConsistencyProof.fromHex(
                  1, n, consistency.path().stream().map(h -> h.hex().toUpperCase()).toList()))
          .isEqualTo(consistency);
    }
  }

  static ConsentHash flip(ConsentHash hash, int bit) {
    byte[] bytes = hash.bytes();
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    return ConsentHash.of(bytes);
  }

  static void assertRefused(ThrowingCallable call, Reason... reasons) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ConsentProofException.class);
    assertThat(((ConsentProofException) thrown).reason()).isIn((Object[]) reasons);
  }
}

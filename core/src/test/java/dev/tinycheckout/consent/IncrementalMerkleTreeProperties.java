package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The incremental tree is the same tree as {@link MerkleTree}: after every append, its root at
 * every size, and its inclusion and consistency proofs at any sizes up to the current one, are
 * exactly those that {@link MerkleTree} computes from the list of leaves.
 */
class IncrementalMerkleTreeProperties {

  @Provide
  Arbitrary<List<ConsentHash>> trails() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofSize(32)
        .map(ConsentHash::of)
        .list()
        .ofMinSize(0)
        .ofMaxSize(300);
  }

  /** Law: grown one leaf at a time, the root at every size is MerkleTree's root of that prefix. */
  @Property(tries = 100)
  void everyRootIsMerkleTreesRootOfThePrefix(@ForAll("trails") List<ConsentHash> trail) {
    IncrementalMerkleTree tree = new IncrementalMerkleTree();
    assertThat(tree.root(0)).isEqualTo(MerkleTree.EMPTY_ROOT);
    for (int i = 0; i < trail.size(); i++) {
      tree.append(trail.get(i));
      assertThat(tree.size()).isEqualTo(i + 1);
      assertThat(tree.lastEntryHash()).isEqualTo(trail.get(i));
      assertThat(tree.root(i + 1)).isEqualTo(MerkleTree.root(trail.subList(0, i + 1)));
    }
    for (int k = 0; k <= trail.size(); k++) {
      assertThat(tree.root(k)).isEqualTo(MerkleTree.root(trail.subList(0, k)));
    }
  }

  /** Law: inclusion and consistency proofs at earlier sizes are MerkleTree's, and they verify. */
  @Property(tries = 200)
  void proofsAtAnySizeAreMerkleTreesProofs(
      @ForAll("trails") List<ConsentHash> trail, @ForAll @LongRange(min = 0) long seed) {
    IncrementalMerkleTree tree = new IncrementalMerkleTree();
    trail.forEach(tree::append);
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 10 && trail.size() >= 2; round++) {
      int size = 1 + random.nextInt(trail.size());
      int index = random.nextInt(size);
      InclusionProof inclusion = tree.inclusionProof(index, size);
      assertThat(inclusion).isEqualTo(MerkleTree.inclusionProof(index, size, trail));
      inclusion.verify(trail.get(index), MerkleTree.root(trail.subList(0, size)));

      int newSize = 2 + random.nextInt(trail.size() - 1);
      int oldSize = 1 + random.nextInt(newSize - 1);
      ConsistencyProof consistency = tree.consistencyProof(oldSize, newSize);
      assertThat(consistency).isEqualTo(MerkleTree.consistencyProof(oldSize, newSize, trail));
      consistency.verify(
          MerkleTree.root(trail.subList(0, oldSize)), MerkleTree.root(trail.subList(0, newSize)));
    }
  }

  @Example
  void aTreeLargerThanOneStorageChunkHasMerkleTreesRootsAndProofs() {
    List<ConsentHash> trail = new ArrayList<>();
    IncrementalMerkleTree tree = new IncrementalMerkleTree();
    for (int i = 0; i < 70_001; i++) {
      ConsentHash hash = ConsentHash.sha256(ByteBuffer.allocate(Integer.BYTES).putInt(i).array());
      trail.add(hash);
      tree.append(hash);
    }

    for (int size : new int[] {32_767, 32_768, 32_769, 65_536, 70_001}) {
      assertThat(tree.root(size))
          .as("root %d", size)
          .isEqualTo(MerkleTree.root(trail.subList(0, size)));
    }
    for (long index : new long[] {0, 32_767, 32_768, 65_535, 70_000}) {
      assertThat(tree.inclusionProof(index, 70_001))
          .isEqualTo(MerkleTree.inclusionProof(index, 70_001, trail));
    }
    assertThat(tree.consistencyProof(32_769, 70_001))
        .isEqualTo(MerkleTree.consistencyProof(32_769, 70_001, trail));
    assertThat(tree.leafHash(69_999)).isEqualTo(MerkleTree.leafHash(trail.get(69_999)));
  }

  @Example
  void sizesBeyondTheTreeAreRefused() {
    IncrementalMerkleTree tree = new IncrementalMerkleTree();
    tree.append(ConsentHash.sha256(new byte[] {1}));
    tree.append(ConsentHash.sha256(new byte[] {2}));

    assertThatThrownBy(() -> tree.root(3))
        .isInstanceOfSatisfying(
            ConsentProofException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_SIZE));
    assertThatThrownBy(() -> tree.inclusionProof(0, 3)).isInstanceOf(ConsentProofException.class);
    assertThatThrownBy(() -> tree.inclusionProof(2, 2)).isInstanceOf(ConsentProofException.class);
    assertThatThrownBy(() -> tree.consistencyProof(2, 2)).isInstanceOf(ConsentProofException.class);
    assertThatThrownBy(() -> tree.consistencyProof(1, 3)).isInstanceOf(ConsentProofException.class);
  }
}

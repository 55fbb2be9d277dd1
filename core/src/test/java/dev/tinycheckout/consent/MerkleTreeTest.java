package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.Rfc9162.leafHash;
import static dev.tinycheckout.consent.Rfc9162.nodeHash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Known answers: small trees worked out by hand from the RFC 9162 definitions, and the RFC 6962
 * test vectors that Certificate Transparency implementations share (the eight leaves, roots and
 * proofs of transparency-dev/merkle {@code proof/verify_test.go}, originally from the C++ CT log).
 */
class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The shared RFC 6962 test leaves: leaf data of 0 to 16 bytes. */
  private static final List<byte[]> VECTOR_LEAVES =
      List.of(
          HEX.parseHex(""),
          HEX.parseHex("00"),
          HEX.parseHex("10"),
          HEX.parseHex("2021"),
          HEX.parseHex("3031"),
          HEX.parseHex("40414243"),
          HEX.parseHex("5051525354555657"),
          HEX.parseHex("606162636465666768696a6b6c6d6e6f"));

  /** The roots of the trees of the first 1 to 8 test leaves. */
  private static final List<String> VECTOR_ROOTS =
      List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
          "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
          "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
          "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
          "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
          "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static List<ConsentHash> vectorLeafHashes(int size) {
    return VECTOR_LEAVES.subList(0, size).stream().map(d -> ConsentHash.of(leafHash(d))).toList();
  }

  private static List<ConsentHash> hex(String... hashes) {
    return Arrays.stream(hashes).map(ConsentHash::fromHex).toList();
  }

  private static ConsentHash entry(int i) {
    return ConsentHash.sha256(("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static byte[] l(int i) {
    return leafHash(entry(i).bytes());
  }

  @Test
  void theEmptyTreeHasTheSha256OfTheEmptyStringAsRoot() {
    assertThat(MerkleTree.EMPTY_ROOT.hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(MerkleTree.root(List.of())).isEqualTo(MerkleTree.EMPTY_ROOT);
  }

  @Test
  void aLeafHashIsTheSha256OfAZeroByteAndTheEntryHash() {
    byte[] input = new byte[33];
    System.arraycopy(entry(1).bytes(), 0, input, 1, 32);

    assertThat(MerkleTree.leafHash(entry(1)).bytes()).isEqualTo(Rfc9162.sha256(input));
  }

  @Test
  void smallTreesHaveTheRootsTheDefinitionGivesByHand() {
    byte[] h01 = nodeHash(l(0), l(1));
    byte[] h23 = nodeHash(l(2), l(3));
    byte[] h0123 = nodeHash(h01, h23);
    byte[] h45 = nodeHash(l(4), l(5));
    List<byte[]> expected =
        List.of(
            l(0),
            h01,
            nodeHash(h01, l(2)),
            h0123,
            nodeHash(h0123, l(4)),
            nodeHash(h0123, h45),
            nodeHash(h0123, nodeHash(h45, l(6))));
    List<ConsentHash> entries = IntStream.range(0, 7).mapToObj(MerkleTreeTest::entry).toList();

    for (int n = 1; n <= 7; n++) {
      assertThat(MerkleTree.root(entries.subList(0, n)).bytes())
          .as("root of %d leaves", n)
          .isEqualTo(expected.get(n - 1));
    }
  }

  @Test
  void theRfc6962TestVectorRootsComeOut() {
    for (int n = 1; n <= 8; n++) {
      assertThat(MerkleTree.rootOfLeafHashes(vectorLeafHashes(n)).hex())
          .as("root of %d leaves", n)
          .isEqualTo(VECTOR_ROOTS.get(n - 1));
    }
  }

  @Test
  void theRfc6962TestVectorInclusionProofsComeOutAndVerify() {
    record Vector(int index, int size, List<ConsentHash> path) {}
    List<Vector> vectors =
        List.of(
            new Vector(0, 1, List.of()),
            new Vector(
                0,
                8,
                hex(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new Vector(
                5,
                8,
                hex(
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new Vector(
                2, 3, hex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
            new Vector(
                1,
                5,
                hex(
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")));

    for (Vector v : vectors) {
      List<ConsentHash> leaves = vectorLeafHashes(v.size());
      InclusionProof proof = MerkleTree.inclusionProofOfLeafHashes(v.index(), leaves);
      ConsentHash root = ConsentHash.fromHex(VECTOR_ROOTS.get(v.size() - 1));

      assertThat(proof).isEqualTo(new InclusionProof(v.index(), v.size(), v.path()));
      proof.verifyLeafHash(leaves.get(v.index()), root);
      for (int other = 0; other < v.size(); other++) {
        if (other != v.index()) {
          ConsentHash otherLeaf = leaves.get(other);
          assertThatThrownBy(() -> proof.verifyLeafHash(otherLeaf, root))
              .isInstanceOf(ConsentProofException.class)
              .extracting(e -> ((ConsentProofException) e).reason())
              .isEqualTo(Reason.INCLUSION_FAILED);
        }
      }
    }
  }

  @Test
  void theRfc6962TestVectorConsistencyProofsComeOutAndVerify() {
    record Vector(int oldSize, int newSize, List<ConsentHash> path) {}
    List<Vector> vectors =
        List.of(
            new Vector(
                1,
                8,
                hex(
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
            new Vector(
                6,
                8,
                hex(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
            new Vector(
                2,
                5,
                hex(
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
            new Vector(
                6,
                7,
                hex(
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")));

    for (Vector v : vectors) {
      ConsistencyProof proof =
          MerkleTree.consistencyProofOfLeafHashes(v.oldSize(), vectorLeafHashes(v.newSize()));
      ConsentHash oldRoot = ConsentHash.fromHex(VECTOR_ROOTS.get(v.oldSize() - 1));
      ConsentHash newRoot = ConsentHash.fromHex(VECTOR_ROOTS.get(v.newSize() - 1));

      assertThat(proof).isEqualTo(new ConsistencyProof(v.oldSize(), v.newSize(), v.path()));
      proof.verify(oldRoot, newRoot);
      assertThatThrownBy(() -> proof.verify(newRoot, oldRoot))
          .isInstanceOf(ConsentProofException.class)
          .extracting(e -> ((ConsentProofException) e).reason())
          .isEqualTo(Reason.INCONSISTENT);
    }
  }

  @Test
  void aMillionLeavesHaveTheRootThePowerOfTwoDecompositionGives() {
    // All leaves equal: a complete subtree of 2^j leaves is the leaf hash hashed with itself j
    // times, and 1,000,000 = 2^19 + 2^18 + 2^17 + 2^16 + 2^14 + 2^9 + 2^6 nests those right to
    // left.
    ConsentHash x = entry(42);
    byte[][] perfect = new byte[20][];
    perfect[0] = leafHash(x.bytes());
    for (int j = 1; j < 20; j++) {
      perfect[j] = nodeHash(perfect[j - 1], perfect[j - 1]);
    }
    int n = 1_000_000;
    byte[] expected = null;
    for (int j = 0; j < 20; j++) {
      if ((n >> j & 1) == 1) {
        expected = expected == null ? perfect[j] : nodeHash(perfect[j], expected);
      }
    }
    List<ConsentHash> leaves = Collections.nCopies(n, x);

    ConsentHash root = MerkleTree.root(leaves);

    assertThat(root.bytes()).isEqualTo(expected);
    InclusionProof last = MerkleTree.inclusionProof(n - 1, leaves);
    last.verify(x, root);
    // Six levels inside the last complete subtree (2^6 leaves), then the six larger ones before it.
    assertThat(last.path()).hasSize(12);
    ConsistencyProof grown = MerkleTree.consistencyProof(1 << 19, leaves);
    grown.verify(ConsentHash.of(perfect[19]), root);
  }

  @Test
  void aProofForAnEarlierCheckpointUsesOnlyTheLeavesUpToItsSize() {
    List<ConsentHash> entries = IntStream.range(0, 20).mapToObj(MerkleTreeTest::entry).toList();

    InclusionProof proof = MerkleTree.inclusionProof(3, 11, entries);
    ConsistencyProof consistency = MerkleTree.consistencyProof(5, 11, entries);

    assertThat(proof).isEqualTo(MerkleTree.inclusionProof(3, entries.subList(0, 11)));
    proof.verify(entry(3), MerkleTree.root(entries.subList(0, 11)));
    consistency.verify(
        MerkleTree.root(entries.subList(0, 5)), MerkleTree.root(entries.subList(0, 11)));
  }

  @Test
  void proofsOfSizesTheLeavesDoNotReachAreRefused() {
    List<ConsentHash> entries = IntStream.range(0, 5).mapToObj(MerkleTreeTest::entry).toList();

    assertWrongSize(() -> MerkleTree.inclusionProof(5, entries));
    assertWrongSize(() -> MerkleTree.inclusionProof(-1, entries));
    assertWrongSize(() -> MerkleTree.inclusionProof(0, List.of()));
    assertWrongSize(() -> MerkleTree.inclusionProof(0, 6, entries));
    assertWrongSize(() -> MerkleTree.inclusionProof(0, -1, entries));
    assertWrongSize(() -> MerkleTree.consistencyProof(0, entries));
    assertWrongSize(() -> MerkleTree.consistencyProof(5, entries));
    assertWrongSize(() -> MerkleTree.consistencyProof(6, entries));
    assertWrongSize(() -> MerkleTree.consistencyProof(2, 6, entries));
  }

  @Test
  void aNullLeafIsAProgrammingError() {
    List<ConsentHash> entries = new ArrayList<>(List.of(entry(0), entry(1)));
    entries.add(null);

    assertThatNullPointerException()
        .isThrownBy(() -> MerkleTree.root(entries))
        .withMessage("leaves[2]");
  }

  @Test
  void treesOfAnySizeAreComputedConcurrentlyWithTheSameResults() {
    List<ConsentHash> entries = IntStream.range(0, 3000).mapToObj(MerkleTreeTest::entry).toList();
    ConsentHash expected = MerkleTree.root(entries);

    List<ConsentHash> roots =
        IntStream.range(0, 16).parallel().mapToObj(i -> MerkleTree.root(entries)).toList();

    assertThat(roots).containsOnly(expected);
  }

  private static void assertWrongSize(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(ConsentProofException.class)
        .extracting(e -> ((ConsentProofException) e).reason())
        .isEqualTo(Reason.WRONG_SIZE);
  }
}

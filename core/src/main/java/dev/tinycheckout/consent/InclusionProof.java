package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import dev.tinycheckout.internal.JsonWriter;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Proof that one entry is in the consent trail's Merkle tree of a given size (RFC 9162 §2.1.3): the
 * hashes of the subtrees beside the path from the entry's leaf to the root, the leaf's sibling
 * first. Together with a {@link SignedCheckpoint} of the same size, it lets anyone check that an
 * entry is in the log the shop committed to, without seeing any other entry. Immutable and
 * thread-safe.
 *
 * <p>Construction checks the shape: {@code 0 <= leafIndex < treeSize} and a path of exactly the
 * length RFC 9162 gives for them, so a proof of the wrong shape never gets as far as {@link
 * #verify}.
 *
 * @param leafIndex the entry's leaf index: its sequence number minus 1
 * @param treeSize the size of the tree the proof is for
 * @param path the sibling subtree hashes, from the leaf up; an immutable copy
 */
public record InclusionProof(long leafIndex, long treeSize, List<ConsentHash> path) {
  /**
   * Checks the proof's shape.
   *
   * @param leafIndex the entry's leaf index: its sequence number minus 1
   * @param treeSize the size of the tree the proof is for
   * @param path the sibling subtree hashes, from the leaf up
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} if the tree size is below
   *     1, the index is not below it, or the path does not have the one valid length for them
   * @throws NullPointerException if the path or one of its elements is null
   */
  public InclusionProof {
    Objects.requireNonNull(path, "path");
    checkLength(leafIndex, treeSize, path.size());
    path = List.copyOf(path);
  }

  /**
   * Reads a proof whose hashes are hex strings, such as from the JSON of {@link #toJson()}.
   *
   * @param leafIndex the entry's leaf index
   * @param treeSize the size of the tree
   * @param path the hashes as 64 hex digits each, from the leaf up
   * @return the proof
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} as the constructor, or
   *     {@link Reason#MALFORMED} if a hash is not 64 hex digits
   */
  public static InclusionProof fromHex(long leafIndex, long treeSize, List<String> path) {
    Objects.requireNonNull(path, "path");
    checkLength(leafIndex, treeSize, path.size());
    return new InclusionProof(leafIndex, treeSize, Notes.hashesFromHex(path));
  }

  private static void checkLength(long leafIndex, long treeSize, int length) {
    int expected = MerkleTree.inclusionRanges(leafIndex, treeSize).length / 2;
    if (length != expected) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "an inclusion proof for leaf "
              + leafIndex
              + " of a tree of size "
              + treeSize
              + " has "
              + expected
              + " hashes, but this one has "
              + length);
    }
  }

  /**
   * Checks that the entry with this chain hash is leaf {@link #leafIndex()} of the tree of size
   * {@link #treeSize()} whose root is {@code root} (RFC 9162 §2.1.3.2).
   *
   * @param entryHash the entry's chain hash, the leaf data (not its leaf hash)
   * @param root the root of the tree, from a verified checkpoint of size {@link #treeSize()}
   * @throws ConsentProofException with reason {@link Reason#INCLUSION_FAILED} if the proof does not
   *     lead from this entry to this root
   */
  public void verify(ConsentHash entryHash, ConsentHash root) {
    verifyLeafHash(MerkleTree.leafHash(entryHash), root);
  }

  /** {@link #verify} from a leaf hash, for known-answer tests with leaf data of any length. */
  void verifyLeafHash(ConsentHash leafHash, ConsentHash root) {
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(root, "root");
    MessageDigest md = ConsentHash.digest();
    long fn = leafIndex;
    long sn = treeSize - 1;
    byte[] r = leafHash.bytes();
    for (ConsentHash p : path) {
      if (sn == 0) {
        throw new ConsentProofException(
            Reason.WRONG_SIZE, "the inclusion proof is longer than its tree is high");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleTree.nodeHash(md, p.bytes(), r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleTree.nodeHash(md, r, p.bytes());
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE, "the inclusion proof is shorter than its tree is high");
    }
    if (!MessageDigest.isEqual(r, root.bytes())) {
      throw new ConsentProofException(
          Reason.INCLUSION_FAILED,
          "the proof does not lead from this entry to this root as leaf "
              + leafIndex
              + " of "
              + treeSize
              + "; the entry, its position or the root differs from what the log committed to");
    }
  }

  /**
   * The proof as JSON: {@code {"leafIndex":5,"treeSize":8,"path":["<64 hex digits>",...]}}.
   *
   * @return a JSON object
   */
  public String toJson() {
    JsonWriter json = new JsonWriter().beginObject();
    json.name("leafIndex").value(leafIndex).name("treeSize").value(treeSize).name("path");
    json.beginArray();
    for (ConsentHash hash : path) {
      json.value(hash.hex());
    }
    return json.endArray().endObject().toString();
  }
}

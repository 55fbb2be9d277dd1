package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import dev.tinycheckout.internal.JsonWriter;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Proof that the consent trail's Merkle tree of size {@code newSize} extends the tree of size
 * {@code oldSize} (RFC 9162 §2.1.4): every entry of the older tree is still there, unchanged and in
 * the same place, and the newer tree only appended. Checked between two {@link SignedCheckpoint}s,
 * it shows that the shop did not rewrite its consent history between them. Immutable and
 * thread-safe.
 *
 * <p>Construction checks the shape: {@code 0 < oldSize < newSize} and a path of exactly the length
 * RFC 9162 gives for the two sizes. Between equal sizes there is nothing to prove (the roots must
 * be equal), and every tree extends the empty tree.
 *
 * @param oldSize the size of the older tree
 * @param newSize the size of the newer tree
 * @param path the proof's subtree hashes, in RFC 9162 order; an immutable copy
 */
public record ConsistencyProof(long oldSize, long newSize, List<ConsentHash> path) {
  /**
   * Checks the proof's shape.
   *
   * @param oldSize the size of the older tree
   * @param newSize the size of the newer tree
   * @param path the proof's subtree hashes, in RFC 9162 order
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 < oldSize <
   *     newSize} and the path has the one valid length for them
   * @throws NullPointerException if the path or one of its elements is null
   */
  public ConsistencyProof {
    Objects.requireNonNull(path, "path");
    checkLength(oldSize, newSize, path.size());
    path = List.copyOf(path);
  }

  /**
   * Reads a proof whose hashes are hex strings, such as from the JSON of {@link #toJson()}.
   *
   * @param oldSize the size of the older tree
   * @param newSize the size of the newer tree
   * @param path the hashes as 64 hex digits each, in RFC 9162 order
   * @return the proof
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} as the constructor, or
   *     {@link Reason#MALFORMED} if a hash is not 64 hex digits
   */
  public static ConsistencyProof fromHex(long oldSize, long newSize, List<String> path) {
    Objects.requireNonNull(path, "path");
    checkLength(oldSize, newSize, path.size());
    return new ConsistencyProof(oldSize, newSize, Notes.hashesFromHex(path));
  }

  private static void checkLength(long oldSize, long newSize, int length) {
    int expected = MerkleTree.consistencyRanges(oldSize, newSize).length / 2;
    if (length != expected) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "a consistency proof from size "
              + oldSize
              + " to "
              + newSize
              + " has "
              + expected
              + " hashes, but this one has "
              + length);
    }
  }

  /**
   * Checks that the tree of size {@link #newSize()} with root {@code newRoot} extends the tree of
   * size {@link #oldSize()} with root {@code oldRoot} (RFC 9162 §2.1.4.2).
   *
   * @param oldRoot the root of the older tree, from a verified checkpoint of size {@link
   *     #oldSize()}
   * @param newRoot the root of the newer tree, from a verified checkpoint of size {@link
   *     #newSize()}
   * @throws ConsentProofException with reason {@link Reason#INCONSISTENT} if the proof does not
   *     lead from the older root to the newer one
   */
  public void verify(ConsentHash oldRoot, ConsentHash newRoot) {
    Objects.requireNonNull(oldRoot, "oldRoot");
    Objects.requireNonNull(newRoot, "newRoot");
    List<ConsentHash> hashes = path;
    if (Long.bitCount(oldSize) == 1) {
      // The older tree is a complete subtree on the left edge: its root is the proof's start.
      hashes = new ArrayList<>(path.size() + 1);
      hashes.add(oldRoot);
      hashes.addAll(path);
    }
    MessageDigest md = ConsentHash.digest();
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = hashes.get(0).bytes();
    byte[] sr = fr;
    for (ConsentHash hash : hashes.subList(1, hashes.size())) {
      if (sn == 0) {
        throw new ConsentProofException(
            Reason.WRONG_SIZE, "the consistency proof is longer than its tree is high");
      }
      byte[] c = hash.bytes();
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleTree.nodeHash(md, c, fr);
        sr = MerkleTree.nodeHash(md, c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleTree.nodeHash(md, sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE, "the consistency proof is shorter than its tree is high");
    }
    if (!MessageDigest.isEqual(fr, oldRoot.bytes())
        || !MessageDigest.isEqual(sr, newRoot.bytes())) {
      throw new ConsentProofException(
          Reason.INCONSISTENT,
          "the proof does not show that the tree of size "
              + newSize
              + " extends the tree of size "
              + oldSize
              + " with these roots; if the log cannot prove it, it changed its history");
    }
  }

  /**
   * The proof as JSON: {@code {"oldSize":6,"newSize":8,"path":["<64 hex digits>",...]}}.
   *
   * @return a JSON object
   */
  public String toJson() {
    JsonWriter json = new JsonWriter().beginObject();
    json.name("oldSize").value(oldSize).name("newSize").value(newSize).name("path");
    json.beginArray();
    for (ConsentHash hash : path) {
      json.value(hash.hex());
    }
    return json.endArray().endObject().toString();
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The Merkle tree of a consent trail, as Certificate Transparency defines it (RFC 9162 §2.1, the
 * same tree as RFC 6962): the leaf for the entry with sequence number {@code s} is leaf index
 * {@code s - 1}, and its leaf data is that entry's 32-byte chain hash. A leaf hashes to {@code
 * SHA-256(0x00 || leaf)}, an inner node to {@code SHA-256(0x01 || left || right)}, and a tree of
 * {@code n > 1} leaves splits at the largest power of two below {@code n}.
 *
 * <p>A root commits to every entry up to its size and their order; an {@link InclusionProof} shows
 * one entry is in a tree with a given root, and a {@link ConsistencyProof} shows that a larger tree
 * only appended to a smaller one. A {@link Checkpoint} signs a root.
 *
 * <p>All methods are pure and thread-safe: they read the given list once, copy what they need and
 * never keep it. Computing a root, or a proof, over {@code n} leaves hashes each leaf once and each
 * inner node once ({@code 2n - 1} SHA-256 computations, no more for a proof) in {@code O(log n)}
 * memory besides a copy of the list's references. Null arguments or list elements fail with {@link
 * NullPointerException}.
 */
public final class MerkleTree {
  /** The root of the tree of no leaves: the SHA-256 of the empty string (RFC 9162 §2.1.1). */
  public static final ConsentHash EMPTY_ROOT = ConsentHash.sha256(new byte[0]);

  /** Largest number of subtrees waiting on the stack: one per bit of an int size, plus one. */
  private static final int STACK_DEPTH = 64;

  private MerkleTree() {}

  /**
   * The leaf hash of one entry: {@code SHA-256(0x00 || entryHash)}.
   *
   * @param entryHash the entry's chain hash, the leaf data
   * @return its leaf hash
   */
  public static ConsentHash leafHash(ConsentHash entryHash) {
    Objects.requireNonNull(entryHash, "entryHash");
    MessageDigest md = ConsentHash.digest();
    md.update((byte) 0);
    entryHash.updateDigest(md);
    return ConsentHash.of(md.digest());
  }

  /**
   * The Merkle tree hash (the root) of a list of entries.
   *
   * @param leaves the chain hashes of the entries with sequence numbers 1 to {@code leaves.size()},
   *     in sequence order
   * @return the root; {@link #EMPTY_ROOT} for an empty list
   */
  public static ConsentHash root(List<ConsentHash> leaves) {
    ConsentHash[] copy = snapshot(leaves, leaves.size());
    return copy.length == 0 ? EMPTY_ROOT : new Hasher(copy, false).range(0, copy.length);
  }

  /**
   * The inclusion proof of one leaf in the tree of all the given leaves.
   *
   * @param leafIndex the leaf's index, its entry's sequence number minus 1
   * @param leaves the chain hashes of the entries, in sequence order
   * @return the proof, for tree size {@code leaves.size()}
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} if the index is not below
   *     the number of leaves
   */
  public static InclusionProof inclusionProof(long leafIndex, List<ConsentHash> leaves) {
    return inclusionProof(leafIndex, leaves.size(), leaves);
  }

  /**
   * The inclusion proof of one leaf in the tree of the first {@code treeSize} leaves, such as the
   * size of the latest signed checkpoint while the trail has grown further.
   *
   * @param leafIndex the leaf's index, its entry's sequence number minus 1
   * @param treeSize how many of the leaves the tree has
   * @param leaves the chain hashes of the entries, in sequence order; at least {@code treeSize}
   * @return the proof (RFC 9162 §2.1.3.1)
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 <=
   *     leafIndex < treeSize <= leaves.size()}
   */
  public static InclusionProof inclusionProof(
      long leafIndex, long treeSize, List<ConsentHash> leaves) {
    ConsentHash[] copy = leavesForSize(treeSize, leaves);
    return inclusionProof(leafIndex, copy, false);
  }

  /**
   * The consistency proof from the tree of the first {@code oldSize} leaves to the tree of all
   * given leaves.
   *
   * @param oldSize the size of the older tree
   * @param leaves the chain hashes of the entries, in sequence order
   * @return the proof, for new size {@code leaves.size()}
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 < oldSize <
   *     leaves.size()}
   */
  public static ConsistencyProof consistencyProof(long oldSize, List<ConsentHash> leaves) {
    return consistencyProof(oldSize, leaves.size(), leaves);
  }

  /**
   * The consistency proof from the tree of the first {@code oldSize} leaves to the tree of the
   * first {@code newSize} leaves.
   *
   * <p>No proof exists between equal sizes (compare the roots) or from the empty tree (which every
   * tree extends).
   *
   * @param oldSize the size of the older tree
   * @param newSize the size of the newer tree
   * @param leaves the chain hashes of the entries, in sequence order; at least {@code newSize}
   * @return the proof (RFC 9162 §2.1.4.1)
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 < oldSize <
   *     newSize <= leaves.size()}
   */
  public static ConsistencyProof consistencyProof(
      long oldSize, long newSize, List<ConsentHash> leaves) {
    ConsentHash[] copy = leavesForSize(newSize, leaves);
    return consistencyProof(oldSize, copy, false);
  }

  /**
   * The root over leaf hashes rather than entry hashes, for known-answer tests whose leaf data is
   * not 32 bytes long.
   */
  static ConsentHash rootOfLeafHashes(List<ConsentHash> leafHashes) {
    ConsentHash[] copy = snapshot(leafHashes, leafHashes.size());
    return copy.length == 0 ? EMPTY_ROOT : new Hasher(copy, true).range(0, copy.length);
  }

  /** {@link #inclusionProof(long, List)} over leaf hashes, for known-answer tests. */
  static InclusionProof inclusionProofOfLeafHashes(long leafIndex, List<ConsentHash> leafHashes) {
    return inclusionProof(leafIndex, snapshot(leafHashes, leafHashes.size()), true);
  }

  /** {@link #consistencyProof(long, List)} over leaf hashes, for known-answer tests. */
  static ConsistencyProof consistencyProofOfLeafHashes(long oldSize, List<ConsentHash> leafHashes) {
    return consistencyProof(oldSize, snapshot(leafHashes, leafHashes.size()), true);
  }

  private static InclusionProof inclusionProof(
      long leafIndex, ConsentHash[] leaves, boolean hashed) {
    long[] ranges = inclusionRanges(leafIndex, leaves.length);
    Hasher hasher = new Hasher(leaves, hashed);
    List<ConsentHash> path = new ArrayList<>(ranges.length / 2);
    for (int i = 0; i < ranges.length; i += 2) {
      path.add(hasher.range((int) ranges[i], (int) ranges[i + 1]));
    }
    return new InclusionProof(leafIndex, leaves.length, path);
  }

  private static ConsistencyProof consistencyProof(
      long oldSize, ConsentHash[] leaves, boolean hashed) {
    long[] ranges = consistencyRanges(oldSize, leaves.length);
    Hasher hasher = new Hasher(leaves, hashed);
    List<ConsentHash> path = new ArrayList<>(ranges.length / 2);
    for (int i = 0; i < ranges.length; i += 2) {
      path.add(hasher.range((int) ranges[i], (int) ranges[i + 1]));
    }
    return new ConsistencyProof(oldSize, leaves.length, path);
  }

  /**
   * The leaf ranges whose subtree hashes make up the inclusion path of a leaf, leaf's sibling
   * first: RFC 9162 §2.1.3.1 {@code PATH(m, D[n])} unrolled, one {@code [from, to)} pair per path
   * element. Its length is the only valid path length for the index and size.
   *
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 <=
   *     leafIndex < treeSize}
   */
  static long[] inclusionRanges(long leafIndex, long treeSize) {
    if (treeSize < 1) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE, "an inclusion proof needs a tree of at least 1 leaf, not " + treeSize);
    }
    if (leafIndex < 0 || leafIndex >= treeSize) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE, "leaf index " + leafIndex + " is not in a tree of size " + treeSize);
    }
    long[] topDown = new long[2 * STACK_DEPTH];
    int count = 0;
    long from = 0;
    long to = treeSize;
    while (to - from > 1) {
      long split = from + Long.highestOneBit(to - from - 1);
      if (leafIndex < split) {
        topDown[count++] = split;
        topDown[count++] = to;
        to = split;
      } else {
        topDown[count++] = from;
        topDown[count++] = split;
        from = split;
      }
    }
    return reversePairs(topDown, count, null);
  }

  /**
   * The leaf ranges whose subtree hashes make up the consistency proof between two sizes, in proof
   * order: RFC 9162 §2.1.4.1 {@code SUBPROOF(m, D[n], true)} unrolled. Its length is the only valid
   * proof length for the sizes.
   *
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 < oldSize <
   *     newSize}
   */
  static long[] consistencyRanges(long oldSize, long newSize) {
    if (oldSize < 1 || oldSize >= newSize) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "a consistency proof needs 0 < old size < new size, but the sizes are "
              + oldSize
              + " and "
              + newSize
              + (oldSize == newSize && oldSize > 0 ? "; compare the roots of equal sizes" : ""));
    }
    long[] topDown = new long[2 * STACK_DEPTH];
    int count = 0;
    long from = 0;
    long to = newSize;
    boolean wholeOldTree = true;
    while (oldSize != to) {
      long split = from + Long.highestOneBit(to - from - 1);
      if (oldSize <= split) {
        topDown[count++] = split;
        topDown[count++] = to;
        to = split;
      } else {
        topDown[count++] = from;
        topDown[count++] = split;
        from = split;
        wholeOldTree = false;
      }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's last subtree leads the proof, unless
    // the old tree is itself a complete subtree on the left edge, whose root the verifier has.
    return reversePairs(topDown, count, wholeOldTree ? null : new long[] {from, to});
  }

  private static long[] reversePairs(long[] pairs, int count, long @Nullable [] first) {
    int offset = first == null ? 0 : 2;
    long[] result = new long[count + offset];
    if (first != null) {
      result[0] = first[0];
      result[1] = first[1];
    }
    for (int i = 0; i < count; i += 2) {
      result[offset + count - 2 - i] = pairs[i];
      result[offset + count - 1 - i] = pairs[i + 1];
    }
    return result;
  }

  /**
   * {@code SHA-256(0x01 || left || right)}.
   *
   * @param md a digest to use, reset
   * @param left the left child
   * @param right the right child
   * @return a new array with the parent
   */
  static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
    md.update((byte) 1);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  private static ConsentHash[] leavesForSize(long size, List<ConsentHash> leaves) {
    Objects.requireNonNull(leaves, "leaves");
    if (size > leaves.size()) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "a tree of size "
              + size
              + " needs that many leaves, but "
              + leaves.size()
              + " were given");
    }
    if (size < 0) {
      throw new ConsentProofException(Reason.WRONG_SIZE, "a tree size is never negative: " + size);
    }
    return snapshot(leaves, (int) size);
  }

  private static ConsentHash[] snapshot(List<ConsentHash> leaves, int size) {
    Objects.requireNonNull(leaves, "leaves");
    ConsentHash[] copy =
        (size == leaves.size() ? leaves : leaves.subList(0, size)).toArray(new ConsentHash[0]);
    if (copy.length != size) {
      throw new IllegalStateException("the list of leaves changed while it was read");
    }
    for (int i = 0; i < copy.length; i++) {
      Objects.requireNonNull(copy[i], "leaves[" + i + "]");
    }
    return copy;
  }

  /**
   * Computes subtree hashes of ranges of leaves, streaming left to right with a stack of complete
   * subtrees, so that a range of {@code n} leaves costs {@code 2n - 1} hashes and no allocation per
   * node. Not thread-safe: one per computation.
   */
  private static final class Hasher {
    private final MessageDigest md = ConsentHash.digest();
    private final ConsentHash[] leaves;
    private final boolean leavesAreHashes;
    private final byte[] stack = new byte[STACK_DEPTH * ConsentHash.LENGTH];
    private final int[] heights = new int[STACK_DEPTH];

    Hasher(ConsentHash[] leaves, boolean leavesAreHashes) {
      this.leaves = leaves;
      this.leavesAreHashes = leavesAreHashes;
    }

    /** The Merkle tree hash of leaves {@code [from, to)}, {@code from < to}. */
    ConsentHash range(int from, int to) {
      int top = 0;
      for (int i = from; i < to; i++) {
        leaf(i, top);
        heights[top] = 0;
        top++;
        while (top > 1 && heights[top - 2] == heights[top - 1]) {
          node(top - 2);
          heights[top - 2]++;
          top--;
        }
      }
      // The complete subtrees left on the stack shrink to the right; RFC 9162 nests them so.
      while (top > 1) {
        node(top - 2);
        top--;
      }
      return ConsentHash.of(Arrays.copyOf(stack, ConsentHash.LENGTH));
    }

    private void leaf(int index, int slot) {
      if (leavesAreHashes) {
        System.arraycopy(
            leaves[index].bytes(), 0, stack, slot * ConsentHash.LENGTH, ConsentHash.LENGTH);
        return;
      }
      md.update((byte) 0);
      leaves[index].updateDigest(md);
      finish(slot);
    }

    /** Replaces the subtrees in slots {@code left} and {@code left + 1} by their parent. */
    private void node(int left) {
      md.update((byte) 1);
      md.update(stack, left * ConsentHash.LENGTH, 2 * ConsentHash.LENGTH);
      finish(left);
    }

    private void finish(int slot) {
      try {
        md.digest(stack, slot * ConsentHash.LENGTH, ConsentHash.LENGTH);
      } catch (DigestException e) {
        throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
      }
    }
  }
}

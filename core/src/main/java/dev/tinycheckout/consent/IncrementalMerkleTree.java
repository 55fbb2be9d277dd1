package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The consent trail's Merkle tree held in memory and grown one entry at a time: the same tree,
 * roots and proofs as {@link MerkleTree} (RFC 9162 §2.1), but it keeps the hash of every complete
 * subtree, so a root or a proof at any size up to the current one costs {@code O(log n)} subtree
 * look-ups and at most {@code O(log² n)} SHA-256 computations instead of {@code 2n - 1}.
 *
 * <p>Memory: 32 bytes per leaf on level 0 and as much again for all higher levels together, about
 * 64 bytes per entry (64 MB per million entries), in arrays of at most 1 MiB.
 *
 * <p>Not thread-safe: {@link CertifiedTrail} guards it with its lock.
 */
final class IncrementalMerkleTree {
  private static final int LENGTH = ConsentHash.LENGTH;
  private static final int CHUNK_BITS = 15;
  private static final int CHUNK_NODES = 1 << CHUNK_BITS;
  private static final int FIRST_CHUNK_NODES = 16;

  private final MessageDigest md = ConsentHash.digest();

  /** {@code levels.get(k)} holds the hashes of the complete subtrees of {@code 2^k} leaves. */
  private final List<List<byte[]>> levels = new ArrayList<>();

  private long size;
  private ConsentHash lastEntryHash = ConsentHash.ZERO;

  /** The number of leaves. */
  long size() {
    return size;
  }

  /** The chain hash of the last entry appended; {@link ConsentHash#ZERO} when empty. */
  ConsentHash lastEntryHash() {
    return lastEntryHash;
  }

  /** Appends the leaf of one entry: its chain hash is the leaf data. */
  void append(ConsentHash entryHash) {
    md.update((byte) 0);
    entryHash.updateDigest(md);
    byte[] node = md.digest();
    long index = size;
    put(0, index, node);
    int level = 0;
    while ((index & 1) == 1) {
      node = MerkleTree.nodeHash(md, get(level, index - 1), node);
      level++;
      index >>>= 1;
      put(level, index, node);
    }
    size++;
    lastEntryHash = entryHash;
  }

  /** The leaf hash at an index below {@link #size()}. */
  ConsentHash leafHash(long index) {
    return ConsentHash.of(get(0, index));
  }

  /** The root of the tree of the first {@code treeSize} leaves. */
  ConsentHash root(long treeSize) {
    requireSize(treeSize);
    return treeSize == 0 ? MerkleTree.EMPTY_ROOT : ConsentHash.of(range(0, treeSize));
  }

  /**
   * The inclusion proof of a leaf in the tree of the first {@code treeSize} leaves.
   *
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 <=
   *     leafIndex < treeSize <= size()}
   */
  InclusionProof inclusionProof(long leafIndex, long treeSize) {
    requireSize(treeSize);
    return new InclusionProof(
        leafIndex, treeSize, hashes(MerkleTree.inclusionRanges(leafIndex, treeSize)));
  }

  /**
   * The consistency proof between the trees of the first {@code oldSize} and {@code newSize}
   * leaves.
   *
   * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} unless {@code 0 < oldSize <
   *     newSize <= size()}
   */
  ConsistencyProof consistencyProof(long oldSize, long newSize) {
    requireSize(newSize);
    return new ConsistencyProof(
        oldSize, newSize, hashes(MerkleTree.consistencyRanges(oldSize, newSize)));
  }

  private void requireSize(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "a tree of size " + treeSize + " is asked for, but the trail has " + size + " entries");
    }
  }

  private List<ConsentHash> hashes(long[] ranges) {
    List<ConsentHash> path = new ArrayList<>(ranges.length / 2);
    for (int i = 0; i < ranges.length; i += 2) {
      path.add(ConsentHash.of(range(ranges[i], ranges[i + 1])));
    }
    return path;
  }

  /**
   * The Merkle tree hash of leaves {@code [from, to)}, {@code from < to <= size}: a stored subtree
   * if the range is one (a power of two long and aligned to its length), else the RFC 9162 split.
   */
  private byte[] range(long from, long to) {
    long n = to - from;
    if (Long.bitCount(n) == 1 && from % n == 0) {
      int level = Long.numberOfTrailingZeros(n);
      return get(level, from >>> level);
    }
    long split = from + Long.highestOneBit(n - 1);
    byte[] left = range(from, split);
    byte[] right = range(split, to);
    return MerkleTree.nodeHash(md, left, right);
  }

  private byte[] get(int level, long index) {
    byte[] chunk = levels.get(level).get((int) (index >>> CHUNK_BITS));
    int offset = (int) (index & (CHUNK_NODES - 1)) * LENGTH;
    return Arrays.copyOfRange(chunk, offset, offset + LENGTH);
  }

  // Nodes of a level are stored in index order, so a new chunk is only ever needed at the end.
  private void put(int level, long index, byte[] node) {
    if (level == levels.size()) {
      levels.add(new ArrayList<>());
    }
    List<byte[]> chunks = levels.get(level);
    int c = (int) (index >>> CHUNK_BITS);
    int offset = (int) (index & (CHUNK_NODES - 1)) * LENGTH;
    if (c == chunks.size()) {
      chunks.add(new byte[FIRST_CHUNK_NODES * LENGTH]);
    }
    byte[] chunk = chunks.get(c);
    if (offset + LENGTH > chunk.length) {
      chunk = Arrays.copyOf(chunk, Math.min(CHUNK_NODES * LENGTH, 2 * chunk.length));
      chunks.set(c, chunk);
    }
    System.arraycopy(node, 0, chunk, offset, LENGTH);
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.util.Base64;
import java.util.Objects;

/**
 * A checkpoint of the consent trail: the root of its Merkle tree at one size, in the note text
 * format of C2SP tlog-checkpoint. Its {@linkplain #text() text} is three lines,
 *
 * <pre>
 * shop.example/consent
 * 10
 * rQzK3B8DHRFu+NwU7kZuN2C2ClAZSKAhybhIg9xmK2E=
 * </pre>
 *
 * the origin (which log), the tree size (how many entries) and the base64 root hash, each ending in
 * a newline. A checkpoint means nothing until signed: see {@link CheckpointSigner} and {@link
 * SignedCheckpoint}. Extension lines, which the format allows but does not recommend, are not used.
 * Immutable and thread-safe.
 *
 * @param origin the log's identity, such as {@code shop.example/consent}: 1 to 255 visible ASCII
 *     characters without {@code +}; by convention also the signing key's name
 * @param treeSize the number of entries in the tree, 0 or more
 * @param rootHash the Merkle tree hash of those entries ({@link MerkleTree#root})
 */
public record Checkpoint(String origin, long treeSize, ConsentHash rootHash) {
  /**
   * Validates.
   *
   * @param origin the log's identity: 1 to 255 visible ASCII characters without {@code +}
   * @param treeSize the number of entries in the tree, 0 or more
   * @param rootHash the Merkle tree hash of those entries
   * @throws ValidationException with field {@code origin}, {@code treeSize} or {@code rootHash} if
   *     the origin is not a valid name, the size is negative, or the size is 0 but the root is not
   *     {@link MerkleTree#EMPTY_ROOT}
   */
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(rootHash, "rootHash");
    Notes.requireName("origin", origin);
    if (treeSize < 0) {
      throw new ValidationException("treeSize", "must be 0 or more, but was " + treeSize);
    }
    if (treeSize == 0 && !rootHash.equals(MerkleTree.EMPTY_ROOT)) {
      throw new ValidationException(
          "rootHash", "the tree of size 0 has root " + MerkleTree.EMPTY_ROOT + " and no other");
    }
  }

  /**
   * The note text: origin, tree size and base64 root hash, each followed by a newline. This is what
   * a signature signs.
   *
   * @return the text
   */
  public String text() {
    return origin
        + '\n'
        + treeSize
        + '\n'
        + Base64.getEncoder().encodeToString(rootHash.bytes())
        + '\n';
  }

  /**
   * Reads a note text; the caller has checked its characters ({@link Notes#checkNoteCharacters}).
   *
   * @throws ConsentProofException with reason {@link Reason#MALFORMED}
   */
  static Checkpoint parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != 4 || !lines[3].isEmpty()) {
      throw Notes.malformed(
          "a checkpoint is exactly three lines (origin, tree size, root hash), each ending in"
              + " \\n; extension lines are not accepted");
    }
    if (!Notes.isValidName(lines[0])) {
      throw Notes.malformed(
          "the origin line must be 1 to "
              + Notes.MAX_NAME_LENGTH
              + " visible ASCII characters without '+'");
    }
    long size = Notes.parseSize(lines[1]);
    ConsentHash root = ConsentHash.of(Notes.base64(lines[2], ConsentHash.LENGTH, "the root hash"));
    try {
      return new Checkpoint(lines[0], size, root);
    } catch (ValidationException e) {
      throw new ConsentProofException(Reason.MALFORMED, e.field() + " " + e.reason(), e);
    }
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Checks signed checkpoints of one shop's consent trail, and proofs against them. Configured with
 * the one key it trusts, normally from the verifier key the shop publishes ({@link
 * CheckpointSigner#verifierKey()}).
 *
 * <p>Every input is treated as hostile: texts, proofs and checkpoints are checked for their exact
 * format and sizes before any hash or signature is computed, and every refusal is a {@link
 * ConsentProofException} whose {@link ConsentProofException#reason() reason} says why. Nothing is
 * ever accepted by default. Immutable and thread-safe.
 */
public final class CheckpointVerifier {
  private final String name;
  private final PublicKey publicKey;
  private final byte[] rawPublicKey;
  private final int keyId;

  private CheckpointVerifier(String name, PublicKey publicKey, byte[] rawPublicKey) {
    this.name = name;
    this.publicKey = publicKey;
    this.rawPublicKey = rawPublicKey;
    this.keyId = Notes.keyId(name, rawPublicKey);
  }

  /**
   * A verifier for a published verifier key, {@code <name>+<8 hex digits>+<base64>} as {@link
   * CheckpointSigner#verifierKey()} writes it (the signed-note verifier key format, Ed25519 only).
   *
   * @param verifierKey the verifier key
   * @return the verifier
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if the text is not an
   *     Ed25519 verifier key, or its key id does not match its name and key
   */
  public static CheckpointVerifier fromVerifierKey(String verifierKey) {
    Objects.requireNonNull(verifierKey, "verifierKey");
    if (verifierKey.length() > Notes.MAX_VERIFIER_KEY_LENGTH) {
      throw Notes.malformed(
          "a verifier key has at most " + Notes.MAX_VERIFIER_KEY_LENGTH + " characters");
    }
    int first = verifierKey.indexOf('+');
    int second = first < 0 ? -1 : verifierKey.indexOf('+', first + 1);
    if (second < 0) {
      throw Notes.malformed("a verifier key is <name>+<key id>+<key>");
    }
    String keyName = verifierKey.substring(0, first);
    if (!Notes.isValidName(keyName)) {
      throw Notes.malformed(
          "the key name must be 1 to "
              + Notes.MAX_NAME_LENGTH
              + " visible ASCII characters without '+'");
    }
    String id = verifierKey.substring(first + 1, second);
    if (id.length() != 8
        || !id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw Notes.malformed("the key id of a verifier key is 8 lower-case hex digits");
    }
    byte[] typed =
        Notes.base64(verifierKey.substring(second + 1), 1 + Notes.ED25519_KEY_LENGTH, "the key");
    if (typed[0] != Notes.ED25519_TYPE) {
      throw Notes.malformed("only Ed25519 keys (signature type 0x01) are supported");
    }
    byte[] raw = new byte[Notes.ED25519_KEY_LENGTH];
    System.arraycopy(typed, 1, raw, 0, raw.length);
    CheckpointVerifier verifier = new CheckpointVerifier(keyName, Notes.publicKey(raw), raw);
    if (verifier.keyId != HexFormat.fromHexDigits(id)) {
      throw Notes.malformed("the key id does not match the key name and key");
    }
    return verifier;
  }

  /**
   * A verifier for a key name and an Ed25519 public key.
   *
   * @param name the key name the signature lines carry: 1 to 255 visible ASCII characters without
   *     {@code +}
   * @param publicKey the Ed25519 public key
   * @return the verifier
   * @throws ValidationException with field {@code name} or {@code publicKey} if either is not valid
   */
  public static CheckpointVerifier of(String name, PublicKey publicKey) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(publicKey, "publicKey");
    Notes.requireName("name", name);
    return new CheckpointVerifier(name, publicKey, Notes.rawPublicKey(publicKey));
  }

  /**
   * The name of the trusted key.
   *
   * @return the key name
   */
  public String name() {
    return name;
  }

  /**
   * The trusted key in verifier key form, as {@link CheckpointSigner#verifierKey()}.
   *
   * @return the verifier key
   */
  public String verifierKey() {
    return Notes.verifierKey(name, keyId, rawPublicKey);
  }

  /**
   * Reads a signed checkpoint and checks its signature.
   *
   * @param signedCheckpointText the signed note, as {@link SignedCheckpoint#text()} writes it
   * @return the checkpoint, which the trusted key signed
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if the text is not a signed
   *     checkpoint (see {@link SignedCheckpoint#parse}), {@link Reason#UNKNOWN_KEY} if another key
   *     signed it, or {@link Reason#BAD_SIGNATURE} if the signature does not verify
   */
  public Checkpoint verify(String signedCheckpointText) {
    return verify(SignedCheckpoint.parse(signedCheckpointText));
  }

  /**
   * Checks the signature of a signed checkpoint.
   *
   * @param signed the signed checkpoint
   * @return its checkpoint, which the trusted key signed
   * @throws ConsentProofException with reason {@link Reason#UNKNOWN_KEY} if another key signed it,
   *     or {@link Reason#BAD_SIGNATURE} if the signature does not verify
   */
  public Checkpoint verify(SignedCheckpoint signed) {
    Objects.requireNonNull(signed, "signed");
    if (!signed.keyName().equals(name) || signed.keyId() != keyId) {
      throw new ConsentProofException(
          Reason.UNKNOWN_KEY,
          "signed by key "
              + signed.keyName()
              + "+"
              + Notes.hex(signed.keyId())
              + ", but only "
              + name
              + "+"
              + Notes.hex(keyId)
              + " is trusted");
    }
    if (!Notes.verifies(publicKey, signed.signedBytes(), signed.signature())) {
      throw new ConsentProofException(
          Reason.BAD_SIGNATURE,
          "the signature by "
              + name
              + " does not verify: the checkpoint or the signature was changed after signing");
    }
    return signed.checkpoint();
  }

  /**
   * Checks that an entry is in the tree a signed checkpoint commits to: what a customer does with
   * the proof on a receipt.
   *
   * @param checkpoint the signed checkpoint, of the proof's tree size
   * @param entryHash the entry's chain hash
   * @param proof the entry's inclusion proof
   * @throws ConsentProofException with reason {@link Reason#UNKNOWN_KEY} or {@link
   *     Reason#BAD_SIGNATURE} as {@link #verify(SignedCheckpoint)}, {@link Reason#WRONG_SIZE} if
   *     the proof is for another tree size, or {@link Reason#INCLUSION_FAILED} if it does not lead
   *     from the entry to the checkpoint's root
   */
  public void verifyInclusion(
      SignedCheckpoint checkpoint, ConsentHash entryHash, InclusionProof proof) {
    Objects.requireNonNull(entryHash, "entryHash");
    Objects.requireNonNull(proof, "proof");
    Checkpoint verified = verify(checkpoint);
    if (proof.treeSize() != verified.treeSize()) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "the proof is for a tree of size "
              + proof.treeSize()
              + ", but the checkpoint is of size "
              + verified.treeSize());
    }
    proof.verify(entryHash, verified.rootHash());
  }

  /**
   * Checks that a newer signed checkpoint extends an older one of a smaller, non-zero size: the log
   * only appended in between.
   *
   * @param older the older signed checkpoint
   * @param newer the newer signed checkpoint
   * @param proof the consistency proof from the older size to the newer
   * @throws ConsentProofException with reason {@link Reason#UNKNOWN_KEY} or {@link
   *     Reason#BAD_SIGNATURE} if either checkpoint is not signed by the trusted key, {@link
   *     Reason#ORIGIN_MISMATCH} if they are of different logs, {@link Reason#WRONG_SIZE} if the
   *     proof's sizes are not the checkpoints' sizes, or {@link Reason#INCONSISTENT} if the proof
   *     does not show that the newer tree extends the older
   */
  public void verifyConsistency(
      SignedCheckpoint older, SignedCheckpoint newer, ConsistencyProof proof) {
    Objects.requireNonNull(proof, "proof");
    Checkpoint old = verify(older);
    Checkpoint current = verify(newer);
    requireSameOrigin(old, current);
    if (proof.oldSize() != old.treeSize() || proof.newSize() != current.treeSize()) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "the proof is from size "
              + proof.oldSize()
              + " to "
              + proof.newSize()
              + ", but the checkpoints are of sizes "
              + old.treeSize()
              + " and "
              + current.treeSize());
    }
    proof.verify(old.rootHash(), current.rootHash());
  }

  /**
   * Checks two signed checkpoints that need no proof to be compared: of equal sizes, whose roots
   * must then be equal, or an older one of size 0, which every tree extends. Two checkpoints of the
   * same size with different roots are a {@link Reason#FORK}: the log showed two histories.
   *
   * @param older the older signed checkpoint
   * @param newer the newer signed checkpoint
   * @throws ConsentProofException with reason {@link Reason#UNKNOWN_KEY} or {@link
   *     Reason#BAD_SIGNATURE} if either checkpoint is not signed by the trusted key, {@link
   *     Reason#ORIGIN_MISMATCH} if they are of different logs, {@link Reason#FORK} if their sizes
   *     are equal and their roots are not, or {@link Reason#WRONG_SIZE} if the older is larger than
   *     the newer, or smaller but not empty (that needs {@linkplain
   *     #verifyConsistency(SignedCheckpoint, SignedCheckpoint, ConsistencyProof) a proof})
   */
  public void verifyConsistency(SignedCheckpoint older, SignedCheckpoint newer) {
    Checkpoint old = verify(older);
    Checkpoint current = verify(newer);
    requireSameOrigin(old, current);
    if (old.treeSize() == current.treeSize()) {
      if (!old.rootHash().equals(current.rootHash())) {
        throw new ConsentProofException(
            Reason.FORK,
            "two checkpoints of size "
                + old.treeSize()
                + " signed by "
                + name
                + " have different roots, "
                + old.rootHash()
                + " and "
                + current.rootHash()
                + "; keep both as evidence");
      }
      return;
    }
    if (old.treeSize() > current.treeSize()) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "the older checkpoint has size "
              + old.treeSize()
              + ", larger than the newer's "
              + current.treeSize()
              + "; a log never shrinks, so check the order of the arguments");
    }
    if (old.treeSize() != 0) {
      throw new ConsentProofException(
          Reason.WRONG_SIZE,
          "from size "
              + old.treeSize()
              + " to "
              + current.treeSize()
              + " a consistency proof is needed; ask the log for one");
    }
  }

  private static void requireSameOrigin(Checkpoint a, Checkpoint b) {
    if (!a.origin().equals(b.origin())) {
      throw new ConsentProofException(
          Reason.ORIGIN_MISMATCH,
          "the checkpoints are of different logs, " + a.origin() + " and " + b.origin());
    }
  }

  /** Returns the trusted key's name and id. */
  @Override
  public String toString() {
    return "CheckpointVerifier[" + name + "+" + Notes.hex(keyId) + "]";
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Checkpoint} with one Ed25519 signature, in the C2SP signed-note format: the checkpoint's
 * text, an empty line, and a signature line of an em dash (U+2014), a space, the key name, a space
 * and the base64 of the 4-byte key id followed by the 64-byte signature:
 *
 * <pre>
 * shop.example/consent
 * 10
 * rQzK3B8DHRFu+NwU7kZuN2C2ClAZSKAhybhIg9xmK2E=
 *
 * &#x2014; shop.example/consent Are1RJmixu3Xn1RAyPDsQ8tpu8JDi4+4JZJy5EzIR7HxDJWgShIVv7kqNEEaLTQ+cHAOTRe4q+vmkCjiu3Uc4jcvvAo=
 * </pre>
 *
 * This is the form to publish outside the database (a web page, a Git repository, an email to an
 * auditor, a timestamping service), so that a later rewrite of the consent table contradicts a copy
 * the shop no longer controls.
 *
 * <p>Holding a {@code SignedCheckpoint} says nothing about its signature: {@link #parse} only reads
 * the format. Check it with a {@link CheckpointVerifier} configured with the shop's published key.
 * Immutable and thread-safe; equal when their texts are equal.
 */
public final class SignedCheckpoint {
  private final Checkpoint checkpoint;
  private final String keyName;
  private final int keyId;
  private final byte[] signature;

  SignedCheckpoint(Checkpoint checkpoint, String keyName, int keyId, byte[] signature) {
    this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    this.keyName = Notes.requireName("keyName", keyName);
    this.keyId = keyId;
    if (signature.length != Notes.ED25519_SIGNATURE_LENGTH) {
      throw new ValidationException(
          "signature", "an Ed25519 signature is 64 bytes, not " + signature.length);
    }
    this.signature = signature.clone();
  }

  /**
   * Reads a signed checkpoint, without checking its signature.
   *
   * <p>The text must be exactly a three-line checkpoint, an empty line and one signature line, at
   * most {@value Notes#MAX_NOTE_LENGTH} characters, with {@code \n} line ends (no {@code \r}), no
   * control or non-ASCII characters but the signature line's em dash, a tree size in canonical
   * decimal, and hashes and signature in canonical base64. Checkpoints with extension lines or more
   * than one signature (such as witness cosignatures) are refused in this version.
   *
   * @param text the signed note
   * @return the signed checkpoint; its {@link #text()} equals {@code text}
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if the text is not exactly
   *     in that format
   */
  public static SignedCheckpoint parse(String text) {
    Objects.requireNonNull(text, "text");
    Notes.checkNoteCharacters(text);
    int separator = text.indexOf("\n\n");
    if (separator < 0) {
      throw Notes.malformed("a signed note has an empty line between its text and its signature");
    }
    if (text.indexOf("\n\n", separator + 1) >= 0) {
      throw Notes.malformed("a signed checkpoint has exactly one empty line");
    }
    Checkpoint checkpoint = Checkpoint.parse(text.substring(0, separator + 1));
    String signatures = text.substring(separator + 2);
    if (signatures.isEmpty()) {
      throw Notes.malformed("a signed note has a signature line after its empty line");
    }
    String line = signatures.substring(0, signatures.length() - 1);
    if (line.indexOf('\n') >= 0) {
      throw Notes.malformed("a signed checkpoint has exactly one signature line");
    }
    if (line.length() < 2 || line.charAt(0) != Notes.EM_DASH || line.charAt(1) != ' ') {
      throw Notes.malformed("a signature line starts with an em dash (U+2014) and a space");
    }
    String rest = line.substring(2);
    int space = rest.indexOf(' ');
    if (space < 0 || rest.indexOf(' ', space + 1) >= 0) {
      throw Notes.malformed("a signature line is an em dash, the key name and the signature");
    }
    String name = rest.substring(0, space);
    if (!Notes.isValidName(name)) {
      throw Notes.malformed(
          "the key name must be 1 to "
              + Notes.MAX_NAME_LENGTH
              + " visible ASCII characters without '+'");
    }
    byte[] blob =
        Notes.base64(
            rest.substring(space + 1), 4 + Notes.ED25519_SIGNATURE_LENGTH, "the signature");
    return new SignedCheckpoint(
        checkpoint, name, ByteBuffer.wrap(blob).getInt(), Arrays.copyOfRange(blob, 4, blob.length));
  }

  /**
   * The checkpoint that was signed.
   *
   * @return the checkpoint
   */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /**
   * The name of the key that signed, as written on the signature line.
   *
   * @return the key name
   */
  public String keyName() {
    return keyName;
  }

  /**
   * The id of the key that signed: the first four bytes, big-endian, of {@code SHA-256(key name ||
   * 0x0A || 0x01 || public key)} for the key that produced the signature (C2SP signed-note).
   *
   * @return the key id
   */
  public int keyId() {
    return keyId;
  }

  /**
   * The 64-byte Ed25519 signature over the checkpoint's {@linkplain Checkpoint#text() text}.
   *
   * @return a copy
   */
  public byte[] signature() {
    return signature.clone();
  }

  /** The bytes the signature signs. */
  byte[] signedBytes() {
    return checkpoint.text().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The signed note: the checkpoint text, an empty line and the signature line.
   *
   * @return the text, ending in a newline
   */
  public String text() {
    byte[] blob = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
    return checkpoint.text()
        + '\n'
        + Notes.EM_DASH
        + ' '
        + keyName
        + ' '
        + Base64.getEncoder().encodeToString(blob)
        + '\n';
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SignedCheckpoint s
        && checkpoint.equals(s.checkpoint)
        && keyName.equals(s.keyName)
        && keyId == s.keyId
        && MessageDigest.isEqual(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(checkpoint, keyName, keyId, Arrays.hashCode(signature));
  }

  /** Returns the origin, size, root and signing key, on one line. */
  @Override
  public String toString() {
    return "SignedCheckpoint["
        + checkpoint.origin()
        + " size "
        + checkpoint.treeSize()
        + " root "
        + checkpoint.rootHash()
        + " signed by "
        + keyName
        + "+"
        + Notes.hex(keyId)
        + "]";
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * Signs consent-trail checkpoints with an Ed25519 key (RFC 8032, through the JDK's {@code Ed25519}
 * provider), in the C2SP signed-note format. The shop keeps the private key ({@link
 * #privateKeyPkcs8()}) out of the database whose history the checkpoints vouch for, and publishes
 * {@link #verifierKey()} where customers and auditors can find it.
 *
 * <p>Immutable and thread-safe: each signature uses a fresh {@link Signature}. {@link #toString()}
 * shows the name and key id, never the private key.
 */
public final class CheckpointSigner {
  private final String name;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final byte[] rawPublicKey;
  private final int keyId;

  private CheckpointSigner(String name, PrivateKey privateKey, PublicKey publicKey) {
    this.name = name;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.rawPublicKey = Notes.rawPublicKey(publicKey);
    this.keyId = Notes.keyId(name, rawPublicKey);
  }

  /**
   * Generates a new key.
   *
   * @param name the key name, by convention the log's origin, such as {@code shop.example/consent}:
   *     1 to 255 visible ASCII characters without {@code +}
   * @return a signer with a fresh key from the platform's strong randomness
   * @throws ValidationException with field {@code name} if the name is not valid
   */
  public static CheckpointSigner generate(String name) {
    Objects.requireNonNull(name, "name");
    Notes.requireName("name", name);
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new CheckpointSigner(name, pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw noEd25519(e);
    }
  }

  /**
   * Loads a key saved with {@link #privateKeyPkcs8()}.
   *
   * @param name the key name it was used with (the key id depends on it)
   * @param pkcs8 the DER of an Ed25519 private key in PKCS #8 (RFC 8410 §7), as {@code openssl
   *     genpkey -algorithm ed25519 -outform DER} also writes it
   * @return the signer
   * @throws ValidationException with field {@code name} if the name is not valid, or {@code pkcs8}
   *     if the bytes are not an Ed25519 private key
   */
  public static CheckpointSigner fromPkcs8(String name, byte[] pkcs8) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pkcs8, "pkcs8");
    Notes.requireName("name", name);
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | ProviderException | IllegalArgumentException e) {
      throw new ValidationException("pkcs8", "is not an Ed25519 private key in PKCS #8 DER");
    }
    if (!(key instanceof EdECPrivateKey edKey)
        || !NamedParameterSpec.ED25519.getName().equalsIgnoreCase(edKey.getParams().getName())) {
      throw new ValidationException("pkcs8", "is not an Ed25519 private key in PKCS #8 DER");
    }
    byte[] seed =
        edKey
            .getBytes()
            .orElseThrow(() -> new ValidationException("pkcs8", "holds no private key bytes"));
    return new CheckpointSigner(name, key, derivePublicKey(seed));
  }

  /**
   * The public key of an Ed25519 seed. Java 17 has no call for it, but its key pair generator turns
   * 32 random bytes into a key pair, so it gets the seed as its randomness. The result is checked,
   * so a platform that generates differently fails here instead of signing with a mismatched key.
   */
  private static PublicKey derivePublicKey(byte[] seed) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] derivedSeed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(new byte[0]);
      byte[] probe = "tinycheckout key check\n".getBytes(StandardCharsets.UTF_8);
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(pair.getPrivate());
      signature.update(probe);
      byte[] signed = signature.sign();
      if (!Arrays.equals(derivedSeed, seed) || !Notes.verifies(pair.getPublic(), probe, signed)) {
        throw new IllegalStateException("cannot derive the Ed25519 public key on this platform");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw noEd25519(e);
    }
  }

  /**
   * The key name.
   *
   * @return the name the signature lines carry
   */
  public String name() {
    return name;
  }

  /**
   * The key id of the signature lines: the first four bytes, big-endian, of {@code SHA-256(name ||
   * 0x0A || 0x01 || public key)}.
   *
   * @return the key id
   */
  public int keyId() {
    return keyId;
  }

  /**
   * The public key.
   *
   * @return the Ed25519 public key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Signs a checkpoint.
   *
   * @param checkpoint the checkpoint; sign only checkpoints consistent with every one signed before
   * @return the signed checkpoint
   */
  public SignedCheckpoint sign(Checkpoint checkpoint) {
    Objects.requireNonNull(checkpoint, "checkpoint");
    return new SignedCheckpoint(checkpoint, name, keyId, signText(checkpoint.text()));
  }

  /** The Ed25519 signature of a note text, for the known-answer test of the note format. */
  byte[] signText(String text) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(text.getBytes(StandardCharsets.UTF_8));
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw noEd25519(e);
    }
  }

  /**
   * The verifier key to publish, in the signed-note text form {@code <name>+<key id as 8 hex
   * digits>+<base64 of 0x01 and the 32-byte public key>}, such as {@code
   * shop.example/consent+02b7b544+ARsOMwxw/FiEL3JX7WMX8FM4SAlUGFbxILkpoBl/wi/a}. It names the key
   * and holds its public half; {@link CheckpointVerifier#fromVerifierKey} reads it back.
   *
   * @return the verifier key
   */
  public String verifierKey() {
    return Notes.verifierKey(name, keyId, rawPublicKey);
  }

  /**
   * A verifier of this signer's checkpoints.
   *
   * @return a verifier that trusts this signer's public key only
   */
  public CheckpointVerifier verifier() {
    return CheckpointVerifier.of(name, publicKey);
  }

  /**
   * The private key, to keep in a secret store. Anyone holding it can sign checkpoints in the
   * shop's name.
   *
   * @return a new array with the DER of the key in PKCS #8
   */
  public byte[] privateKeyPkcs8() {
    return privateKey.getEncoded();
  }

  /** Returns the name and key id, never key material. */
  @Override
  public String toString() {
    return "CheckpointSigner[" + name + "+" + Notes.hex(keyId) + "]";
  }

  private static IllegalStateException noEd25519(GeneralSecurityException e) {
    return new IllegalStateException("this Java platform has no Ed25519 (Java 15 or later has)", e);
  }

  /** Randomness that is one given seed, to turn a seed into its key pair. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("expected a request for " + seed.length + " bytes");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
    }
  }
}

package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.MerkleTreeProperties.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The checkpoint note text of C2SP tlog-checkpoint, and the known answers of C2SP and Go. */
class CheckpointTest {
  /** The example of c2sp.org/tlog-checkpoint: a checkpoint signed by a key we do not have. */
  static final String C2SP_EXAMPLE =
      "example.com/behind-the-sofa\n"
          + "20852163\n"
          + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
          + "\n"
          + "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URY"
          + "N7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

  /**
   * The signed-note example of golang.org/x/mod/sumdb/note (and of the C2SP signed-note
   * implementations that test against it): a private key, its verifier key, a text and the
   * signature line Ed25519 gives, deterministically.
   */
  static final String GO_PRIVATE_KEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

  static final String GO_VERIFIER_KEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

  static final String GO_TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";

  static final String GO_SIGNATURE =
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

  /** The Go example's key as PKCS #8: the RFC 8410 prefix and the 32-byte seed. */
  static byte[] goPkcs8() {
    String base64 = GO_PRIVATE_KEY.substring(GO_PRIVATE_KEY.lastIndexOf('+', 40) + 1);
    byte[] typed = Base64.getDecoder().decode(base64);
    assertThat(typed).hasSize(33).startsWith((byte) 1);
    byte[] prefix = HexFormat.of().parseHex("302e020100300506032b657004220420");
    byte[] pkcs8 = new byte[prefix.length + 32];
    System.arraycopy(prefix, 0, pkcs8, 0, prefix.length);
    System.arraycopy(typed, 1, pkcs8, prefix.length, 32);
    return pkcs8;
  }

  @Test
  void theTextIsOriginSizeAndBase64RootEachEndingInANewline() {
    ConsentHash root = ConsentHash.sha256(new byte[] {1});
    Checkpoint checkpoint = new Checkpoint("shop.example/consent", 1024, root);

    assertThat(checkpoint.text())
        .isEqualTo(
            "shop.example/consent\n1024\n"
                + Base64.getEncoder().encodeToString(root.bytes())
                + "\n");
  }

  @Test
  void theC2spExampleIsReadAndWrittenBackByteForByte() {
    SignedCheckpoint example = SignedCheckpoint.parse(C2SP_EXAMPLE);

    assertThat(example.checkpoint().origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(example.checkpoint().treeSize()).isEqualTo(20_852_163);
    assertThat(example.checkpoint().rootHash().bytes())
        .isEqualTo(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
    assertThat(example.keyName()).isEqualTo("example.com/behind-the-sofa");
    assertThat(example.text()).isEqualTo(C2SP_EXAMPLE);
  }

  @Test
  void theGoNoteExampleComesOutOfOurKeyIdVerifierKeyAndSignature() {
    CheckpointSigner signer = CheckpointSigner.fromPkcs8("PeterNeumann", goPkcs8());

    assertThat(signer.verifierKey()).isEqualTo(GO_VERIFIER_KEY);
    assertThat(signer.keyId()).isEqualTo(0xc74f20a3);
    byte[] blob = new byte[68];
    System.arraycopy(HexFormat.of().parseHex("c74f20a3"), 0, blob, 0, 4);
    System.arraycopy(signer.signText(GO_TEXT), 0, blob, 4, 64);
    assertThat(Base64.getEncoder().encodeToString(blob)).isEqualTo(GO_SIGNATURE);
  }

  @Test
  void theGoVerifierKeyIsReadAndVerifiesWhatItsPrivateKeySigns() {
    CheckpointVerifier verifier = CheckpointVerifier.fromVerifierKey(GO_VERIFIER_KEY);
    CheckpointSigner signer = CheckpointSigner.fromPkcs8("PeterNeumann", goPkcs8());
    Checkpoint checkpoint = new Checkpoint("PeterNeumann", 0, MerkleTree.EMPTY_ROOT);

    assertThat(verifier.name()).isEqualTo("PeterNeumann");
    assertThat(verifier.verifierKey()).isEqualTo(GO_VERIFIER_KEY);
    assertThat(verifier.verify(signer.sign(checkpoint).text())).isEqualTo(checkpoint);
  }

  @Test
  void theSignedNoteExampleIsANoteButNotACheckpoint() {
    String poem =
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito"
            + " sera.\n\n\u2014 quasimodo.example/salvatore"
            + " NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

    assertRefused(() -> SignedCheckpoint.parse(poem), Reason.MALFORMED);
  }

  @Test
  void theEmptyTreeHasOnlyTheEmptyRoot() {
    assertThat(new Checkpoint("o", 0, MerkleTree.EMPTY_ROOT).treeSize()).isZero();

    assertThatThrownBy(() -> new Checkpoint("o", 0, ConsentHash.ZERO))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).field())
        .isEqualTo("rootHash");
  }

  @Test
  void aNegativeSizeIsRefused() {
    assertThatThrownBy(() -> new Checkpoint("o", -1, ConsentHash.ZERO))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).field())
        .isEqualTo("treeSize");
  }

  static Stream<String> badOrigins() {
    return Stream.of(
        "",
        "shop example",
        "shop+example",
        "shop\nexample",
        "shop\texample",
        "sh\u00f6p.example",
        "shop.example\u200b",
        "\u2014",
        "a".repeat(256));
  }

  @ParameterizedTest
  @MethodSource("badOrigins")
  void anOriginIsVisibleAsciiWithoutPlus(String origin) {
    assertThatThrownBy(() -> new Checkpoint(origin, 1, ConsentHash.ZERO))
        .isInstanceOf(ValidationException.class)
        .extracting(e -> ((ValidationException) e).field())
        .isEqualTo("origin");
  }

  @Test
  void theLongestOriginIsAccepted() {
    String origin = "a".repeat(255);
    CheckpointSigner signer = CheckpointSigner.generate("b".repeat(255));
    SignedCheckpoint signed = signer.sign(new Checkpoint(origin, Long.MAX_VALUE, ConsentHash.ZERO));

    assertThat(signer.verifier().verify(signed.text()).origin()).isEqualTo(origin);
    assertThat(signed.text().length()).isLessThan(Notes.MAX_NOTE_LENGTH);
    assertThat(List.of(signed)).containsExactly(SignedCheckpoint.parse(signed.text()));
  }
}

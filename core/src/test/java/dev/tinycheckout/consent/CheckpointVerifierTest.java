package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.MerkleTreeProperties.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier treats everything as hostile: each malformed text, wrong key, wrong size,
 * inconsistent proof and fork is refused with its precise reason, and nothing else gets through.
 */
class CheckpointVerifierTest {
  private static final String ORIGIN = "shop.example/consent";
  private static final CheckpointSigner SIGNER = CheckpointSigner.generate(ORIGIN);
  private static final CheckpointVerifier VERIFIER =
      CheckpointVerifier.fromVerifierKey(SIGNER.verifierKey());
  private static final List<ConsentHash> TRAIL =
      IntStream.range(0, 13)
          .mapToObj(i -> ConsentHash.sha256(("entry " + i).getBytes(StandardCharsets.UTF_8)))
          .toList();

  /** A valid note: the checkpoint of the first 5 entries. */
  private static final String NOTE = signed(5).text();

  private static SignedCheckpoint signed(int size) {
    return SIGNER.sign(new Checkpoint(ORIGIN, size, MerkleTree.root(TRAIL.subList(0, size))));
  }

  private static String root(int size) {
    return Base64.getEncoder().encodeToString(MerkleTree.root(TRAIL.subList(0, size)).bytes());
  }

  private static String signatureBase64() {
    return NOTE.substring(NOTE.lastIndexOf(' ') + 1, NOTE.length() - 1);
  }

  @Test
  void aNoteSignedByTheTrustedKeyGivesItsCheckpoint() {
    assertThat(VERIFIER.verify(NOTE)).isEqualTo(signed(5).checkpoint());
    assertThat(VERIFIER.verify(SignedCheckpoint.parse(NOTE))).isEqualTo(signed(5).checkpoint());
    assertThat(SIGNER.verifier().verify(NOTE)).isEqualTo(signed(5).checkpoint());
    assertThat(CheckpointVerifier.of(ORIGIN, SIGNER.publicKey()).verify(NOTE))
        .isEqualTo(signed(5).checkpoint());
  }

  static Stream<Arguments> malformedNotes() {
    String body = ORIGIN + "\n5\n" + root(5) + "\n";
    String sigLine = NOTE.substring(body.length() + 1);
    String sig = signatureBase64();
    byte[] blob = Base64.getDecoder().decode(sig);
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("empty", ""));
    cases.add(Arguments.of("only a newline", "\n"));
    cases.add(Arguments.of("no final newline", NOTE.substring(0, NOTE.length() - 1)));
    cases.add(Arguments.of("CRLF line ends", NOTE.replace("\n", "\r\n")));
    cases.add(Arguments.of("a CR alone", NOTE.replaceFirst("\n", "\r")));
    cases.add(Arguments.of("no signature", body));
    cases.add(Arguments.of("no empty line", body + sigLine));
    cases.add(Arguments.of("two empty lines", body + "\n\n" + sigLine));
    cases.add(Arguments.of("leading empty line", "\n" + NOTE));
    cases.add(Arguments.of("trailing empty line", NOTE + "\n"));
    cases.add(Arguments.of("an extension line", body + "ext\n\n" + sigLine));
    cases.add(Arguments.of("two signature lines", NOTE + sigLine));
    cases.add(Arguments.of("missing root line", ORIGIN + "\n5\n\n" + sigLine));
    cases.add(Arguments.of("missing origin", "5\n" + root(5) + "\n\n" + sigLine));
    cases.add(Arguments.of("empty origin", "\n5\n" + root(5) + "\n\n" + sigLine));
    for (String size :
        new String[] {
          "-5",
          "+5",
          "05",
          " 5",
          "5 ",
          "five",
          "5.0",
          "1e3",
          "0x5",
          "\u0665",
          "\uff15",
          "9223372036854775808",
          "99999999999999999999",
          ""
        }) {
      cases.add(
          Arguments.of("size '" + size + "'", NOTE.replaceFirst("\n5\n", "\n" + size + "\n")));
    }
    String rootText = root(5);
    cases.add(Arguments.of("root not base64", NOTE.replace(rootText, "!" + rootText.substring(1))));
    cases.add(
        Arguments.of("root without padding", NOTE.replace(rootText, rootText.substring(0, 43))));
    cases.add(
        Arguments.of(
            "root of 31 bytes",
            NOTE.replace(rootText, Base64.getEncoder().encodeToString(new byte[31]))));
    cases.add(
        Arguments.of(
            "root of 33 bytes",
            NOTE.replace(rootText, Base64.getEncoder().encodeToString(new byte[33]))));
    cases.add(
        Arguments.of(
            "root in hex", NOTE.replace(rootText, MerkleTree.root(TRAIL.subList(0, 5)).hex())));
    cases.add(
        Arguments.of(
            "root with non-zero padding bits",
            NOTE.replace(
                rootText, rootText.substring(0, 42) + nextBase64(rootText.charAt(42)) + "=")));
    cases.add(
        Arguments.of(
            "root in the URL-safe alphabet", NOTE.replace(rootText, "-_" + rootText.substring(2))));
    cases.add(Arguments.of("size 0 with another root", NOTE.replaceFirst("\n5\n", "\n0\n")));
    cases.add(Arguments.of("hyphen for em dash", NOTE.replace('\u2014', '-')));
    cases.add(Arguments.of("en dash for em dash", NOTE.replace('\u2014', '\u2013')));
    cases.add(Arguments.of("no space after the dash", NOTE.replace("\u2014 ", "\u2014")));
    cases.add(Arguments.of("two spaces", NOTE.replace("\u2014 ", "\u2014  ")));
    cases.add(Arguments.of("tab separator", NOTE.replace(ORIGIN + " ", ORIGIN + "\t")));
    cases.add(Arguments.of("trailing space", NOTE.replace(sig + "\n", sig + " \n")));
    cases.add(Arguments.of("no key name", NOTE.replace("\u2014 " + ORIGIN + " ", "\u2014 ")));
    cases.add(Arguments.of("key name with plus", NOTE.replace("\u2014 " + ORIGIN, "\u2014 a+b")));
    cases.add(
        Arguments.of(
            "signature of 67 bytes",
            NOTE.replace(
                sig, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, 67)))));
    cases.add(
        Arguments.of(
            "signature of 69 bytes",
            NOTE.replace(
                sig, Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(blob, 69)))));
    cases.add(Arguments.of("signature not base64", NOTE.replace(sig, "*" + sig.substring(1))));
    cases.add(Arguments.of("byte order mark", "\ufeff" + NOTE));
    cases.add(Arguments.of("zero-width space", NOTE.replace(ORIGIN, ORIGIN + "\u200b")));
    cases.add(Arguments.of("non-breaking space", NOTE.replace("\u2014 ", "\u2014\u00a0")));
    cases.add(Arguments.of("line separator", NOTE.replace("\n5\n", "\u20285\n")));
    cases.add(Arguments.of("NUL", NOTE.replace("\n5\n", "\n5\u0000\n")));
    cases.add(Arguments.of("tab", NOTE.replace("\n5\n", "\n\t5\n")));
    cases.add(Arguments.of("DEL", NOTE.replace("\n5\n", "\n5\u007f\n")));
    cases.add(Arguments.of("lone surrogate", NOTE.replace(ORIGIN + "\n", ORIGIN + "\ud800\n")));
    cases.add(Arguments.of("fullwidth letters in the origin", NOTE.replace("shop", "\uff53hop")));
    cases.add(Arguments.of("oversized", NOTE.replace(ORIGIN + "\n", "a".repeat(2000) + "\n")));
    cases.add(Arguments.of("a megabyte", "a".repeat(1 << 20)));
    cases.add(Arguments.of("every line doubled", NOTE.replace("\n", "\n\n")));
    return cases.stream();
  }

  private static char nextBase64(char c) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    return alphabet.charAt((alphabet.indexOf(c) + 1) % 64);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedNotes")
  void aMalformedNoteIsRefusedAsMalformed(String description, String text) {
    assertThat(text).isNotEqualTo(NOTE);
    assertRefused(() -> VERIFIER.verify(text), Reason.MALFORMED);
    assertRefused(() -> SignedCheckpoint.parse(text), Reason.MALFORMED);
  }

  @Test
  void aNoteSignedByAnotherKeyIsFromAnUnknownKey() {
    CheckpointSigner stranger = CheckpointSigner.generate("stranger.example");
    CheckpointSigner impostor = CheckpointSigner.generate(ORIGIN);
    Checkpoint checkpoint = signed(5).checkpoint();

    assertRefused(() -> VERIFIER.verify(stranger.sign(checkpoint).text()), Reason.UNKNOWN_KEY);
    assertRefused(() -> VERIFIER.verify(impostor.sign(checkpoint).text()), Reason.UNKNOWN_KEY);
    assertThatThrownBy(() -> VERIFIER.verify(impostor.sign(checkpoint)))
        .hasMessageContaining("only " + ORIGIN + "+" + Notes.hex(SIGNER.keyId()) + " is trusted");
  }

  @Test
  void aSignatureUnderTheTrustedNameAndIdThatDoesNotVerifyIsBad() {
    // Another key's signature, presented under the trusted key's name and id.
    CheckpointSigner impostor = CheckpointSigner.generate(ORIGIN);
    byte[] forged = impostor.sign(signed(5).checkpoint()).signature();
    byte[] blob = ByteBuffer.allocate(68).putInt(SIGNER.keyId()).put(forged).array();
    String text = NOTE.replace(signatureBase64(), Base64.getEncoder().encodeToString(blob));

    assertRefused(() -> VERIFIER.verify(text), Reason.BAD_SIGNATURE);
    assertRefused(() -> VERIFIER.verify(NOTE.replaceFirst("\n5\n", "\n6\n")), Reason.BAD_SIGNATURE);
    assertRefused(() -> VERIFIER.verify(NOTE.replace(root(5), root(6))), Reason.BAD_SIGNATURE);
  }

  static Stream<String> malformedVerifierKeys() {
    String key = SIGNER.verifierKey();
    int first = key.indexOf('+');
    String name = key.substring(0, first);
    String id = key.substring(first + 1, first + 9);
    String material = key.substring(first + 10);
    byte[] typed = Base64.getDecoder().decode(material);
    byte[] otherType = typed.clone();
    otherType[0] = 2;
    // Keys with the right key id whose 32 bytes are no point on the curve: y = 2, and y >= p.
    byte[] offCurve = new byte[32];
    offCurve[0] = 2;
    byte[] tooLarge = new byte[32];
    java.util.Arrays.fill(tooLarge, (byte) 0xff);
    return Stream.of(
        Notes.verifierKey(name, Notes.keyId(name, offCurve), offCurve),
        Notes.verifierKey(name, Notes.keyId(name, tooLarge), tooLarge),
        "",
        name,
        name + "+" + id,
        name + "+" + id + "+",
        "+" + id + "+" + material,
        name + "+" + id.substring(1) + "+" + material,
        name + "+" + id.toUpperCase(java.util.Locale.ROOT) + "0" + "+" + material,
        name + "+" + "00000000" + "+" + material,
        name + "x+" + id + "+" + material,
        "shop example+" + id + "+" + material,
        "sh\u00f6p+" + id + "+" + material,
        name + "+" + id + "+" + Base64.getEncoder().encodeToString(otherType),
        name + "+" + id + "+" + material.substring(4),
        name + "+" + id + "+" + material + "AAAA",
        name + "+" + id + "+" + material + "\n",
        name + "+" + id + "+" + material.replace('A', '-'),
        name + "+" + id + "+" + "!" + material.substring(1),
        "a".repeat(600) + "+" + id + "+" + material);
  }

  @ParameterizedTest
  @MethodSource("malformedVerifierKeys")
  void aMalformedVerifierKeyIsRefused(String key) {
    assertRefused(() -> CheckpointVerifier.fromVerifierKey(key), Reason.MALFORMED);
  }

  @Test
  void aVerifierNeedsAnEd25519Key() throws Exception {
    for (String algorithm : new String[] {"RSA", "EC", "Ed448", "X25519"}) {
      var key = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
      assertThatThrownBy(() -> CheckpointVerifier.of(ORIGIN, key))
          .isInstanceOf(ValidationException.class)
          .extracting(e -> ((ValidationException) e).field())
          .isEqualTo("publicKey");
    }
    assertThatThrownBy(() -> CheckpointVerifier.of("a b", SIGNER.publicKey()))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void anEntryOnAReceiptIsProvenAgainstASignedCheckpoint() {
    SignedCheckpoint checkpoint = signed(13);
    InclusionProof proof = MerkleTree.inclusionProof(7, TRAIL);

    VERIFIER.verifyInclusion(checkpoint, TRAIL.get(7), proof);

    assertRefused(
        () -> VERIFIER.verifyInclusion(checkpoint, TRAIL.get(8), proof), Reason.INCLUSION_FAILED);
    assertRefused(
        () -> VERIFIER.verifyInclusion(signed(12), TRAIL.get(7), proof), Reason.WRONG_SIZE);
    assertRefused(
        () ->
            VERIFIER.verifyInclusion(
                CheckpointSigner.generate(ORIGIN).sign(checkpoint.checkpoint()),
                TRAIL.get(7),
                proof),
        Reason.UNKNOWN_KEY);
    // A proof from a tree where entry 7 was swapped in leads to another root than the signed one.
    List<ConsentHash> rewritten = new ArrayList<>(TRAIL);
    ConsentHash forgedEntry = ConsentHash.sha256(new byte[] {7});
    rewritten.set(7, forgedEntry);
    assertRefused(
        () ->
            VERIFIER.verifyInclusion(
                checkpoint, forgedEntry, MerkleTree.inclusionProof(7, rewritten)),
        Reason.INCLUSION_FAILED);
  }

  @Test
  void aNewerCheckpointThatOnlyAppendedIsConsistent() {
    VERIFIER.verifyConsistency(signed(5), signed(13), MerkleTree.consistencyProof(5, TRAIL));
    VERIFIER.verifyConsistency(signed(8), signed(8));
    VERIFIER.verifyConsistency(signed(0), signed(13));
    VERIFIER.verifyConsistency(signed(0), signed(0));
  }

  @Test
  void twoSignedCheckpointsOfOneSizeWithDifferentRootsAreAFork() {
    List<ConsentHash> rewritten = new ArrayList<>(TRAIL);
    rewritten.set(2, ConsentHash.ZERO);
    SignedCheckpoint other =
        SIGNER.sign(new Checkpoint(ORIGIN, 8, MerkleTree.root(rewritten.subList(0, 8))));

    assertRefused(() -> VERIFIER.verifyConsistency(signed(8), other), Reason.FORK);
    assertRefused(() -> VERIFIER.verifyConsistency(other, signed(8)), Reason.FORK);
  }

  @Test
  void aNewerCheckpointOverRewrittenHistoryIsInconsistent() {
    List<ConsentHash> rewritten = new ArrayList<>(TRAIL);
    rewritten.set(2, ConsentHash.ZERO);
    SignedCheckpoint rewrittenNewer =
        SIGNER.sign(new Checkpoint(ORIGIN, 13, MerkleTree.root(rewritten)));

    assertRefused(
        () ->
            VERIFIER.verifyConsistency(
                signed(5), rewrittenNewer, MerkleTree.consistencyProof(5, rewritten)),
        Reason.INCONSISTENT);
    assertRefused(
        () ->
            VERIFIER.verifyConsistency(
                signed(5), rewrittenNewer, MerkleTree.consistencyProof(5, TRAIL)),
        Reason.INCONSISTENT);
  }

  @Test
  void sizesThatDoNotFitTheProofOrEachOtherAreTheWrongSize() {
    ConsistencyProof fiveToThirteen = MerkleTree.consistencyProof(5, TRAIL);

    assertRefused(
        () -> VERIFIER.verifyConsistency(signed(6), signed(13), fiveToThirteen), Reason.WRONG_SIZE);
    assertRefused(
        () -> VERIFIER.verifyConsistency(signed(5), signed(12), fiveToThirteen), Reason.WRONG_SIZE);
    assertRefused(() -> VERIFIER.verifyConsistency(signed(13), signed(5)), Reason.WRONG_SIZE);
    assertRefused(() -> VERIFIER.verifyConsistency(signed(5), signed(13)), Reason.WRONG_SIZE);
    assertThatThrownBy(() -> VERIFIER.verifyConsistency(signed(5), signed(13)))
        .hasMessageContaining("a consistency proof is needed");
  }

  @Test
  void checkpointsOfAnotherLogOrKeyAreNotCompared() {
    SignedCheckpoint otherLog =
        SIGNER.sign(new Checkpoint("other.example/log", 13, MerkleTree.root(TRAIL)));
    SignedCheckpoint otherKey = CheckpointSigner.generate(ORIGIN).sign(signed(13).checkpoint());
    ConsistencyProof proof = MerkleTree.consistencyProof(5, TRAIL);

    assertRefused(
        () -> VERIFIER.verifyConsistency(signed(5), otherLog, proof), Reason.ORIGIN_MISMATCH);
    assertRefused(() -> VERIFIER.verifyConsistency(signed(13), otherLog), Reason.ORIGIN_MISMATCH);
    assertRefused(() -> VERIFIER.verifyConsistency(signed(5), otherKey, proof), Reason.UNKNOWN_KEY);
    assertRefused(() -> VERIFIER.verifyConsistency(otherKey, signed(13)), Reason.UNKNOWN_KEY);
  }

  @Test
  void toStringNamesTheTrustedKey() {
    assertThat(VERIFIER.toString())
        .isEqualTo("CheckpointVerifier[" + ORIGIN + "+" + Notes.hex(SIGNER.keyId()) + "]");
    assertThat(signed(5).toString())
        .contains(ORIGIN + " size 5 root " + MerkleTree.root(TRAIL.subList(0, 5)).hex());
  }
}

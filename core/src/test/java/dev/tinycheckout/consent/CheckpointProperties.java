package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The laws of signed checkpoints under hostile input: what is written reads back equal and
 * verifies; any single-byte change of a signed note is refused; and whatever text, bytes, keys,
 * signatures or proof data are thrown at the parsers and verifiers, the only outcomes are a refusal
 * as {@link ConsentProofException} (or {@link ValidationException}) or, for exactly the signed
 * text, acceptance. No other exception escapes.
 */
class CheckpointProperties {
  private static final CheckpointSigner SIGNER = CheckpointSigner.generate("shop.example/consent");
  private static final CheckpointVerifier VERIFIER = SIGNER.verifier();
  private static final String NOTE =
      SIGNER
          .sign(
              new Checkpoint(
                  "shop.example/consent",
                  1234,
                  ConsentHash.sha256("root".getBytes(StandardCharsets.UTF_8))))
          .text();

  /** Characters that matter to the format, and some that only look like they do. */
  private static final String TRICKY =
      "\n\r\t \u2014\u2013-+/=.0123456789abcxyzABCXYZ\u00a0\u200b\u2028\ufeff\uff10\u0000\u007f";

  @Provide
  Arbitrary<Checkpoint> checkpoints() {
    Arbitrary<String> origins =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .excludeChars('+')
            .ofMinLength(1)
            .ofMaxLength(255);
    Arbitrary<Long> sizes =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.of(0L, 1L, Long.MAX_VALUE));
    Arbitrary<ConsentHash> roots =
        Arbitraries.bytes().array(byte[].class).ofSize(32).map(ConsentHash::of);
    return Combinators.combine(origins, sizes, roots)
        .as((o, s, r) -> new Checkpoint(o, s, s == 0 ? MerkleTree.EMPTY_ROOT : r));
  }

  @Provide
  Arbitrary<String> trickyStrings() {
    return Arbitraries.strings().withChars(TRICKY).ofMaxLength(300);
  }

  @Provide
  Arbitrary<String> mutatedNotes() {
    Arbitrary<Character> chars =
        Arbitraries.oneOf(Arbitraries.chars().with(TRICKY.toCharArray()), Arbitraries.chars());
    Arbitrary<Integer> positions = Arbitraries.integers().between(0, NOTE.length());
    Arbitrary<Integer> kinds = Arbitraries.integers().between(0, 2);
    Arbitrary<String> once =
        Combinators.combine(positions, kinds, chars)
            .as(
                (p, kind, c) -> {
                  int at = Math.min(p, NOTE.length() - 1);
                  return switch (kind) {
                    case 0 -> NOTE.substring(0, p) + c + NOTE.substring(p);
                    case 1 -> NOTE.substring(0, at) + NOTE.substring(at + 1);
                    default -> NOTE.substring(0, at) + c + NOTE.substring(at + 1);
                  };
                });
    return once.filter(s -> !s.equals(NOTE));
  }

  /** Law: a signed checkpoint's text reads back equal, and verifies to its checkpoint. */
  @Property(tries = 300)
  void aSignedCheckpointReadsBackEqualAndVerifies(@ForAll("checkpoints") Checkpoint checkpoint) {
    SignedCheckpoint signed = SIGNER.sign(checkpoint);

    assertThat(SignedCheckpoint.parse(signed.text())).isEqualTo(signed);
    assertThat(SignedCheckpoint.parse(signed.text()).hashCode()).isEqualTo(signed.hashCode());
    assertThat(VERIFIER.verify(signed.text())).isEqualTo(checkpoint);
  }

  /** Law: changing any one byte of a signed note's UTF-8 to any other value makes it refused. */
  @Property(tries = 1000)
  void anySingleByteChangeOfASignedNoteIsRefused(
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    byte[] bytes = NOTE.getBytes(StandardCharsets.UTF_8);
    int at = position % bytes.length;
    bytes[at] = (byte) (bytes[at] + delta);

    String changed = new String(bytes, StandardCharsets.UTF_8);

    assertThat(changed).isNotEqualTo(NOTE);
    assertRefusedOnly(() -> VERIFIER.verify(changed));
  }

  /** Law: a single inserted, deleted or replaced character is refused, never an odd failure. */
  @Property(tries = 1000)
  void aMutatedNoteIsRefused(@ForAll("mutatedNotes") String text) {
    assertRefusedOnly(() -> VERIFIER.verify(text));
  }

  /** Law: arbitrary strings are refused by every reader, with a reason. */
  @Property(tries = 1000)
  void arbitraryStringsAreRefused(@ForAll String text, @ForAll("trickyStrings") String tricky) {
    for (String input : List.of(text, tricky, tricky + NOTE, NOTE + tricky)) {
      if (!input.equals(NOTE)) {
        assertRefusedOnly(() -> VERIFIER.verify(input));
        // A prefix or suffix may leave a well-formed note, whose signature then fails.
        assertRefusedOrAccepted(() -> SignedCheckpoint.parse(input));
        assertRefusedOnly(() -> CheckpointVerifier.fromVerifierKey(input));
      }
      if (!input.isEmpty()) {
        assertRefusedOnly(() -> CheckpointVerifier.fromVerifierKey(SIGNER.verifierKey() + input));
      }
    }
  }

  /** Law: arbitrary bytes, read as UTF-8 or Latin-1, are refused. */
  @Property(tries = 500)
  void arbitraryBytesAreRefused(@ForAll byte[] bytes) {
    for (String input :
        List.of(
            new String(bytes, StandardCharsets.UTF_8),
            new String(bytes, StandardCharsets.ISO_8859_1))) {
      assertRefusedOnly(() -> VERIFIER.verify(input));
      assertRefusedOnly(() -> CheckpointVerifier.fromVerifierKey(input));
    }
  }

  /**
   * Law: any 64 bytes presented as the trusted key's signature, however far from a valid Ed25519
   * signature (points off the curve, scalars out of range), are a bad signature and nothing else.
   */
  @Property(tries = 500)
  void arbitrarySignatureBytesUnderTheTrustedKeyAreBad(@ForAll("signatures") byte[] signature) {
    byte[] blob = ByteBuffer.allocate(68).putInt(SIGNER.keyId()).put(signature).array();
    String text =
        NOTE.substring(0, NOTE.lastIndexOf(' ') + 1)
            + Base64.getEncoder().encodeToString(blob)
            + "\n";

    Throwable thrown = catchThrowable(() -> VERIFIER.verify(text));

    assertThat(thrown).isInstanceOf(ConsentProofException.class);
    assertThat(((ConsentProofException) thrown).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Provide
  Arbitrary<byte[]> signatures() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(64);
    Arbitrary<byte[]> allOnes = Arbitraries.just(filled((byte) 0xff));
    Arbitrary<byte[]> zeros = Arbitraries.just(new byte[64]);
    return Arbitraries.oneOf(random, allOnes, zeros);
  }

  /**
   * Law: any 32 bytes published as an Ed25519 key either are refused as malformed or make a
   * verifier that refuses other signatures as bad; nothing odd escapes from the JDK.
   */
  @Property(tries = 300)
  void arbitraryPublicKeysAreRefusedOrVerifyNothing(@ForAll("keys") byte[] raw) {
    String name = "shop.example/consent";
    int keyId = Notes.keyId(name, raw);
    String verifierKey = Notes.verifierKey(name, keyId, raw);
    byte[] blob =
        ByteBuffer.allocate(68).putInt(keyId).put(SignedCheckpoint.parse(NOTE).signature()).array();
    String text =
        NOTE.substring(0, NOTE.lastIndexOf(' ') + 1)
            + Base64.getEncoder().encodeToString(blob)
            + "\n";

    Throwable thrown =
        catchThrowable(() -> CheckpointVerifier.fromVerifierKey(verifierKey).verify(text));

    assertThat(thrown).isInstanceOf(ConsentProofException.class);
    assertThat(((ConsentProofException) thrown).reason())
        .isIn(Reason.MALFORMED, Reason.BAD_SIGNATURE);
  }

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofSize(32),
        Arbitraries.just(filled32((byte) 0xff)),
        Arbitraries.just(new byte[32]));
  }

  /** Law: proof data from anywhere makes a proof or a refusal, and a proof verifies or refuses. */
  @Property(tries = 1000)
  void arbitraryProofDataIsRefusedWithAReason(
      @ForAll long a,
      @ForAll long b,
      @ForAll @IntRange(min = 0, max = 70) int length,
      @ForAll("hexes") String hex) {
    List<String> path = java.util.Collections.nCopies(length, hex);
    ConsentHash x = ConsentHash.ZERO;

    assertRefusedOrAccepted(() -> InclusionProof.fromHex(a, b, path).verify(x, x));
    assertRefusedOrAccepted(() -> ConsistencyProof.fromHex(a, b, path).verify(x, x));
    long small = Math.floorMod(a, 100);
    long smallSize = Math.floorMod(b, 100);
    assertRefusedOrAccepted(() -> InclusionProof.fromHex(small, smallSize, path).verify(x, x));
    assertRefusedOrAccepted(() -> ConsistencyProof.fromHex(small, smallSize, path).verify(x, x));
  }

  @Provide
  Arbitrary<String> hexes() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(64),
        Arbitraries.strings().withChars("0123456789abcdefg \n").ofMaxLength(70),
        Arbitraries.strings().ofMaxLength(70));
  }

  private static byte[] filled(byte value) {
    byte[] bytes = new byte[64];
    java.util.Arrays.fill(bytes, value);
    return bytes;
  }

  private static byte[] filled32(byte value) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, value);
    return bytes;
  }

  /** The call must be refused, with a consent proof or validation failure and nothing else. */
  private static void assertRefusedOnly(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown)
        .as("refused")
        .isNotNull()
        .isInstanceOfAny(ConsentProofException.class, ValidationException.class);
  }

  /** The call may succeed; if it fails, only as a consent proof or validation failure. */
  private static void assertRefusedOrAccepted(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    if (thrown != null) {
      assertThat(thrown).isInstanceOfAny(ConsentProofException.class, ValidationException.class);
    }
  }
}

package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CheckpointSignerTest {
  private static final String NAME = "shop.example/consent";
  private static final CheckpointSigner SIGNER = CheckpointSigner.generate(NAME);
  private static final Checkpoint CHECKPOINT =
      new Checkpoint(NAME, 3, ConsentHash.sha256("three".getBytes(StandardCharsets.UTF_8)));

  private static byte[] raw(CheckpointSigner signer) {
    byte[] encoded = signer.publicKey().getEncoded();
    return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
  }

  @Test
  void aSignedCheckpointIsTheTextAnEmptyLineAndOneEmDashSignatureLine() throws Exception {
    SignedCheckpoint signed = SIGNER.sign(CHECKPOINT);
    String text = signed.text();

    assertThat(text).startsWith(CHECKPOINT.text() + "\n\u2014 " + NAME + " ").endsWith("\n");
    String base64 = text.substring(text.lastIndexOf(' ') + 1, text.length() - 1);
    byte[] blob = Base64.getDecoder().decode(base64);
    assertThat(blob).hasSize(68);
    assertThat(ByteBuffer.wrap(blob).getInt()).isEqualTo(SIGNER.keyId());
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(SIGNER.publicKey());
    jdk.update(CHECKPOINT.text().getBytes(StandardCharsets.UTF_8));
    assertThat(jdk.verify(Arrays.copyOfRange(blob, 4, 68))).isTrue();
  }

  @Test
  void theKeyIdIsTheFirstFourBytesOfTheHashOfNameNewlineTypeAndKey() {
    byte[] name = NAME.getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[name.length + 2 + 32];
    System.arraycopy(name, 0, input, 0, name.length);
    input[name.length] = 0x0a;
    input[name.length + 1] = 0x01;
    System.arraycopy(raw(SIGNER), 0, input, name.length + 2, 32);

    assertThat(SIGNER.keyId()).isEqualTo(ByteBuffer.wrap(Rfc9162.sha256(input)).getInt());
  }

  @Test
  void theVerifierKeyIsNameKeyIdAndTypedPublicKey() {
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(raw(SIGNER), 0, typed, 1, 32);

    assertThat(SIGNER.verifierKey())
        .isEqualTo(
            NAME
                + "+"
                + HexFormat.of().toHexDigits(SIGNER.keyId())
                + "+"
                + Base64.getEncoder().encodeToString(typed));
  }

  @Test
  void aSavedKeySignsExactlyAsBefore() {
    CheckpointSigner loaded = CheckpointSigner.fromPkcs8(NAME, SIGNER.privateKeyPkcs8());

    assertThat(loaded.verifierKey()).isEqualTo(SIGNER.verifierKey());
    assertThat(loaded.sign(CHECKPOINT)).isEqualTo(SIGNER.sign(CHECKPOINT));
    assertThat(SIGNER.privateKeyPkcs8())
        .hasSize(48)
        .startsWith(HexFormat.of().parseHex("302e020100300506032b657004220420"));
  }

  @Test
  void aKeyUnderAnotherNameHasAnotherKeyId() {
    CheckpointSigner renamed =
        CheckpointSigner.fromPkcs8("other.example", SIGNER.privateKeyPkcs8());

    assertThat(renamed.keyId()).isNotEqualTo(SIGNER.keyId());
    assertThat(raw(renamed)).isEqualTo(raw(SIGNER));
  }

  @Test
  void generatedKeysDiffer() {
    assertThat(CheckpointSigner.generate(NAME).verifierKey()).isNotEqualTo(SIGNER.verifierKey());
  }

  @Test
  void bytesThatAreNotAnEd25519PrivateKeyAreRefused() throws Exception {
    byte[] ed448 =
        KeyPairGenerator.getInstance("Ed448").generateKeyPair().getPrivate().getEncoded();
    byte[] rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded();
    byte[] truncated = Arrays.copyOf(SIGNER.privateKeyPkcs8(), 47);

    for (byte[] bad : new byte[][] {new byte[0], new byte[48], ed448, rsa, truncated}) {
      assertThatThrownBy(() -> CheckpointSigner.fromPkcs8(NAME, bad))
          .isInstanceOf(ValidationException.class)
          .extracting(e -> ((ValidationException) e).field())
          .isEqualTo("pkcs8");
    }
  }

  @Test
  void aKeyNameIsVisibleAsciiWithoutPlus() {
    for (String bad : new String[] {"", "a b", "a+b", "caf\u00e9", "a".repeat(256), "a\n"}) {
      assertThatThrownBy(() -> CheckpointSigner.generate(bad))
          .isInstanceOf(ValidationException.class)
          .extracting(e -> ((ValidationException) e).field())
          .isEqualTo("name");
    }
  }

  @Test
  void toStringShowsTheKeyButNeverThePrivateKey() {
    byte[] pkcs8 = SIGNER.privateKeyPkcs8();
    byte[] seed = Arrays.copyOfRange(pkcs8, 16, 48);

    assertThat(SIGNER.toString())
        .isEqualTo(
            "CheckpointSigner[" + NAME + "+" + HexFormat.of().toHexDigits(SIGNER.keyId()) + "]")
        .doesNotContain(HexFormat.of().formatHex(seed))
        .doesNotContain(Base64.getEncoder().encodeToString(seed).substring(0, 40));
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.consent.CheckpointSigner;
import dev.tinycheckout.consent.ConsentAudit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentKeysTest {
  @TempDir Path dir;

  private Settings settings(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString()));
    all.addAll(List.of(args));
    return Settings.parse(all, env);
  }

  private Settings settings(String... args) {
    return settings(Map.of(), args);
  }

  private static void assumePosix(Path path) {
    Assumptions.assumeTrue(
        path.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "owner-only permissions are checked on POSIX file systems");
  }

  @Test
  void theFirstStartMakesBothKeysAndLaterStartsFindTheSameOnes() throws Exception {
    ConsentKeys first = ConsentKeys.load(settings());
    ConsentKeys second = ConsentKeys.load(settings());

    assertThat(first.secretCreated()).isTrue();
    assertThat(second.secretCreated()).isFalse();
    assertThat(second.secret()).isEqualTo(first.secret());
    assertThat(second.signer().verifierKey()).isEqualTo(first.signer().verifierKey());
    assertThat(first.signer().name()).isEqualTo(ConsentAudit.DEFAULT_ORIGIN);
    assertThat(first.secret().bytes()).hasSize(32);
    try (Stream<Path> files = Files.list(dir.resolve("data"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file is left behind")
          .containsExactlyInAnyOrder(ConsentKeys.SECRET_FILE, ConsentKeys.CHECKPOINT_KEY_FILE);
    }
  }

  @Test
  void theKeyFilesAndTheDataDirectoryItMakesAreTheOwnersOnly() throws Exception {
    assumePosix(dir);

    ConsentKeys.load(settings());

    Path data = dir.resolve("data");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(ConsentKeys.SECRET_FILE))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(ConsentKeys.CHECKPOINT_KEY_FILE))))
        .isEqualTo("rw-------");
  }

  @Test
  void theFilesItMakesAreTheFormsOpensslWritesAndReads() throws Exception {
    ConsentKeys keys = ConsentKeys.load(settings());

    String secret = Files.readString(dir.resolve("data").resolve(ConsentKeys.SECRET_FILE));
    String pem = Files.readString(dir.resolve("data").resolve(ConsentKeys.CHECKPOINT_KEY_FILE));

    assertThat(secret).matches("[0-9a-f]{64}\n");
    assertThat(HexFormat.of().parseHex(secret.strip())).isEqualTo(keys.secret().bytes());
    assertThat(pem)
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("\n-----END PRIVATE KEY-----\n");
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.replace("-----BEGIN PRIVATE KEY-----", "")
                    .replace("-----END PRIVATE KEY-----", ""));
    assertThat(CheckpointSigner.fromPkcs8(ConsentKeys.CHECKPOINT_KEY_NAME, der).verifierKey())
        .isEqualTo(keys.signer().verifierKey());
  }

  @Test
  void theSecretFromTheEnvironmentIsUsedAndNoSecretFileIsMade() {
    String hex = "ab".repeat(40);

    ConsentKeys keys = ConsentKeys.load(settings(Map.of(Settings.CONSENT_SECRET_ENV, hex)));

    assertThat(keys.secret().bytes()).isEqualTo(HexFormat.of().parseHex(hex));
    assertThat(keys.secretCreated()).isFalse();
    assertThat(dir.resolve("data").resolve(ConsentKeys.SECRET_FILE)).doesNotExist();
    assertThat(dir.resolve("data").resolve(ConsentKeys.CHECKPOINT_KEY_FILE)).exists();
  }

  @Test
  void namedFilesAreReadAsGivenAndNothingIsMade() throws Exception {
    byte[] secret = new byte[48];
    secret[0] = 42;
    Path secretFile =
        Files.writeString(
            dir.resolve("secret.b64"), Base64.getEncoder().encodeToString(secret) + "\n");
    CheckpointSigner signer = CheckpointSigner.generate(ConsentKeys.CHECKPOINT_KEY_NAME);
    Path der = Files.write(dir.resolve("checkpoint.der"), signer.privateKeyPkcs8());

    ConsentKeys keys =
        ConsentKeys.load(
            settings(
                "--consent-secret-file",
                secretFile.toString(),
                "--checkpoint-key-file",
                der.toString()));

    assertThat(keys.secret().bytes()).isEqualTo(secret);
    assertThat(keys.signer().verifierKey()).isEqualTo(signer.verifierKey());
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aKeyInPemIsReadLikeItsDer() throws Exception {
    CheckpointSigner signer = CheckpointSigner.generate(ConsentKeys.CHECKPOINT_KEY_NAME);
    Path pem =
        Files.writeString(
            dir.resolve("checkpoint.pem"),
            "-----BEGIN PRIVATE KEY-----\r\n"
                + Base64.getEncoder().encodeToString(signer.privateKeyPkcs8())
                + "\r\n-----END PRIVATE KEY-----\r\n");

    ConsentKeys keys = ConsentKeys.load(settings("--checkpoint-key-file", pem.toString()));

    assertThat(keys.signer().verifierKey()).isEqualTo(signer.verifierKey());
  }

  @Test
  void aNamedFileThatIsMissingSaysHowToMakeOne() {
    Path secret = dir.resolve("no-secret.hex");
    Path key = dir.resolve("no-key.pem");

    assertThatThrownBy(() -> ConsentKeys.load(settings("--consent-secret-file", secret.toString())))
        .isInstanceOf(StartupException.class)
        .hasMessage(
            "consent secret file "
                + secret
                + " does not exist; make one with 'openssl rand -hex 32 > "
                + secret
                + "', or leave out --consent-secret-file (TINYCHECKOUT_CONSENT_SECRET_FILE) to"
                + " keep one in the data directory");
    assertThatThrownBy(() -> ConsentKeys.load(settings("--checkpoint-key-file", key.toString())))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith(
            "checkpoint key file "
                + key
                + " does not exist; make one with 'openssl genpkey -algorithm ed25519 -out ");
  }

  @Test
  void aSecretFileWithAShortSecretIsRefusedWithoutShowingIt() throws Exception {
    String shortHex = "0123456789abcdef".repeat(3);
    Path file = Files.writeString(dir.resolve("secret.hex"), shortHex + "\n");

    assertThatThrownBy(() -> ConsentKeys.load(settings("--consent-secret-file", file.toString())))
        .isInstanceOf(StartupException.class)
        .hasMessage(
            "consent secret file "
                + file
                + " must be at least 32 bytes as hex or base64 text, such as 'openssl rand -hex"
                + " 32' prints, but holds only 24 bytes")
        .hasMessageNotContaining(shortHex);
  }

  @Test
  void aKeyFileThatHoldsNoEd25519KeyIsRefused() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.der"), "not a key at all");
    Path encrypted =
        Files.writeString(
            dir.resolve("encrypted.pem"),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(
            () -> ConsentKeys.load(settings("--checkpoint-key-file", garbage.toString())))
        .isInstanceOf(StartupException.class)
        .hasMessage(
            "checkpoint key file "
                + garbage
                + " is not an Ed25519 private key in PKCS #8 (PEM or DER), as 'openssl genpkey"
                + " -algorithm ed25519' writes it");
    assertThatThrownBy(
            () -> ConsentKeys.load(settings("--checkpoint-key-file", encrypted.toString())))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("must hold one unencrypted '-----BEGIN PRIVATE KEY-----' block");
  }

  @Test
  void aDataDirectoryFileThatWasDamagedStopsTheStartInsteadOfBeingReplaced() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path file = Files.writeString(data.resolve(ConsentKeys.SECRET_FILE), "tooshort\n");

    assertThatThrownBy(() -> ConsentKeys.load(settings()))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("consent secret file " + file + " must be at least 32 bytes");
    assertThat(Files.readString(file, StandardCharsets.US_ASCII)).isEqualTo("tooshort\n");
  }
}

package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.CheckpointSigner;
import dev.tinycheckout.consent.ConsentAudit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's two consent keys: the subject secret that keys the customers' pseudonyms, and
 * the Ed25519 key that signs checkpoints of the consent trail. Each comes from where the {@link
 * Settings} say, or else from a file in the data directory that the first start makes with
 * owner-only permissions, so every later start on that directory has the same pseudonyms and the
 * same verifier key. Logs where each came from and the verifier key to publish, never a secret.
 */
final class ConsentKeys {
  /** The subject secret's file in the data directory: hex, one line. */
  static final String SECRET_FILE = "consent-secret.hex";

  /** The checkpoint key's file in the data directory: PKCS #8 PEM, as openssl writes it. */
  static final String CHECKPOINT_KEY_FILE = "checkpoint-key.pem";

  /** The checkpoint key's name, and so the checkpoints' origin. */
  static final String CHECKPOINT_KEY_NAME = ConsentAudit.DEFAULT_ORIGIN;

  /** The largest key file read; a key is far smaller. */
  static final int MAX_FILE_BYTES = 16 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ConsentKeys.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";
  private static final String SECRET_WHAT = "consent secret file";
  private static final String KEY_WHAT = "checkpoint key file";

  private final ConsentSecret secret;
  private final boolean secretCreated;
  private final CheckpointSigner signer;

  private ConsentKeys(ConsentSecret secret, boolean secretCreated, CheckpointSigner signer) {
    this.secret = secret;
    this.secretCreated = secretCreated;
    this.signer = signer;
  }

  /**
   * Finds both keys, making the data directory's files if they are needed and absent.
   *
   * @param settings where the keys are: {@link Settings#consentSecret()}, {@link
   *     Settings#consentSecretFile()}, {@link Settings#checkpointKeyFile()}, else {@link
   *     Settings#dataDir()}
   * @return the keys
   * @throws StartupException if a named file is missing or unreadable or holds no usable key, or
   *     the data directory's file cannot be read or written
   */
  static ConsentKeys load(Settings settings) {
    Objects.requireNonNull(settings, "settings");
    ConsentSecret secret;
    boolean secretCreated = false;
    if (settings.consentSecret().isPresent()) {
      secret = settings.consentSecret().get();
      LOG.info("consent subject secret: from environment variable {}", Settings.CONSENT_SECRET_ENV);
    } else if (settings.consentSecretFile().isPresent()) {
      Path file = absolute(settings.consentSecretFile().get());
      secret = secret(file, read(file, SECRET_WHAT, secretHint(file)));
      warnIfOthersMayUse(file, SECRET_WHAT);
      LOG.info("consent subject secret: from {}", file);
    } else {
      Loaded<ConsentSecret> loaded =
          fromDataDirectory(
              settings.dataDir(),
              SECRET_FILE,
              SECRET_WHAT,
              ConsentKeys::secret,
              () -> ConsentSecret.generate(RANDOM),
              s -> s.toHexLine().getBytes(StandardCharsets.US_ASCII));
      secret = loaded.value();
      secretCreated = loaded.created();
      if (loaded.created()) {
        LOG.info(
            "consent subject secret: new, in {} (owner-only); back it up: another secret gives"
                + " every customer another subject id",
            loaded.file());
      } else {
        LOG.info("consent subject secret: from {}", loaded.file());
      }
    }

    CheckpointSigner signer;
    if (settings.checkpointKeyFile().isPresent()) {
      Path file = absolute(settings.checkpointKeyFile().get());
      signer = signer(file, read(file, KEY_WHAT, keyHint(file)));
      warnIfOthersMayUse(file, KEY_WHAT);
      LOG.info("checkpoint signing key {}: from {}", keyName(signer), file);
    } else {
      Loaded<CheckpointSigner> loaded =
          fromDataDirectory(
              settings.dataDir(),
              CHECKPOINT_KEY_FILE,
              KEY_WHAT,
              ConsentKeys::signer,
              () -> CheckpointSigner.generate(CHECKPOINT_KEY_NAME),
              ConsentKeys::pem);
      signer = loaded.value();
      if (loaded.created()) {
        LOG.info(
            "checkpoint signing key {}: new, in {} (owner-only); a live shop keeps it away from"
                + " the database (--checkpoint-key-file)",
            keyName(signer),
            loaded.file());
      } else {
        LOG.info("checkpoint signing key {}: from {}", keyName(signer), loaded.file());
      }
    }
    LOG.info("checkpoint verifier key, to publish: {}", signer.verifierKey());
    return new ConsentKeys(secret, secretCreated, signer);
  }

  /** A signer's key name and key id, as its verifier key starts. */
  private static String keyName(CheckpointSigner signer) {
    return signer.name() + "+" + String.format(Locale.ROOT, "%08x", signer.keyId());
  }

  /** The subject secret. */
  ConsentSecret secret() {
    return secret;
  }

  /** Whether this start made the subject secret, as opposed to finding one. */
  boolean secretCreated() {
    return secretCreated;
  }

  /** The checkpoint signer. */
  CheckpointSigner signer() {
    return signer;
  }

  /** A key found in, or made for, the data directory. */
  private record Loaded<T>(T value, Path file, boolean created) {}

  private static <T> Loaded<T> fromDataDirectory(
      Path dataDir,
      String name,
      String what,
      FileReader<T> reader,
      Supplier<T> generator,
      Function<T, byte[]> encoder) {
    Path directory = absolute(dataDir);
    Path file = directory.resolve(name);
    Optional<byte[]> existing = readIfPresent(file, what);
    if (existing.isPresent()) {
      warnIfOthersMayUse(file, what);
      return new Loaded<>(reader.read(file, existing.get()), file, false);
    }
    T fresh = generator.get();
    byte[] content = encoder.apply(fresh);
    try {
      createDirectories(directory);
      writeOwnerOnly(file, content);
      return new Loaded<>(fresh, file, true);
    } catch (FileAlreadyExistsException e) {
      // Another start on this directory made one at the same moment: use that one.
      return new Loaded<>(reader.read(file, read(file, what, "")), file, false);
    } catch (IOException e) {
      throw new StartupException(
          "cannot write the "
              + what
              + " "
              + file
              + ": "
              + e
              + "; make the data directory writable or choose another with --data-dir",
          e);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  private interface FileReader<T> {
    T read(Path file, byte[] content);
  }

  private static Path absolute(Path path) {
    return path.toAbsolutePath().normalize();
  }

  private static String secretHint(Path file) {
    return "; make one with 'openssl rand -hex 32 > "
        + file
        + "', or leave out --consent-secret-file (TINYCHECKOUT_CONSENT_SECRET_FILE) to keep one in"
        + " the data directory";
  }

  private static String keyHint(Path file) {
    return "; make one with 'openssl genpkey -algorithm ed25519 -out "
        + file
        + "', or leave out --checkpoint-key-file (TINYCHECKOUT_CHECKPOINT_KEY_FILE) to keep one in"
        + " the data directory";
  }

  private static byte[] read(Path file, String what, String hintIfMissing) {
    return readIfPresent(file, what)
        .orElseThrow(
            () -> new StartupException(what + " " + file + " does not exist" + hintIfMissing));
  }

  private static Optional<byte[]> readIfPresent(Path file, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] content = in.readNBytes(MAX_FILE_BYTES + 1);
      if (content.length > MAX_FILE_BYTES) {
        throw new StartupException(
            what + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes; is it a key?");
      }
      return Optional.of(content);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StartupException("cannot read the " + what + " " + file + ": " + e, e);
    }
  }

  private static ConsentSecret secret(Path file, byte[] content) {
    try {
      return ConsentSecret.parse(
          SECRET_WHAT + " " + file, new String(content, StandardCharsets.US_ASCII));
    } catch (UsageException e) {
      throw new StartupException(
          Objects.requireNonNullElse(e.getMessage(), SECRET_WHAT + " " + file + " is not usable"),
          e);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  private static CheckpointSigner signer(Path file, byte[] content) {
    byte[] der = pkcs8(file, content);
    try {
      return CheckpointSigner.fromPkcs8(CHECKPOINT_KEY_NAME, der);
    } catch (ValidationException e) {
      throw new StartupException(
          KEY_WHAT
              + " "
              + file
              + " is not an Ed25519 private key in PKCS #8 (PEM or DER), as 'openssl genpkey"
              + " -algorithm ed25519' writes it",
          e);
    } finally {
      Arrays.fill(der, (byte) 0);
      Arrays.fill(content, (byte) 0);
    }
  }

  /** The DER of a key file: the file itself, or the body of its PEM block. */
  private static byte[] pkcs8(Path file, byte[] content) {
    String text = new String(content, StandardCharsets.ISO_8859_1).strip();
    if (!text.startsWith("-----BEGIN ")) {
      return content.clone();
    }
    int end = text.indexOf(PEM_END);
    if (!text.startsWith(PEM_BEGIN) || end < 0) {
      throw new StartupException(
          KEY_WHAT
              + " "
              + file
              + " must hold one unencrypted '"
              + PEM_BEGIN
              + "' block (or its DER), as 'openssl genpkey -algorithm ed25519' writes it");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(PEM_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new StartupException(
          KEY_WHAT + " " + file + " has a PEM block that is not base64: " + e.getMessage(), e);
    }
  }

  private static byte[] pem(CheckpointSigner signer) {
    byte[] der = signer.privateKeyPkcs8();
    try {
      String body =
          Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der).replace("\r", "");
      return (PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n").getBytes(StandardCharsets.US_ASCII);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Makes the directory, owner-only where the file system has POSIX permissions. */
  private static void createDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (posix(directory)) {
      Files.createDirectories(
          directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } else {
      Files.createDirectories(directory);
    }
  }

  /**
   * Writes a new file that only its owner may read and write: a temporary file made owner-only
   * before any byte goes in, then linked (or, where there are no hard links, moved) to its name.
   * Never replaces a file of that name.
   *
   * @throws FileAlreadyExistsException if the file exists, such as one another start just made
   */
  private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
    Path directory = Objects.requireNonNull(file.getParent(), "a key file has a directory");
    String prefix = "." + file.getFileName() + ".";
    Path temporary;
    if (posix(file)) {
      temporary =
          Files.createTempFile(
              directory, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
    } else {
      temporary = Files.createTempFile(directory, prefix, ".tmp");
      if (!restrictToOwner(temporary)) {
        LOG.warn(
            "cannot restrict who may read {} on this file system; protect the directory yourself",
            file);
      }
    }
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.createLink(file, temporary);
      } catch (FileAlreadyExistsException e) {
        throw e;
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.move(temporary, file);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Leaves the owner as the file's only user where the file system has ACLs (Windows). */
  private static boolean restrictToOwner(Path file) throws IOException {
    AclFileAttributeView view = Files.getFileAttributeView(file, AclFileAttributeView.class);
    if (view == null) {
      return false;
    }
    view.setAcl(
        List.of(
            AclEntry.newBuilder()
                .setType(AclEntryType.ALLOW)
                .setPrincipal(view.getOwner())
                .setPermissions(EnumSet.allOf(AclEntryPermission.class))
                .build()));
    return true;
  }

  private static void warnIfOthersMayUse(Path file, String what) {
    if (!posix(file)) {
      return;
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.stream().anyMatch(OTHERS::contains)) {
        LOG.warn(
            "{} {} may be read or changed by other users ({}); restrict it: chmod 600 {}",
            what,
            file,
            PosixFilePermissions.toString(permissions),
            file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Cannot tell; the key was read, which is what matters here.
    }
  }
}

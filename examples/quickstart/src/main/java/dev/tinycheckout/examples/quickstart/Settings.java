package dev.tinycheckout.examples.quickstart;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the quickstart runs with, from its command line and environment. Each option has a flag
 * ({@code --port 8080} or {@code --port=8080}) and an environment twin ({@code PORT}); a flag wins
 * over its twin, and a twin over the default. Every value is checked here, so a bad one stops the
 * process before it opens a database or a port.
 *
 * @param port the TCP port, 0 to 65535 (0: any free port)
 * @param jdbcUrl where the data lives: an H2, PostgreSQL, MariaDB or MySQL JDBC URL
 * @param catalog a JSON catalog file to upsert at start, if any
 * @param adminToken the bearer token of the admin routes; without one they answer 401 to everyone
 * @param termsVersion the version of the terms a customer accepts at checkout
 * @param fraudRules which card-testing rules the checkout applies
 * @param dataDir the directory of the default H2 database and of the consent key files that the
 *     quickstart makes when no other source is given
 * @param consentSecretFile a file holding the consent trail's subject secret, if given
 * @param consentSecret the subject secret from the environment ({@value #CONSENT_SECRET_ENV}), if
 *     given and no file is named on the command line
 * @param checkpointKeyFile a file holding the Ed25519 key that signs consent checkpoints, if given
 */
record Settings(
    int port,
    String jdbcUrl,
    Optional<Path> catalog,
    Optional<String> adminToken,
    String termsVersion,
    FraudRulesChoice fraudRules,
    Path dataDir,
    Optional<Path> consentSecretFile,
    Optional<ConsentSecret> consentSecret,
    Optional<Path> checkpointKeyFile) {

  static final int DEFAULT_PORT = 8080;

  /**
   * An H2 file database in {@code ./tinycheckout-data}. The quickstart closes it itself on
   * shutdown, after the last request, so H2's own shutdown hook must not close it first.
   */
  static final String DEFAULT_JDBC_URL =
      "jdbc:h2:file:./tinycheckout-data/tinycheckout;DB_CLOSE_ON_EXIT=FALSE";

  static final String DEFAULT_TERMS_VERSION = "2026-11-01";

  /** The data directory without {@code --data-dir}: the default H2 database's. */
  static final Path DEFAULT_DATA_DIR = Path.of("tinycheckout-data");

  /**
   * The environment variable that holds the subject secret itself, as hex or base64. It has no flag
   * twin: a secret on the command line would show in every process listing.
   */
  static final String CONSENT_SECRET_ENV = "TINYCHECKOUT_CONSENT_SECRET";

  private static final Pattern TERMS_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final List<String> JDBC_PREFIXES =
      List.of("jdbc:h2:", "jdbc:postgresql:", "jdbc:mariadb:", "jdbc:mysql:");

  /** The options, each with its flag and its environment twin. */
  enum Option {
    PORT("--port", "PORT"),
    JDBC_URL("--jdbc-url", "TINYCHECKOUT_JDBC_URL"),
    CATALOG("--catalog", "TINYCHECKOUT_CATALOG"),
    ADMIN_TOKEN("--admin-token", "TINYCHECKOUT_ADMIN_TOKEN"),
    TERMS_VERSION("--terms-version", "TINYCHECKOUT_TERMS_VERSION"),
    FRAUD_RULES("--fraud-rules", "TINYCHECKOUT_FRAUD_RULES"),
    DATA_DIR("--data-dir", "TINYCHECKOUT_DATA_DIR"),
    CONSENT_SECRET_FILE("--consent-secret-file", "TINYCHECKOUT_CONSENT_SECRET_FILE"),
    CHECKPOINT_KEY_FILE("--checkpoint-key-file", "TINYCHECKOUT_CHECKPOINT_KEY_FILE");

    final String flag;
    final String env;

    Option(String flag, String env) {
      this.flag = flag;
      this.env = env;
    }

    static Optional<Option> ofFlag(String flag) {
      for (Option option : values()) {
        if (option.flag.equals(flag)) {
          return Optional.of(option);
        }
      }
      return Optional.empty();
    }
  }

  Settings {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(adminToken, "adminToken");
    Objects.requireNonNull(termsVersion, "termsVersion");
    Objects.requireNonNull(fraudRules, "fraudRules");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(consentSecretFile, "consentSecretFile");
    Objects.requireNonNull(consentSecret, "consentSecret");
    Objects.requireNonNull(checkpointKeyFile, "checkpointKeyFile");
  }

  /**
   * The settings without any flag or environment variable.
   *
   * @return port 8080, the H2 file database, the built-in catalog, no admin token, the consent keys
   *     in {@code ./tinycheckout-data}
   */
  static Settings defaults() {
    return new Settings(
        DEFAULT_PORT,
        DEFAULT_JDBC_URL,
        Optional.empty(),
        Optional.empty(),
        DEFAULT_TERMS_VERSION,
        FraudRulesChoice.DEFAULT,
        DEFAULT_DATA_DIR,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Reads the settings.
   *
   * @param args the command line, such as {@code ["--port", "9090", "--fraud-rules=off"]}
   * @param env the environment, such as {@link System#getenv()}
   * @return the settings
   * @throws UsageException naming the option or variable when something is unknown, missing or bad
   */
  static Settings parse(List<String> args, Map<String, String> env) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(env, "env");
    Map<Option, String> values = new EnumMap<>(Option.class);
    Map<Option, String> sources = new EnumMap<>(Option.class);
    for (Option option : Option.values()) {
      String value = env.get(option.env);
      if (value != null && !value.isBlank()) {
        values.put(option, value);
        sources.put(option, "environment variable " + option.env);
      }
    }
    Map<Option, String> fromFlags = new EnumMap<>(Option.class);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      int equals = arg.indexOf('=');
      String flag = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
      Option option =
          Option.ofFlag(flag)
              .orElseThrow(
                  () ->
                      new UsageException(
                          (arg.startsWith("-") ? "unknown option '" : "unexpected argument '")
                              + printable(flag)
                              + "'"));
      String value;
      if (flag.length() < arg.length()) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        value = args.get(++i);
      } else {
        throw new UsageException("option " + flag + " needs a value");
      }
      if (fromFlags.put(option, value) != null) {
        throw new UsageException("option " + flag + " is given more than once");
      }
      values.put(option, value);
      sources.put(option, flag);
    }

    Settings defaults = defaults();
    Path dataDir = read(values, sources, Option.DATA_DIR, Settings::parsePath, DEFAULT_DATA_DIR);
    String jdbcUrl =
        values.containsKey(Option.JDBC_URL) || !values.containsKey(Option.DATA_DIR)
            ? read(values, sources, Option.JDBC_URL, Settings::parseJdbcUrl, DEFAULT_JDBC_URL)
            : h2UrlIn(Objects.requireNonNull(sources.get(Option.DATA_DIR)), dataDir);
    Optional<ConsentSecret> consentSecret = Optional.empty();
    String secretText = env.get(CONSENT_SECRET_ENV);
    if (secretText != null
        && !secretText.isBlank()
        && !fromFlags.containsKey(Option.CONSENT_SECRET_FILE)) {
      if (values.containsKey(Option.CONSENT_SECRET_FILE)) {
        throw new UsageException(
            "set only one of the environment variables "
                + CONSENT_SECRET_ENV
                + " and "
                + Option.CONSENT_SECRET_FILE.env);
      }
      consentSecret =
          Optional.of(
              ConsentSecret.parse("environment variable " + CONSENT_SECRET_ENV, secretText));
    }
    return new Settings(
        read(values, sources, Option.PORT, Settings::parsePort, defaults.port()),
        jdbcUrl,
        read(
            values,
            sources,
            Option.CATALOG,
            (source, value) -> Optional.of(parseCatalog(source, value)),
            Optional.empty()),
        read(
            values,
            sources,
            Option.ADMIN_TOKEN,
            (source, value) -> Optional.of(parseAdminToken(source, value)),
            Optional.empty()),
        read(
            values,
            sources,
            Option.TERMS_VERSION,
            Settings::parseTermsVersion,
            defaults.termsVersion()),
        read(values, sources, Option.FRAUD_RULES, FraudRulesChoice::parse, defaults.fraudRules()),
        dataDir,
        read(
            values,
            sources,
            Option.CONSENT_SECRET_FILE,
            (source, value) -> Optional.of(parsePath(source, value)),
            Optional.empty()),
        consentSecret,
        read(
            values,
            sources,
            Option.CHECKPOINT_KEY_FILE,
            (source, value) -> Optional.of(parsePath(source, value)),
            Optional.empty()));
  }

  private interface Reader<T> {
    T read(String source, String value);
  }

  private static <T> T read(
      Map<Option, String> values,
      Map<Option, String> sources,
      Option option,
      Reader<T> reader,
      T fallback) {
    String value = values.get(option);
    return value == null
        ? fallback
        : reader.read(Objects.requireNonNull(sources.get(option)), value);
  }

  static int parsePort(String source, String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        source + " must be a port number from 0 to 65535, but was '" + printable(value) + "'");
  }

  static String parseJdbcUrl(String source, String value) {
    String url = value.strip();
    String lower = url.toLowerCase(Locale.ROOT);
    if (JDBC_PREFIXES.stream().noneMatch(lower::startsWith)) {
      throw new UsageException(
          source
              + " must be a JDBC URL starting with jdbc:h2:, jdbc:postgresql:, jdbc:mariadb: or"
              + " jdbc:mysql:, but was '"
              + printable(url)
              + "'");
    }
    return url;
  }

  static Path parseCatalog(String source, String value) {
    return parsePath(source, value);
  }

  /** A file or directory name. */
  static Path parsePath(String source, String value) {
    try {
      return Path.of(value.strip());
    } catch (InvalidPathException e) {
      throw new UsageException(
          source
              + " is not a usable file name: '"
              + printable(value)
              + "' ("
              + e.getReason()
              + ")");
    }
  }

  /**
   * The default H2 database, moved into a data directory given with {@code --data-dir}. H2 takes
   * only paths that are absolute or start with {@code ./}, and a {@code ;} would end the path.
   */
  static String h2UrlIn(String source, Path dataDir) {
    String path = dataDir.toAbsolutePath().normalize().resolve("tinycheckout").toString();
    if (path.contains(";")) {
      throw new UsageException(
          source
              + " must not contain ';' when the H2 database goes there (it would end the JDBC URL);"
              + " choose another directory or give --jdbc-url, but was '"
              + printable(dataDir.toString())
              + "'");
    }
    return "jdbc:h2:file:" + path + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  static String parseAdminToken(String source, String value) {
    if (value.length() > 200 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new UsageException(
          source
              + " must be 1 to 200 printable ASCII characters without spaces (it is sent as"
              + " 'Authorization: Bearer <token>')");
    }
    return value;
  }

  static String parseTermsVersion(String source, String value) {
    if (!TERMS_VERSION.matcher(value).matches()) {
      throw new UsageException(
          source
              + " must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit,"
              + " such as 2026-11-01, but was '"
              + printable(value)
              + "'");
    }
    return value;
  }

  /** A value fit to quote in a message: control characters escaped, at most 80 characters. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints()
        .limit(80)
        .forEach(
            c ->
                b.append(
                    c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : Character.toString(c)));
    return s.length() > 80 ? b + "..." : b.toString();
  }

  @Override
  public String toString() {
    return "Settings[port="
        + port
        + ", jdbcUrl="
        + jdbcUrl
        + ", catalog="
        + catalog
        + ", adminToken="
        + (adminToken.isPresent() ? "(set)" : "(none)")
        + ", termsVersion="
        + termsVersion
        + ", fraudRules="
        + fraudRules
        + ", dataDir="
        + dataDir
        + ", consentSecretFile="
        + consentSecretFile
        + ", consentSecret="
        + (consentSecret.isPresent() ? "(set)" : "(none)")
        + ", checkpointKeyFile="
        + checkpointKeyFile
        + "]";
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static Settings parse(List<String> args, Map<String, String> env) {
    return Settings.parse(args, env);
  }

  @Test
  void withoutFlagsOrEnvironmentTheDefaultsOfTheContractApply() {
    Settings settings = parse(List.of(), Map.of());

    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.jdbcUrl()).startsWith("jdbc:h2:file:./tinycheckout-data/");
    assertThat(settings.catalog()).isEmpty();
    assertThat(settings.adminToken()).isEmpty();
    assertThat(settings.termsVersion()).isEqualTo("2026-11-01");
    assertThat(settings.fraudRules()).isEqualTo(FraudRulesChoice.DEFAULT);
    assertThat(settings.dataDir()).isEqualTo(Path.of("tinycheckout-data"));
    assertThat(settings.consentSecretFile()).isEmpty();
    assertThat(settings.consentSecret()).isEmpty();
    assertThat(settings.checkpointKeyFile()).isEmpty();
  }

  @Test
  void everyFlagIsRead() {
    Settings settings =
        parse(
            List.of(
                "--port",
                "9090",
                "--jdbc-url",
                "jdbc:postgresql://db/shop",
                "--catalog",
                "shop.json",
                "--admin-token",
                "s3cret",
                "--terms-version",
                "2027-01",
                "--fraud-rules",
                "off",
                "--data-dir",
                "/var/lib/shop",
                "--consent-secret-file",
                "/run/secrets/consent",
                "--checkpoint-key-file",
                "/run/secrets/checkpoint.pem"),
            Map.of());

    assertThat(settings)
        .isEqualTo(
            new Settings(
                9090,
                "jdbc:postgresql://db/shop",
                Optional.of(Path.of("shop.json")),
                Optional.of("s3cret"),
                "2027-01",
                FraudRulesChoice.OFF,
                Path.of("/var/lib/shop"),
                Optional.of(Path.of("/run/secrets/consent")),
                Optional.empty(),
                Optional.of(Path.of("/run/secrets/checkpoint.pem"))));
  }

  @Test
  void flagsMayCarryTheirValueAfterAnEqualsSign() {
    Settings settings = parse(List.of("--port=0", "--fraud-rules=OFF"), Map.of());

    assertThat(settings.port()).isZero();
    assertThat(settings.fraudRules()).isEqualTo(FraudRulesChoice.OFF);
  }

  @Test
  void everyEnvironmentTwinIsRead() {
    Settings settings =
        parse(
            List.of(),
            Map.of(
                "PORT", "7070",
                "TINYCHECKOUT_JDBC_URL", "jdbc:mariadb://db/shop",
                "TINYCHECKOUT_CATALOG", "/etc/shop.json",
                "TINYCHECKOUT_ADMIN_TOKEN", "t0ken",
                "TINYCHECKOUT_TERMS_VERSION", "v2",
                "TINYCHECKOUT_FRAUD_RULES", "off",
                "TINYCHECKOUT_DATA_DIR", "/var/lib/shop",
                "TINYCHECKOUT_CONSENT_SECRET_FILE", "/run/secrets/consent",
                "TINYCHECKOUT_CHECKPOINT_KEY_FILE", "/run/secrets/checkpoint.pem"));

    assertThat(settings)
        .isEqualTo(
            new Settings(
                7070,
                "jdbc:mariadb://db/shop",
                Optional.of(Path.of("/etc/shop.json")),
                Optional.of("t0ken"),
                "v2",
                FraudRulesChoice.OFF,
                Path.of("/var/lib/shop"),
                Optional.of(Path.of("/run/secrets/consent")),
                Optional.empty(),
                Optional.of(Path.of("/run/secrets/checkpoint.pem"))));
  }

  @Test
  void aFlagWinsOverItsEnvironmentTwin() {
    Settings settings =
        parse(
            List.of("--port", "9000", "--terms-version", "from-flag"),
            Map.of("PORT", "7000", "TINYCHECKOUT_TERMS_VERSION", "from-env"));

    assertThat(settings.port()).isEqualTo(9000);
    assertThat(settings.termsVersion()).isEqualTo("from-flag");
  }

  @Test
  void aBlankEnvironmentVariableCountsAsUnset() {
    assertThat(parse(List.of(), Map.of("PORT", " ")).port()).isEqualTo(8080);
  }

  @Test
  void anUnknownFlagIsNamed() {
    assertThatThrownBy(() -> parse(List.of("--prot", "80"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option '--prot'");
  }

  @Test
  void aStrayArgumentIsNamed() {
    assertThatThrownBy(() -> parse(List.of("8080"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("unexpected argument '8080'");
  }

  @Test
  void aFlagWithoutItsValueIsRefused() {
    assertThatThrownBy(() -> parse(List.of("--port"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --port needs a value");
    assertThatThrownBy(() -> parse(List.of("--catalog", "--port", "1"), Map.of()))
        .hasMessage("option --catalog needs a value");
  }

  @Test
  void aFlagGivenTwiceIsRefused() {
    assertThatThrownBy(() -> parse(List.of("--port", "1", "--port=2"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("option --port is given more than once");
  }

  @Test
  void aBadPortNamesWhereItCameFrom() {
    assertThatThrownBy(() -> parse(List.of("--port", "http"), Map.of()))
        .hasMessage("--port must be a port number from 0 to 65535, but was 'http'");
    assertThatThrownBy(() -> parse(List.of(), Map.of("PORT", "65536")))
        .hasMessage(
            "environment variable PORT must be a port number from 0 to 65535, but was '65536'");
  }

  @Test
  void fraudRulesAreDefaultOrOff() {
    assertThatThrownBy(() -> parse(List.of("--fraud-rules", "strict"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("--fraud-rules must be 'default' or 'off', but was 'strict'");
  }

  @Test
  void onlyTheSupportedDatabasesAreAccepted() {
    assertThatThrownBy(() -> parse(List.of("--jdbc-url", "jdbc:sqlite:shop.db"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("jdbc:h2:, jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:")
        .hasMessageContaining("'jdbc:sqlite:shop.db'");
    assertThat(parse(List.of("--jdbc-url", "jdbc:mysql://db/shop"), Map.of()).jdbcUrl())
        .isEqualTo("jdbc:mysql://db/shop");
  }

  @Test
  void anAdminTokenWithSpacesIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> parse(List.of("--admin-token", "my secret"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--admin-token must be 1 to 200 printable ASCII characters")
        .hasMessageNotContaining("my secret");
  }

  @Test
  void theAdminTokenIsNotPrinted() {
    assertThat(parse(List.of("--admin-token", "s3cret"), Map.of()).toString())
        .doesNotContain("s3cret")
        .contains("adminToken=(set)");
  }

  @Test
  void aTermsVersionIsATokenWithoutSpaces() {
    assertThatThrownBy(() -> parse(List.of("--terms-version", "version 2"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("but was 'version 2'");
  }

  @Test
  void controlCharactersInABadValueAreEscapedInTheMessage() {
    assertThatThrownBy(() -> parse(List.of("--port", "\u00078080"), Map.of()))
        .hasMessageContaining("'\\u00078080'");
  }

  @Test
  void theHelpListsEveryFlagAndItsTwinAndWhatTheFraudRulesDo() {
    for (Settings.Option option : Settings.Option.values()) {
      assertThat(Main.USAGE).contains(option.flag).contains("(" + option.env);
    }
    assertThat(Main.USAGE).doesNotContain("later release").contains("429 too-many-attempts");
    assertThat(Main.USAGE).contains(Settings.CONSENT_SECRET_ENV + ".");
  }

  // The data directory and the consent keys.

  private static final String SECRET_HEX =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  private static byte[] secretBytes() {
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  private static byte[] secretFromEnvironment(String value) {
    return parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, value))
        .consentSecret()
        .orElseThrow()
        .bytes();
  }

  @Test
  void aDataDirectoryAlsoHoldsTheDefaultH2Database() {
    Path dir = Path.of("shop-data");

    Settings settings = parse(List.of("--data-dir", "shop-data"), Map.of());

    assertThat(settings.dataDir()).isEqualTo(dir);
    assertThat(settings.jdbcUrl())
        .isEqualTo(
            "jdbc:h2:file:"
                + dir.toAbsolutePath().normalize().resolve("tinycheckout")
                + ";DB_CLOSE_ON_EXIT=FALSE");
    assertThat(Database.driverUrl(settings.jdbcUrl())).isEqualTo(settings.jdbcUrl());
  }

  @Test
  void aJdbcUrlStaysWhereItPointsWhateverTheDataDirectory() {
    Settings fromFlag =
        parse(List.of("--data-dir", "keys", "--jdbc-url", "jdbc:postgresql://db/shop"), Map.of());
    Settings fromTwin =
        parse(
            List.of("--data-dir", "keys"),
            Map.of("TINYCHECKOUT_JDBC_URL", "jdbc:h2:file:/srv/shop/db"));

    assertThat(fromFlag.jdbcUrl()).isEqualTo("jdbc:postgresql://db/shop");
    assertThat(fromTwin.jdbcUrl()).isEqualTo("jdbc:h2:file:/srv/shop/db");
    assertThat(fromTwin.dataDir()).isEqualTo(Path.of("keys"));
  }

  @Test
  void aDataDirectoryThatWouldEndTheH2UrlIsRefusedOnlyWhenTheDatabaseGoesThere() {
    assertThatThrownBy(() -> parse(List.of("--data-dir", "a;b"), Map.of()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--data-dir must not contain ';' when the H2 database goes there")
        .hasMessageEndingWith("but was 'a;b'");
    assertThat(
            parse(List.of("--data-dir", "a;b", "--jdbc-url", "jdbc:h2:mem:x"), Map.of()).dataDir())
        .isEqualTo(Path.of("a;b"));
  }

  @Test
  void theConsentSecretInTheEnvironmentIsHexOrBase64() {
    byte[] expected = secretBytes();

    assertThat(secretFromEnvironment(SECRET_HEX)).isEqualTo(expected);
    assertThat(secretFromEnvironment(SECRET_HEX.toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(secretFromEnvironment(Base64.getEncoder().encodeToString(expected)))
        .isEqualTo(expected);
    assertThat(
            secretFromEnvironment(Base64.getUrlEncoder().withoutPadding().encodeToString(expected)))
        .isEqualTo(expected);
    assertThat(
            secretFromEnvironment(
                " " + SECRET_HEX.substring(0, 32) + "\n" + SECRET_HEX.substring(32) + "\n"))
        .as("whitespace, such as a line break, is ignored")
        .isEqualTo(expected);
  }

  @Test
  void anyRandomSecretOf32BytesOrMoreReadsBackFromHexAndBase64() {
    Random random = new Random(20261101);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[32 + random.nextInt(64)];
      random.nextBytes(bytes);

      assertThat(secretFromEnvironment(HexFormat.of().formatHex(bytes))).isEqualTo(bytes);
      assertThat(secretFromEnvironment(Base64.getEncoder().encodeToString(bytes))).isEqualTo(bytes);
      assertThat(secretFromEnvironment(Base64.getUrlEncoder().encodeToString(bytes)))
          .isEqualTo(bytes);
    }
  }

  @Test
  void aShortConsentSecretIsRefusedWithoutEchoingIt() {
    String shortHex = SECRET_HEX.substring(0, 62);
    String shortBase64 = Base64.getEncoder().encodeToString(new byte[] {9, 8, 7, 6, 5, 4, 3, 2});

    assertThatThrownBy(() -> parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, shortHex)))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "environment variable TINYCHECKOUT_CONSENT_SECRET must be at least 32 bytes as hex or"
                + " base64 text, such as 'openssl rand -hex 32' prints, but holds only 31 bytes")
        .hasMessageNotContaining(shortHex);
    assertThatThrownBy(() -> parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, shortBase64)))
        .hasMessageEndingWith("but holds only 8 bytes")
        .hasMessageNotContaining(shortBase64);
  }

  @Test
  void aMalformedConsentSecretIsRefusedWithoutEchoingIt() {
    String malformed = "correct horse battery staple, and then some more words!";
    String oddHex = SECRET_HEX + "a";

    assertThatThrownBy(() -> parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, malformed)))
        .isInstanceOf(UsageException.class)
        .hasMessageEndingWith("but is neither hex nor base64 (value not shown)")
        .hasMessageNotContaining("horse");
    assertThatThrownBy(() -> parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, oddHex)))
        .isInstanceOf(UsageException.class)
        .hasMessageEndingWith("but has an odd number of hex digits")
        .hasMessageNotContaining(SECRET_HEX.substring(0, 8));
  }

  @Test
  void aSecretFileOnTheCommandLineWinsOverTheSecretInTheEnvironment() {
    Settings settings =
        parse(
            List.of("--consent-secret-file", "secret.hex"),
            Map.of(Settings.CONSENT_SECRET_ENV, "not even base64!"));

    assertThat(settings.consentSecretFile()).contains(Path.of("secret.hex"));
    assertThat(settings.consentSecret()).isEmpty();
  }

  @Test
  void theSecretAndASecretFileBothInTheEnvironmentAreRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    List.of(),
                    Map.of(
                        Settings.CONSENT_SECRET_ENV,
                        SECRET_HEX,
                        "TINYCHECKOUT_CONSENT_SECRET_FILE",
                        "secret.hex")))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "set only one of the environment variables TINYCHECKOUT_CONSENT_SECRET and"
                + " TINYCHECKOUT_CONSENT_SECRET_FILE")
        .hasMessageNotContaining(SECRET_HEX);
  }

  @Test
  void aBlankSecretInTheEnvironmentCountsAsUnset() {
    assertThat(parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, "  ")).consentSecret())
        .isEmpty();
  }

  @Test
  void theConsentSecretIsNotPrinted() {
    Settings settings = parse(List.of(), Map.of(Settings.CONSENT_SECRET_ENV, SECRET_HEX));

    assertThat(settings.toString())
        .doesNotContain(SECRET_HEX.substring(0, 8))
        .contains("consentSecret=(set)");
    assertThat(settings.consentSecret().orElseThrow()).hasToString("ConsentSecret[32 bytes]");
  }

  @Test
  void theConsentKeyFlagsNeedAValue() {
    assertThatThrownBy(() -> parse(List.of("--consent-secret-file"), Map.of()))
        .hasMessage("option --consent-secret-file needs a value");
    assertThatThrownBy(() -> parse(List.of("--checkpoint-key-file", "--port", "1"), Map.of()))
        .hasMessage("option --checkpoint-key-file needs a value");
  }

  @Test
  void theDatabaseDialectFollowsTheUrl() {
    assertThat(Database.dialect("jdbc:h2:mem:x")).hasToString("H2");
    assertThat(Database.dialect("jdbc:postgresql://h/db")).hasToString("POSTGRESQL");
    assertThat(Database.dialect("jdbc:mariadb://h/db")).hasToString("MYSQL");
    assertThat(Database.dialect("jdbc:mysql://h/db")).hasToString("MYSQL");
  }

  @Test
  void theDriverGetsAMariaDbUrlForMySqlAndAnH2UrlThatLeavesClosingToTheQuickstart() {
    assertThat(Database.driverUrl("jdbc:mysql://h/db?user=u"))
        .isEqualTo("jdbc:mariadb://h/db?user=u");
    assertThat(Database.driverUrl("jdbc:h2:file:/tmp/x"))
        .isEqualTo("jdbc:h2:file:/tmp/x;DB_CLOSE_ON_EXIT=FALSE");
    assertThat(Database.driverUrl(Settings.DEFAULT_JDBC_URL)).isEqualTo(Settings.DEFAULT_JDBC_URL);
  }

  @Test
  void passwordsInAJdbcUrlAreNotLogged() {
    assertThat(Database.redacted("jdbc:postgresql://h/db?user=shop&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=shop&password=***&ssl=true");
  }
}

package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    assertThat(settings.fraudRules()).isEqualTo(FraudRules.DEFAULT);
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
                "off"),
            Map.of());

    assertThat(settings)
        .isEqualTo(
            new Settings(
                9090,
                "jdbc:postgresql://db/shop",
                Optional.of(Path.of("shop.json")),
                Optional.of("s3cret"),
                "2027-01",
                FraudRules.OFF));
  }

  @Test
  void flagsMayCarryTheirValueAfterAnEqualsSign() {
    Settings settings = parse(List.of("--port=0", "--fraud-rules=OFF"), Map.of());

    assertThat(settings.port()).isZero();
    assertThat(settings.fraudRules()).isEqualTo(FraudRules.OFF);
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
                "TINYCHECKOUT_FRAUD_RULES", "off"));

    assertThat(settings)
        .isEqualTo(
            new Settings(
                7070,
                "jdbc:mariadb://db/shop",
                Optional.of(Path.of("/etc/shop.json")),
                Optional.of("t0ken"),
                "v2",
                FraudRules.OFF));
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
  void theHelpListsEveryFlagAndItsTwinAndSaysFraudRulesComeLater() {
    for (Settings.Option option : Settings.Option.values()) {
      assertThat(Main.USAGE).contains(option.flag).contains("(" + option.env);
    }
    assertThat(Main.USAGE).contains("come with a later release");
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

package dev.tinycheckout.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.http.kit.RunningServer;
import dev.tinycheckout.http.kit.support.H2Storages;
import dev.tinycheckout.http.kit.support.KitDatabase;
import dev.tinycheckout.http.kit.support.Mounts;
import dev.tinycheckout.http.kit.support.PostgresStorages;
import dev.tinycheckout.jdbc.JdbcDialect;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tampering with the consent trail in the database, behind the API's back, shows over HTTP: {@code
 * GET /admin/audit/verify} answers {@code valid: false} with the entry and the reason, on H2 and on
 * an embedded PostgreSQL (whose append-only triggers have to be disabled first, as an attacker with
 * owner rights would).
 */
class ConsentTamperOverHttpTest {
  private static final String ADMIN_TOKEN = "tamper-test-admin-token";
  private static final String EMAIL = "ada@example.com";
  private static final String TERMS = "2026-11-01";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @AutoClose final H2Storages h2 = new H2Storages();
  @AutoClose final PostgresStorages postgres = new PostgresStorages();
  private final List<RunningServer> servers = new ArrayList<>();

  /** The two databases under test. */
  enum Database {
    H2,
    POSTGRESQL
  }

  /** A shop over HTTP on a fresh database. */
  private record Shop(URI base, KitDatabase database) {}

  @AfterEach
  void stopServers() throws Exception {
    for (RunningServer server : servers) {
      server.stopper().close();
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void anEditedEntryIsReportedEditedAtItsSequence(Database which) throws Exception {
    Shop shop = open(which);
    placeOrders(shop, 3);
    assertThat(verify(shop, "").path("valid").asBoolean()).isTrue();

    tamper(shop, "UPDATE tc_consent_entry SET terms_version = '1999-01' WHERE sequence_no = 2");
    JsonNode report = verify(shop, "");

    assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
    assertThat(report.path("entries").asLong()).isEqualTo(3);
    assertThat(report.has("anchor")).as("%s", report).isFalse();
    assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(2);
    assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("EDITED");
    assertThat(report.path("firstBreak").path("detail").asString()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void anEditedRecordTimeIsReportedEditedToo(Database which) throws Exception {
    Shop shop = open(which);
    placeOrders(shop, 2);

    tamper(
        shop,
        "UPDATE tc_consent_entry SET recorded_at = recorded_at - INTERVAL '1' DAY"
            + " WHERE sequence_no = 1");
    JsonNode report = verify(shop, "");

    assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
    assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(1);
    assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("EDITED");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aDeletedEntryIsReportedMissingAtItsSequence(Database which) throws Exception {
    Shop shop = open(which);
    placeOrders(shop, 3);

    tamper(shop, "DELETE FROM tc_consent_entry WHERE sequence_no = 2");
    JsonNode report = verify(shop, "");

    assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
    assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(2);
    assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("MISSING");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aTailCutWithItsHeadRowIsCaughtOnlyAgainstAnAnchorKeptElsewhere(Database which)
      throws Exception {
    Shop shop = open(which);
    placeOrders(shop, 3);
    String anchor = verify(shop, "").path("anchor").asString();
    String secondHash = records(shop).get(1).path("hash").asString();

    tamper(shop, "DELETE FROM tc_consent_entry WHERE sequence_no = 3");
    tamper(
        shop,
        "UPDATE tc_consent_chain_head SET last_sequence = 2, last_hash = '"
            + secondHash
            + "' WHERE id = 1");
    JsonNode alone = verify(shop, "");
    JsonNode anchored = verify(shop, "?trustedHead=" + encode(anchor));

    assertThat(alone.path("valid").asBoolean()).as("%s", alone).isTrue();
    assertThat(alone.path("entries").asLong()).isEqualTo(2);
    assertThat(anchored.path("valid").asBoolean()).as("%s", anchored).isFalse();
    assertThat(anchored.path("firstBreak").path("sequence").asLong()).isEqualTo(3);
    assertThat(anchored.path("firstBreak").path("reason").asString()).isEqualTo("TRUNCATED");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aTailCutWithoutItsHeadRowIsCaughtAgainstTheStoresOwnHead(Database which) throws Exception {
    Shop shop = open(which);
    placeOrders(shop, 3);

    tamper(shop, "DELETE FROM tc_consent_entry WHERE sequence_no = 3");
    JsonNode report = verify(shop, "");

    assertThat(report.path("valid").asBoolean()).as("%s", report).isFalse();
    assertThat(report.path("firstBreak").path("sequence").asLong()).isEqualTo(3);
    assertThat(report.path("firstBreak").path("reason").asString()).isEqualTo("TRUNCATED");
  }

  @Test
  void onPostgresqlTheTriggersRefuseTheEditUntilTheyAreDisabled() throws Exception {
    Shop shop = open(Database.POSTGRESQL);
    placeOrders(shop, 1);

    assertThatThrownBy(
            () ->
                execute(
                    shop,
                    "UPDATE tc_consent_entry SET terms_version = '1999-01'"
                        + " WHERE sequence_no = 1"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("append-only");
    assertThat(verify(shop, "").path("valid").asBoolean()).isTrue();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Shop open(Database which) {
    KitDatabase database = which == Database.H2 ? h2.freshDatabase() : postgres.freshDatabase();
    database
        .storage()
        .inTransaction(
            tx ->
                tx.products()
                    .upsert(Sku.of("widget"), "Widget", Money.of(1250, "EUR"), 100, Instant.now()));
    CheckoutApi api =
        CheckoutApi.builder()
            .storage(database.storage())
            .paymentGateway(new TestPaymentGateway())
            .terms(TERMS, "The terms of sale.")
            .adminToken(ADMIN_TOKEN)
            .build();
    RunningServer server = Mounts.jdk(api);
    servers.add(server);
    return new Shop(server.base(), database);
  }

  /** Places orders over HTTP, one consent entry each, and has them chained. */
  private static void placeOrders(Shop shop, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      String body =
          "{\"items\":[{\"sku\":\"widget\",\"quantity\":1}],\"email\":\""
              + EMAIL
              + "\",\"acceptedTerms\":\""
              + TERMS
              + "\",\"paymentToken\":\"tok_ok\"}";
      HttpResponse<String> placed =
          HTTP.send(
              HttpRequest.newBuilder(shop.base().resolve("/checkout"))
                  .header("Content-Type", "application/json")
                  .header("Idempotency-Key", "tamper-" + UUID.randomUUID())
                  .POST(BodyPublishers.ofString(body))
                  .build(),
              BodyHandlers.ofString());
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    }
    // Checkouts stage their consent; the verify route chains what is staged before it reads, so
    // the entries are in tc_consent_entry, with their numbers, before anything tampers with them.
    assertThat(verify(shop, "").path("entries").asLong()).isGreaterThanOrEqualTo(count);
  }

  private static JsonNode verify(Shop shop, String query) throws Exception {
    return admin(shop, "/admin/audit/verify" + query);
  }

  private static List<JsonNode> records(Shop shop) throws Exception {
    List<JsonNode> records = new ArrayList<>();
    admin(shop, "/admin/consents?email=" + encode(EMAIL)).path("records").forEach(records::add);
    return records;
  }

  private static JsonNode admin(Shop shop, String target) throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(shop.base() + target))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .build(),
            BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  /** Runs SQL around the storage; on PostgreSQL, with the append-only triggers disabled. */
  private static void tamper(Shop shop, String sql) throws SQLException {
    if (shop.database().dialect() == JdbcDialect.POSTGRESQL) {
      execute(shop, "ALTER TABLE tc_consent_entry DISABLE TRIGGER USER");
    }
    execute(shop, sql);
  }

  private static void execute(Shop shop, String sql) throws SQLException {
    try (Connection c = shop.database().dataSource().getConnection();
        Statement s = c.createStatement()) {
      int changed = s.executeUpdate(sql);
      if (!sql.startsWith("ALTER")) {
        assertThat(changed).as("rows changed by %s", sql).isEqualTo(1);
      }
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}

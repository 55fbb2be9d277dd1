package dev.tinycheckout.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The reference for {@link JdbcCheckoutBenchmark}: the database work of one approved checkout of
 * one line, as bare JDBC with no tinycheckout code.
 *
 * <p>Every statement is copied verbatim from the JDBC adapter's {@code JdbcTransaction} and issued
 * in the order {@code Checkout.placeOrder} issues it, in the same two transactions and with values
 * of the same shape and size (a UUIDv7 order id, the same JSON documents, the same headers). What
 * it leaves out is what is not database work: no fingerprint is computed (a fixed one is stored),
 * no payment gateway is called, transactions are begun with {@code setAutoCommit(false)} alone, and
 * the consent entry is neither sealed nor hashed (random bytes of the same lengths stand in for the
 * sealed payload and the entry's hash; the subject id is the HMAC the library computes, once). The
 * adapter leaves the isolation level alone when the pool already hands out READ COMMITTED
 * connections (PostgreSQL's default), so the two statement logs are equal but for nothing; the
 * smoke test checks it against PostgreSQL's own statement log (see docs/benchmarks.md).
 *
 * <p>Thread-safe: each call takes its own pooled connection.
 */
final class BareJdbcCheckout {
  static final String SKU = JdbcCheckoutBenchmark.SKU.value();
  static final String EMAIL = "bench@example.com";
  private static final String FINGERPRINT =
      "5f2b6c3d9a8e7f1024b3c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912";
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofHours(24);

  // tx 1: claim and reserve ----------------------------------------------------------------------
  static final String FIND_KEY =
      "SELECT scope, idem_key, fingerprint, fence, created_at, lease_expires_at, expires_at,"
          + " recovery_point, reference, response_status, response_headers, response_body"
          + " FROM tc_idempotency WHERE scope = ? AND idem_key = ? FOR UPDATE";
  static final String FIND_PRODUCT =
      "SELECT sku, name, price_amount, price_currency, stock, version, updated_at FROM tc_product"
          + " WHERE sku = ?";
  static final String RESERVE =
      "UPDATE tc_product SET stock = stock - ?, version = version + 1, updated_at = ?"
          + " WHERE sku = ? AND stock >= ?";
  static final String INSERT_ORDER =
      "INSERT INTO tc_order (id, status, total_amount, currency, email, created_at,"
          + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  static final String INSERT_LINE =
      "INSERT INTO tc_order_line (order_id, line_no, sku, quantity, unit_price,"
          + " line_total) VALUES (?, ?, ?, ?, ?, ?)";
  static final String INSERT_KEY =
      "INSERT INTO tc_idempotency (scope, idem_key, fingerprint, fence, created_at,"
          + " lease_expires_at, expires_at, recovery_point, reference, response_status,"
          + " response_headers, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT DO NOTHING";

  // tx 2: finish ---------------------------------------------------------------------------------
  static final String MARK_PAID =
      "UPDATE tc_order SET status = ?,"
          + " updated_at = CASE WHEN created_at > ? THEN created_at ELSE ? END"
          + " WHERE id = ? AND status = ?";
  static final String FIND_ORDER =
      "SELECT status, total_amount, currency, email, created_at, updated_at FROM tc_order"
          + " WHERE id = ?";
  static final String FIND_LINES =
      "SELECT sku, quantity, unit_price, line_total FROM tc_order_line WHERE order_id = ?"
          + " ORDER BY line_no";
  static final String STAGE_UNDER_NEW_KEY =
      "WITH k AS (INSERT INTO tc_consent_subject_key (subject_id, key_bytes) VALUES (?, ?)"
          + " ON CONFLICT DO NOTHING RETURNING subject_id),"
          + " s AS (INSERT INTO tc_consent_staged ("
          + "subject_id, action, purpose, terms_version, terms_hash, channel, order_id,"
          + " recorded_at, sealed_personal_data)"
          + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM k RETURNING 1)"
          + " SELECT (SELECT count(*) FROM s) AS staged,"
          + " (SELECT key_bytes FROM tc_consent_subject_key WHERE subject_id = ?) AS existing";
  static final String STAGE_CONSENT =
      "INSERT INTO tc_consent_staged (subject_id, action, purpose, terms_version, terms_hash,"
          + " channel, order_id, recorded_at, sealed_personal_data)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final String INSERT_EVENT =
      "INSERT INTO tc_outbox (id, type, aggregate_id, payload, created_at) VALUES (?, ?, ?, ?, ?)";
  static final String COMPLETE_KEY =
      "UPDATE tc_idempotency SET fingerprint = ?, fence = ?, created_at = ?,"
          + " lease_expires_at = ?, expires_at = ?, recovery_point = ?, reference = ?,"
          + " response_status = ?, response_headers = ?, response_body = ?"
          + " WHERE scope = ? AND idem_key = ? AND fence = ?";

  private static final String ZERO_HASH = "0".repeat(64);

  /**
   * Bytes of a sealed payload as the library stores it for {@link #EMAIL}: a 12-byte nonce, the
   * AES-GCM ciphertext of {@code {"email":"..."}} and a 16-byte tag.
   */
  private static final int SEALED_BYTES =
      12 + ("{\"email\":\"" + EMAIL + "\"}").getBytes(StandardCharsets.UTF_8).length + 16;

  private final DataSource dataSource;
  private final String subjectId;
  private final AtomicLong payments = new AtomicLong();

  /**
   * A bare checkout over a pool.
   *
   * @param dataSource the pool
   * @param subjectSecret the consent subject secret the library's checkout uses, so that both write
   *     entries of the same subject (HMAC-SHA256 of the email, computed once here)
   */
  BareJdbcCheckout(DataSource dataSource, byte[] subjectSecret) {
    this.dataSource = dataSource;
    this.subjectId = hmacHex(subjectSecret, EMAIL);
  }

  /**
   * Places one paid order of one unit of {@link #SKU} under a new key.
   *
   * @return the order id
   */
  String placeOrder(String scope, String key) throws SQLException {
    Instant now = micros(Instant.now());
    String orderId = uuidV7(now);
    long price;
    try (Connection c = dataSource.getConnection()) {
      begin(c);
      try {
        try (PreparedStatement ps = c.prepareStatement(FIND_KEY)) {
          ps.setString(1, scope);
          ps.setString(2, key);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              throw new IllegalStateException("key " + key + " was used already");
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement(FIND_PRODUCT)) {
          ps.setString(1, SKU);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalStateException("no product " + SKU);
            }
            price = rs.getLong("price_amount");
          }
        }
        try (PreparedStatement ps = c.prepareStatement(RESERVE)) {
          ps.setLong(1, 1);
          ps.setObject(2, utc(now));
          ps.setString(3, SKU);
          ps.setLong(4, 1);
          if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("out of stock");
          }
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_ORDER)) {
          ps.setString(1, orderId);
          ps.setString(2, "PENDING_PAYMENT");
          ps.setLong(3, price);
          ps.setString(4, "USD");
          ps.setString(5, EMAIL);
          ps.setObject(6, utc(now));
          ps.setObject(7, utc(now));
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_LINE)) {
          ps.setString(1, orderId);
          ps.setInt(2, 0);
          ps.setString(3, SKU);
          ps.setInt(4, 1);
          ps.setLong(5, price);
          ps.setLong(6, price);
          ps.addBatch();
          ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_KEY)) {
          ps.setString(1, scope);
          ps.setString(2, key);
          bindKey(ps, 3, now, "order-created", orderId, null, null);
          if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("key " + key + " was claimed at the same moment");
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        end(c);
      }
    }

    String paymentId = "pay_test_" + payments.incrementAndGet();

    Instant done = micros(Instant.now());
    try (Connection c = dataSource.getConnection()) {
      begin(c);
      try {
        try (PreparedStatement ps = c.prepareStatement(FIND_KEY)) {
          ps.setString(1, scope);
          ps.setString(2, key);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || rs.getLong("fence") != 1 || rs.getObject("response_status") != null) {
              throw new IllegalStateException("key " + key + " was taken over");
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement(MARK_PAID)) {
          ps.setString(1, "PAID");
          ps.setObject(2, utc(done));
          ps.setObject(3, utc(done));
          ps.setString(4, orderId);
          ps.setString(5, "PENDING_PAYMENT");
          if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("order " + orderId + " is not pending");
          }
        }
        Instant createdAt;
        long total;
        try (PreparedStatement ps = c.prepareStatement(FIND_ORDER)) {
          ps.setString(1, orderId);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong("total_amount");
            createdAt = rs.getObject("created_at", OffsetDateTime.class).toInstant();
          }
        }
        long quantity = 0;
        try (PreparedStatement ps = c.prepareStatement(FIND_LINES)) {
          ps.setString(1, orderId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              quantity += rs.getInt("quantity");
            }
          }
        }
        String order = orderJson(orderId, quantity, total, createdAt);
        String eventId = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENT)) {
          ps.setString(1, eventId);
          ps.setString(2, "order.placed");
          ps.setString(3, orderId);
          ps.setString(
              4,
              "{\"orderId\":\""
                  + orderId
                  + "\",\"paymentId\":\""
                  + paymentId
                  + "\",\"order\":"
                  + order
                  + "}");
          ps.setObject(5, utc(done));
          ps.executeUpdate();
        }
        appendConsent(c, orderId, done);
        try (PreparedStatement ps = c.prepareStatement(COMPLETE_KEY)) {
          bindKey(
              ps,
              1,
              now,
              "finished",
              orderId,
              "Content-Type: application/json\nLocation: /orders/" + orderId + "\n",
              order);
          ps.setString(11, scope);
          ps.setString(12, key);
          ps.setLong(13, 1);
          if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("key " + key + " was taken over");
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        end(c);
      }
    }
    return orderId;
  }

  /**
   * The consent of a checkout, statement for statement as {@code ConsentAudit.record} and {@code
   * JdbcTransaction}'s consent log issue them on PostgreSQL: one statement that inserts a new
   * subject's key and the draft staged under it, or, for a subject that has a key, returns that
   * key; then the draft staged under it. Chaining happens after the commit, in neither benchmark
   * method (see {@code ConsentTrailBenchmark} for its cost). Nothing is sealed: the sealed payload
   * is random bytes of the sealed length.
   */
  private void appendConsent(Connection c, String orderId, Instant recordedAt) throws SQLException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] key = new byte[32];
    random.nextBytes(key);
    byte[] sealed = new byte[SEALED_BYTES];
    random.nextBytes(sealed);
    String sealedText = Base64.getEncoder().encodeToString(sealed);
    boolean staged;
    try (PreparedStatement ps = c.prepareStatement(STAGE_UNDER_NEW_KEY)) {
      ps.setString(1, subjectId);
      ps.setBytes(2, key);
      bindDraft(ps, 3, orderId, recordedAt, sealedText);
      ps.setString(12, subjectId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the staging statement returned no row");
        }
        staged = rs.getLong("staged") == 1;
        if (!staged && rs.getBytes("existing") == null) {
          throw new IllegalStateException("subject key neither inserted nor found");
        }
      }
    }
    if (!staged) {
      try (PreparedStatement ps = c.prepareStatement(STAGE_CONSENT)) {
        bindDraft(ps, 1, orderId, recordedAt, sealedText);
        ps.executeUpdate();
      }
    }
  }

  private void bindDraft(
      PreparedStatement ps, int from, String orderId, Instant recordedAt, String sealed)
      throws SQLException {
    ps.setString(from, subjectId);
    ps.setString(from + 1, "GRANTED");
    ps.setString(from + 2, "TERMS_OF_SALE");
    ps.setString(from + 3, JdbcCheckoutBenchmark.TERMS);
    ps.setString(from + 4, ZERO_HASH);
    ps.setString(from + 5, "checkout");
    ps.setString(from + 6, orderId);
    ps.setObject(from + 7, utc(recordedAt));
    ps.setString(from + 8, sealed);
  }

  /** HMAC-SHA256 of the lower-case address under the secret, as 64 hex digits. */
  private static String hmacHex(byte[] secret, String email) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of()
          .formatHex(mac.doFinal(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is on every Java platform", e);
    }
  }

  private static void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
  }

  private static void end(Connection c) throws SQLException {
    c.setAutoCommit(true);
  }

  /** The ten record columns from fingerprint to response_body; the response only when done. */
  private static void bindKey(
      PreparedStatement ps,
      int from,
      Instant createdAt,
      String recoveryPoint,
      String reference,
      @Nullable String headers,
      @Nullable String body)
      throws SQLException {
    ps.setString(from, FINGERPRINT);
    ps.setLong(from + 1, 1);
    ps.setObject(from + 2, utc(createdAt));
    ps.setObject(from + 3, utc(createdAt.plus(LEASE)));
    ps.setObject(from + 4, utc(createdAt.plus(RETENTION)));
    ps.setString(from + 5, recoveryPoint);
    ps.setString(from + 6, reference);
    if (body != null) {
      ps.setInt(from + 7, 201);
      ps.setString(from + 8, headers);
      ps.setBytes(from + 9, body.getBytes(StandardCharsets.UTF_8));
    } else {
      ps.setNull(from + 7, java.sql.Types.INTEGER);
      ps.setNull(from + 8, java.sql.Types.VARCHAR);
      ps.setNull(from + 9, java.sql.Types.VARBINARY);
    }
  }

  /** The order document the library stores as the answer and in the outbox event. */
  private static String orderJson(String id, long quantity, long total, Instant createdAt) {
    String money = "{\"amount\":" + total + ",\"currency\":\"USD\"}";
    return "{\"id\":\""
        + id
        + "\",\"status\":\"PAID\",\"items\":[{\"sku\":\""
        + SKU
        + "\",\"quantity\":"
        + quantity
        + ",\"unitPrice\":"
        + money
        + ",\"lineTotal\":"
        + money
        + "}],\"total\":"
        + money
        + ",\"email\":\""
        + EMAIL
        + "\",\"createdAt\":\""
        + DateTimeFormatter.ISO_INSTANT.format(createdAt.truncatedTo(ChronoUnit.MILLIS))
        + "\"}";
  }

  private static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** A version 7 UUID for the given time, as the library's order ids are. */
  private static String uuidV7(Instant now) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (now.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}

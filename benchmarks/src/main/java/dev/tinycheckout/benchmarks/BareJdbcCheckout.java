package dev.tinycheckout.benchmarks;

import java.nio.charset.StandardCharsets;
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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
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
 * no payment gateway is called, and transactions are begun with {@code setAutoCommit(false)} alone.
 * The adapter leaves the isolation level alone when the pool already hands out READ COMMITTED
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
  static final String NEXT_CONSENT =
      "UPDATE tc_consent_head SET last_sequence = last_sequence + 1 WHERE id = 1"
          + " RETURNING last_sequence";
  static final String INSERT_CONSENT =
      "INSERT INTO tc_consent (sequence_no, email, action, purpose, terms_version,"
          + " order_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  static final String INSERT_EVENT =
      "INSERT INTO tc_outbox (id, type, aggregate_id, payload, created_at) VALUES (?, ?, ?, ?, ?)";
  static final String COMPLETE_KEY =
      "UPDATE tc_idempotency SET fingerprint = ?, fence = ?, created_at = ?,"
          + " lease_expires_at = ?, expires_at = ?, recovery_point = ?, reference = ?,"
          + " response_status = ?, response_headers = ?, response_body = ?"
          + " WHERE scope = ? AND idem_key = ? AND fence = ?";

  private final DataSource dataSource;
  private final AtomicLong payments = new AtomicLong();

  BareJdbcCheckout(DataSource dataSource) {
    this.dataSource = dataSource;
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
        long sequence;
        try (PreparedStatement ps = c.prepareStatement(NEXT_CONSENT);
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          sequence = rs.getLong(1);
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_CONSENT)) {
          ps.setLong(1, sequence);
          ps.setString(2, EMAIL);
          ps.setString(3, "GRANTED");
          ps.setString(4, "TERMS_OF_SALE");
          ps.setString(5, JdbcCheckoutBenchmark.TERMS);
          ps.setString(6, orderId);
          ps.setObject(7, utc(done));
          ps.executeUpdate();
        }
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

package dev.tinycheckout.jdbc;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.consent.UnreadableConsentEntryException;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderLine;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.StorageTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One database transaction and the stores acting in it. Used by one thread. */
final class JdbcTransaction implements StorageTransaction {
  private final Connection c;
  private final JdbcDialect d;
  private boolean open = true;
  private boolean deliveriesMadeDue;
  private final Products products = new Products();
  private final Orders orders = new Orders();
  private final Keys keys = new Keys();
  private final Events events = new Events();
  private final Consents consents = new Consents();
  private final JdbcDeliveryStore deliveries;

  JdbcTransaction(Connection connection, JdbcDialect dialect) {
    this.c = connection;
    this.d = dialect;
    this.deliveries = new JdbcDeliveryStore(this, connection, dialect);
  }

  void close() {
    open = false;
  }

  /** Notes that this transaction made deliveries due, which JdbcStorage may announce at commit. */
  void deliveriesMadeDue() {
    deliveriesMadeDue = true;
  }

  /** Whether {@link #deliveriesMadeDue()} was called. */
  boolean madeDeliveriesDue() {
    return deliveriesMadeDue;
  }

  @Override
  public ProductStore products() {
    return products;
  }

  @Override
  public OrderStore orders() {
    return orders;
  }

  @Override
  public IdempotencyStore idempotency() {
    return keys;
  }

  @Override
  public Outbox outbox() {
    return events;
  }

  @Override
  public ConsentLog consents() {
    return consents;
  }

  @Override
  public DeliveryStore deliveries() {
    return deliveries;
  }

  /** A piece of JDBC work that may throw {@link SQLException}. */
  @FunctionalInterface
  interface Sql<T> {
    T run() throws SQLException;
  }

  /** Runs JDBC work in this transaction, failing if it has ended; wraps SQL failures. */
  <T> T sql(Sql<T> body) {
    if (!open) {
      throw new IllegalStateException("this transaction has ended; use stores only inside it");
    }
    try {
      return body.run();
    } catch (SQLException e) {
      throw JdbcStorage.translate(d, e);
    }
  }

  private static void requirePositive(int quantity) {
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be at least 1, but was " + quantity);
    }
  }

  // ---- products ---------------------------------------------------------------------------------

  private final class Products implements ProductStore {
    private static final String COLUMNS =
        "sku, name, price_amount, price_currency, stock, version, updated_at";

    @Override
    public Optional<Product> find(Sku sku) {
      Objects.requireNonNull(sku, "sku");
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM tc_product WHERE sku = ?")) {
              ps.setString(1, sku.value());
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(product(rs)) : Optional.empty();
              }
            }
          });
    }

    @Override
    public List<Product> findAll() {
      return sql(
          () -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT " + COLUMNS + " FROM tc_product ORDER BY sku");
                ResultSet rs = ps.executeQuery()) {
              List<Product> all = new ArrayList<>();
              while (rs.next()) {
                all.add(product(rs));
              }
              return List.copyOf(all);
            }
          });
    }

    @Override
    public Product upsert(Sku sku, String name, Money price, long stock, Instant now) {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(now, "now");
      // Validates every value before touching the database.
      new Product(sku, name, price, stock, 1, now);
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE tc_product SET name = ?, price_amount = ?, price_currency = ?, stock = ?,"
                        + " version = version + 1, updated_at = ? WHERE sku = ?")) {
              ps.setString(1, name);
              ps.setLong(2, price.amount());
              ps.setString(3, price.currency().getCurrencyCode());
              ps.setLong(4, stock);
              d.setInstant(ps, 5, now);
              ps.setString(6, sku.value());
              if (ps.executeUpdate() == 0) {
                try (PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO tc_product (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 1, ?)")) {
                  insert.setString(1, sku.value());
                  insert.setString(2, name);
                  insert.setLong(3, price.amount());
                  insert.setString(4, price.currency().getCurrencyCode());
                  insert.setLong(5, stock);
                  d.setInstant(insert, 6, now);
                  insert.executeUpdate();
                }
              }
            }
            return find(sku).orElseThrow();
          });
    }

    @Override
    public boolean reserve(Sku sku, int quantity, Instant now) {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(now, "now");
      requirePositive(quantity);
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE tc_product SET stock = stock - ?, version = version + 1, updated_at = ?"
                        + " WHERE sku = ? AND stock >= ?")) {
              ps.setLong(1, quantity);
              d.setInstant(ps, 2, now);
              ps.setString(3, sku.value());
              ps.setLong(4, quantity);
              return ps.executeUpdate() == 1;
            }
          });
    }

    @Override
    public boolean release(Sku sku, int quantity, Instant now) {
      Objects.requireNonNull(sku, "sku");
      Objects.requireNonNull(now, "now");
      requirePositive(quantity);
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE tc_product SET stock = stock + ?, version = version + 1, updated_at = ?"
                        + " WHERE sku = ?")) {
              ps.setLong(1, quantity);
              d.setInstant(ps, 2, now);
              ps.setString(3, sku.value());
              return ps.executeUpdate() == 1;
            }
          });
    }

    private Product product(ResultSet rs) throws SQLException {
      return new Product(
          Sku.of(rs.getString("sku")),
          rs.getString("name"),
          Money.of(rs.getLong("price_amount"), rs.getString("price_currency")),
          rs.getLong("stock"),
          rs.getLong("version"),
          d.getInstant(rs, "updated_at"));
    }
  }

  // ---- orders -----------------------------------------------------------------------------------

  private final class Orders implements OrderStore {

    @Override
    public void insert(Order order) {
      Objects.requireNonNull(order, "order");
      sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO tc_order (id, status, total_amount, currency, email, created_at,"
                        + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
              ps.setString(1, order.id().toString());
              ps.setString(2, order.status().name());
              ps.setLong(3, order.total().amount());
              ps.setString(4, order.total().currency().getCurrencyCode());
              ps.setString(5, order.email().value());
              d.setInstant(ps, 6, order.createdAt());
              d.setInstant(ps, 7, order.updatedAt());
              ps.executeUpdate();
            } catch (SQLException e) {
              if (d.isDuplicate(e)) {
                // The primary key refused it; the transaction is doomed and rolls back.
                throw new IllegalStateException("order " + order.id() + " exists already", e);
              }
              throw e;
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO tc_order_line (order_id, line_no, sku, quantity, unit_price,"
                        + " line_total) VALUES (?, ?, ?, ?, ?, ?)")) {
              int n = 0;
              for (OrderLine line : order.lines()) {
                ps.setString(1, order.id().toString());
                ps.setInt(2, n++);
                ps.setString(3, line.sku().value());
                ps.setInt(4, line.quantity());
                ps.setLong(5, line.unitPrice().amount());
                ps.setLong(6, line.lineTotal().amount());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return Boolean.TRUE;
          });
    }

    @Override
    public Optional<Order> find(OrderId id) {
      Objects.requireNonNull(id, "id");
      return sql(
          () -> {
            String status;
            String currency;
            long total;
            String email;
            Instant createdAt;
            Instant updatedAt;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT status, total_amount, currency, email, created_at, updated_at"
                        + " FROM tc_order WHERE id = ?")) {
              ps.setString(1, id.toString());
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  return Optional.<Order>empty();
                }
                status = rs.getString("status");
                total = rs.getLong("total_amount");
                currency = rs.getString("currency");
                email = rs.getString("email");
                createdAt = d.getInstant(rs, "created_at");
                updatedAt = d.getInstant(rs, "updated_at");
              }
            }
            List<OrderLine> lines = new ArrayList<>();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT sku, quantity, unit_price, line_total FROM tc_order_line"
                        + " WHERE order_id = ? ORDER BY line_no")) {
              ps.setString(1, id.toString());
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  lines.add(
                      new OrderLine(
                          Sku.of(rs.getString("sku")),
                          rs.getInt("quantity"),
                          Money.of(rs.getLong("unit_price"), currency),
                          Money.of(rs.getLong("line_total"), currency)));
                }
              }
            }
            return Optional.of(
                new Order(
                    id,
                    OrderStatus.valueOf(status),
                    lines,
                    Money.of(total, currency),
                    Email.of(email),
                    createdAt,
                    updatedAt));
          });
    }

    @Override
    public Optional<Order> updateStatus(
        OrderId id, OrderStatus expected, OrderStatus next, Instant now) {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(now, "now");
      if (!expected.canTransitionTo(next)) {
        throw new IllegalOrderTransitionException(id, expected, next);
      }
      int updated =
          sql(
              () -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "UPDATE tc_order SET status = ?,"
                            + " updated_at = CASE WHEN created_at > ? THEN created_at ELSE ? END"
                            + " WHERE id = ? AND status = ?")) {
                  // A clock behind the one that created the order (another node, an NTP step)
                  // must not make updatedAt precede createdAt.
                  ps.setString(1, next.name());
                  d.setInstant(ps, 2, now);
                  d.setInstant(ps, 3, now);
                  ps.setString(4, id.toString());
                  ps.setString(5, expected.name());
                  return ps.executeUpdate();
                }
              });
      return updated == 1 ? find(id) : Optional.empty();
    }
  }

  // ---- idempotency ------------------------------------------------------------------------------

  private final class Keys implements IdempotencyStore {
    /** Completed, or referencing nothing: see IdempotencyRecord#isPurgeable. */
    private static final String PURGEABLE = " AND (response_status IS NOT NULL OR reference = '')";

    private static final String COLUMNS =
        "scope, idem_key, fingerprint, fence, created_at, lease_expires_at, expires_at,"
            + " recovery_point, reference, response_status, response_headers, response_body";

    @Override
    public Optional<IdempotencyRecord> find(IdempotencyKey key) {
      Objects.requireNonNull(key, "key");
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT "
                        + COLUMNS
                        + " FROM tc_idempotency WHERE scope = ? AND idem_key = ?"
                        + d.forUpdate())) {
              ps.setString(1, key.scope());
              ps.setString(2, key.value());
              try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(record(key, rs)) : Optional.empty();
              }
            }
          });
    }

    @Override
    public boolean insert(IdempotencyRecord record) {
      Objects.requireNonNull(record, "record");
      return sql(
          () -> {
            String insert =
                d.insertIgnoringDuplicate(
                    "INSERT INTO tc_idempotency ("
                        + COLUMNS
                        + ")"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            try (PreparedStatement ps = c.prepareStatement(insert)) {
              ps.setString(1, record.key().scope());
              ps.setString(2, record.key().value());
              bind(ps, 3, record);
              return ps.executeUpdate() == 1;
            } catch (SQLException e) {
              if (d.insertFailsOnDuplicate() && d.isDuplicate(e)) {
                return false;
              }
              throw e;
            }
          });
    }

    @Override
    public boolean replace(IdempotencyRecord record, long expectedFence) {
      Objects.requireNonNull(record, "record");
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE tc_idempotency SET fingerprint = ?, fence = ?, created_at = ?,"
                        + " lease_expires_at = ?, expires_at = ?, recovery_point = ?, reference = ?,"
                        + " response_status = ?, response_headers = ?, response_body = ?"
                        + " WHERE scope = ? AND idem_key = ? AND fence = ?")) {
              bind(ps, 1, record);
              ps.setString(11, record.key().scope());
              ps.setString(12, record.key().value());
              ps.setLong(13, expectedFence);
              return ps.executeUpdate() == 1;
            }
          });
    }

    @Override
    public boolean delete(IdempotencyKey key, long expectedFence) {
      Objects.requireNonNull(key, "key");
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM tc_idempotency WHERE scope = ? AND idem_key = ? AND fence = ?")) {
              ps.setString(1, key.scope());
              ps.setString(2, key.value());
              ps.setLong(3, expectedFence);
              return ps.executeUpdate() == 1;
            }
          });
    }

    @Override
    public int deleteExpired(Instant now, int limit) {
      Objects.requireNonNull(now, "now");
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
      }
      return sql(
          () -> {
            // Pick the victims first, skipping rows a checkout holds, so the sweep never waits
            // on (or blocks) a checkout.
            List<String[]> victims = new ArrayList<>();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT scope, idem_key FROM tc_idempotency WHERE expires_at <= ?"
                        + PURGEABLE
                        + " ORDER BY expires_at LIMIT "
                        + limit
                        + d.forUpdateSkipLocked())) {
              d.setInstant(ps, 1, now);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  victims.add(new String[] {rs.getString(1), rs.getString(2)});
                }
              }
            }
            if (victims.isEmpty()) {
              return 0;
            }
            int deleted = 0;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM tc_idempotency WHERE scope = ? AND idem_key = ? AND expires_at <= ?"
                        + PURGEABLE)) {
              for (String[] v : victims) {
                ps.setString(1, v[0]);
                ps.setString(2, v[1]);
                d.setInstant(ps, 3, now);
                ps.addBatch();
              }
              for (int n : ps.executeBatch()) {
                deleted += n == java.sql.Statement.SUCCESS_NO_INFO ? 1 : n;
              }
            }
            return deleted;
          });
    }

    private void bind(PreparedStatement ps, int from, IdempotencyRecord r) throws SQLException {
      ps.setString(from, r.fingerprint().hex());
      ps.setLong(from + 1, r.fence());
      d.setInstant(ps, from + 2, r.createdAt());
      d.setInstant(ps, from + 3, r.leaseExpiresAt());
      d.setInstant(ps, from + 4, r.expiresAt());
      ps.setString(from + 5, r.recoveryPoint());
      ps.setString(from + 6, r.reference());
      if (r.response().isPresent()) {
        StoredResponse response = r.response().get();
        ps.setInt(from + 7, response.status());
        ps.setString(from + 8, headers(response.headers()));
        ps.setBytes(from + 9, response.body());
      } else {
        ps.setNull(from + 7, java.sql.Types.INTEGER);
        ps.setNull(from + 8, java.sql.Types.VARCHAR);
        ps.setNull(from + 9, java.sql.Types.VARBINARY);
      }
    }

    private IdempotencyRecord record(IdempotencyKey key, ResultSet rs) throws SQLException {
      int status = rs.getInt("response_status");
      Optional<StoredResponse> response =
          rs.wasNull()
              ? Optional.empty()
              : Optional.of(
                  new StoredResponse(
                      status,
                      parseHeaders(rs.getString("response_headers")),
                      Objects.requireNonNullElse(rs.getBytes("response_body"), new byte[0])));
      return new IdempotencyRecord(
          key,
          new RequestFingerprint(rs.getString("fingerprint")),
          rs.getLong("fence"),
          d.getInstant(rs, "created_at"),
          d.getInstant(rs, "lease_expires_at"),
          d.getInstant(rs, "expires_at"),
          rs.getString("recovery_point"),
          rs.getString("reference"),
          response);
    }
  }

  /** Header lines {@code name: value}, one per line; values never hold CR or LF. */
  static String headers(Map<String, String> headers) {
    StringBuilder b = new StringBuilder();
    headers.forEach((name, value) -> b.append(name).append(": ").append(value).append('\n'));
    return b.toString();
  }

  static Map<String, String> parseHeaders(@org.jspecify.annotations.Nullable String text) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (text == null) {
      return headers;
    }
    for (String line : text.lines().toList()) {
      int colon = line.indexOf(": ");
      if (colon > 0) {
        headers.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return headers;
  }

  // ---- outbox -----------------------------------------------------------------------------------

  private final class Events implements Outbox {

    @Override
    public void enqueue(OutboxEvent event) {
      Objects.requireNonNull(event, "event");
      sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO tc_outbox (id, type, aggregate_id, payload, created_at)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
              ps.setString(1, event.id().toString());
              ps.setString(2, event.type());
              ps.setString(3, event.aggregateId());
              ps.setString(4, event.payload());
              d.setInstant(ps, 5, event.createdAt());
              ps.executeUpdate();
            } catch (SQLException e) {
              if (d.isDuplicate(e)) {
                throw new IllegalStateException(
                    "outbox event " + event.id() + " exists already", e);
              }
              throw e;
            }
            return Boolean.TRUE;
          });
    }

    @Override
    public List<OutboxEvent> findByAggregate(String aggregateId) {
      Objects.requireNonNull(aggregateId, "aggregateId");
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT id, type, aggregate_id, payload, created_at FROM tc_outbox"
                        + " WHERE aggregate_id = ? ORDER BY seq_no")) {
              ps.setString(1, aggregateId);
              try (ResultSet rs = ps.executeQuery()) {
                List<OutboxEvent> list = new ArrayList<>();
                while (rs.next()) {
                  list.add(
                      new OutboxEvent(
                          UUID.fromString(rs.getString("id")),
                          rs.getString("type"),
                          rs.getString("aggregate_id"),
                          rs.getString("payload"),
                          d.getInstant(rs, "created_at")));
                }
                return List.copyOf(list);
              }
            }
          });
    }
  }

  // ---- consent ----------------------------------------------------------------------------------

  /**
   * The consent trail: {@code tc_consent_entry}, its head row {@code tc_consent_chain_head} and the
   * keys in {@code tc_consent_subject_key} (docs/storage.md#consent). Entries are only inserted.
   */
  private final class Consents implements ConsentLog {
    private static final int MAX_PAGE = 10_000;
    private static final String ENTRY_COLUMNS =
        "sequence_no, subject_id, action, purpose, terms_version, terms_hash, channel, order_id,"
            + " recorded_at, sealed_personal_data, previous_hash, hash";
    private static final String INSERT_ENTRY =
        "INSERT INTO tc_consent_entry ("
            + ENTRY_COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String ADVANCE_HEAD =
        "UPDATE tc_consent_chain_head SET last_sequence = ?, last_hash = ? WHERE id = 1";
    private static final String SELECT_HEAD =
        "SELECT last_sequence, last_hash FROM tc_consent_chain_head WHERE id = 1";

    /**
     * The head after this transaction's last append, whose row lock this transaction holds until it
     * ends: a second append (a checkout records up to four purposes) need not read it again. Null
     * before the first append and after a failed one.
     */
    private @Nullable ConsentHead lockedHead;

    /** Keys this transaction read or stored, so that each subject's key is read once. */
    private final Map<SubjectId, SubjectKey> keys = new HashMap<>();

    /** Binds the parameters of a query. */
    @FunctionalInterface
    private interface Binder {
      void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public ConsentEntry append(ConsentDraft draft) {
      Objects.requireNonNull(draft, "draft");
      return sql(
          () -> {
            ConsentHead head = lockedHead;
            lockedHead = null;
            if (head == null) {
              head = lockHead();
            }
            ConsentEntry entry = ConsentEntry.chain(draft, head.sequence() + 1, head.hash());
            try {
              if (d.hasDataModifyingCte()) {
                // One round trip: the entry and the head that points at it.
                try (PreparedStatement ps =
                    c.prepareStatement("WITH entry AS (" + INSERT_ENTRY + ") " + ADVANCE_HEAD)) {
                  bindEntry(ps, entry);
                  bindHead(ps, 13, entry);
                  requireHeadRow(ps.executeUpdate());
                }
              } else {
                try (PreparedStatement ps = c.prepareStatement(INSERT_ENTRY)) {
                  bindEntry(ps, entry);
                  ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(ADVANCE_HEAD)) {
                  bindHead(ps, 1, entry);
                  requireHeadRow(ps.executeUpdate());
                }
              }
            } catch (SQLException e) {
              if (d.isDuplicate(e)) {
                throw new IllegalStateException(
                    "consent entry "
                        + entry.sequence()
                        + " exists already, past the head in tc_consent_chain_head: the trail was"
                        + " changed outside tinycheckout; ConsentAudit.verify() names the break",
                    e);
              }
              throw e;
            }
            lockedHead = entry.asHead();
            return entry;
          });
    }

    private static final String STAGED_COLUMNS =
        "subject_id, action, purpose, terms_version, terms_hash, channel, order_id, recorded_at,"
            + " sealed_personal_data";

    @Override
    public void stage(ConsentDraft draft) {
      Objects.requireNonNull(draft, "draft");
      sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO tc_consent_staged ("
                        + STAGED_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              bindDraft(ps, 1, draft);
              ps.executeUpdate();
            }
            return Boolean.TRUE;
          });
    }

    /**
     * PostgreSQL: a new subject's key and the draft sealed under it in one statement; the staged
     * row is inserted only if the key was, and the same round trip reads the key the subject had.
     */
    private static final String STAGE_UNDER_NEW_KEY =
        "WITH k AS (INSERT INTO tc_consent_subject_key (subject_id, key_bytes) VALUES (?, ?)"
            + " ON CONFLICT DO NOTHING RETURNING subject_id),"
            + " s AS (INSERT INTO tc_consent_staged ("
            + "subject_id, action, purpose, terms_version, terms_hash, channel, order_id,"
            + " recorded_at, sealed_personal_data)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM k RETURNING 1)"
            + " SELECT (SELECT count(*) FROM s) AS staged,"
            + " (SELECT key_bytes FROM tc_consent_subject_key WHERE subject_id = ?) AS existing";

    @Override
    public void stageSealed(
        SubjectId subjectId, SubjectKey candidate, Function<SubjectKey, ConsentDraft> draftFor) {
      Objects.requireNonNull(subjectId, "subjectId");
      Objects.requireNonNull(candidate, "candidate");
      Objects.requireNonNull(draftFor, "draftFor");
      if (!d.hasDataModifyingCte() || keys.containsKey(subjectId)) {
        ConsentLog.super.stageSealed(subjectId, candidate, draftFor);
        return;
      }
      ConsentDraft draft = Objects.requireNonNull(draftFor.apply(candidate), "draft");
      // Empty: staged under the new key. Else the key the subject had, if the statement saw it.
      Optional<Optional<SubjectKey>> had =
          sql(
              () -> {
                try (PreparedStatement ps = c.prepareStatement(STAGE_UNDER_NEW_KEY)) {
                  ps.setString(1, subjectId.value());
                  ps.setBytes(2, candidate.bytes());
                  bindDraft(ps, 3, draft);
                  ps.setString(12, subjectId.value());
                  try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong("staged") == 1) {
                      return Optional.<Optional<SubjectKey>>empty();
                    }
                    byte[] existing = rs.getBytes("existing");
                    return Optional.of(
                        existing == null
                            ? Optional.<SubjectKey>empty()
                            : Optional.of(SubjectKey.of(existing)));
                  }
                }
              });
      if (had.isEmpty()) {
        keys.put(subjectId, candidate);
        return;
      }
      Optional<SubjectKey> existing = had.get();
      if (existing.isPresent()) {
        // A returning customer: seal under the key the subject has, known from the same round trip.
        keys.put(subjectId, existing.get());
        stage(Objects.requireNonNull(draftFor.apply(existing.get()), "draft"));
        return;
      }
      // A key committed after the statement's snapshot, unseen by it: read it, then stage.
      ConsentLog.super.stageSealed(subjectId, candidate, draftFor);
    }

    private void bindDraft(PreparedStatement ps, int from, ConsentDraft draft) throws SQLException {
      ps.setString(from, draft.subjectId().value());
      ps.setString(from + 1, draft.action().name());
      ps.setString(from + 2, draft.purpose().name());
      ps.setString(from + 3, draft.termsVersion());
      ps.setString(from + 4, draft.termsHash().hex());
      ps.setString(from + 5, draft.channel());
      ps.setString(from + 6, draft.orderId().toString());
      d.setInstant(ps, from + 7, draft.recordedAt());
      ps.setString(from + 8, draft.sealedPersonalData());
    }

    @Override
    public List<ConsentEntry> chainStaged(int max) {
      if (max < 1 || max > MAX_PAGE) {
        throw new IllegalArgumentException("max must be 1 to " + MAX_PAGE + ", but was " + max);
      }
      return sql(
          () -> {
            ConsentHead head = lockedHead;
            lockedHead = null;
            if (head == null) {
              head = lockHead();
            }
            // Read after the head lock is ours: a chainer that held it before has committed, so
            // what it chained is gone from here. (A plain read: on MySQL its snapshot starts now;
            // a locking read would also lock the gap new stages insert into.)
            List<Long> stageNos = new ArrayList<>();
            List<ConsentDraft> drafts = new ArrayList<>();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT stage_no, "
                        + STAGED_COLUMNS
                        + " FROM tc_consent_staged ORDER BY stage_no LIMIT "
                        + max)) {
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  stageNos.add(rs.getLong("stage_no"));
                  drafts.add(stagedDraft(rs));
                }
              }
            }
            if (drafts.isEmpty()) {
              lockedHead = head;
              return List.<ConsentEntry>of();
            }
            List<ConsentEntry> entries = new ArrayList<>(drafts.size());
            ConsentHash previous = head.hash();
            long sequence = head.sequence();
            for (ConsentDraft draft : drafts) {
              ConsentEntry entry = ConsentEntry.chain(draft, ++sequence, previous);
              entries.add(entry);
              previous = entry.hash();
            }
            if (d.hasDataModifyingCte()) {
              moveStagedInOneStatement(stageNos, entries);
              ConsentEntry last = entries.get(entries.size() - 1);
              lockedHead = last.asHead();
              return List.copyOf(entries);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_ENTRY)) {
              for (ConsentEntry entry : entries) {
                bindEntry(ps, entry);
                ps.addBatch();
              }
              ps.executeBatch();
            } catch (SQLException e) {
              if (d.isDuplicate(e)) {
                throw new IllegalStateException(
                    "a consent entry from "
                        + entries.get(0).sequence()
                        + " on exists already, past the head in tc_consent_chain_head: the trail"
                        + " was changed outside tinycheckout; ConsentAudit.verify() names the break",
                    e);
              }
              throw e;
            }
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM tc_consent_staged WHERE stage_no = ?")) {
              for (long stageNo : stageNos) {
                ps.setLong(1, stageNo);
                ps.addBatch();
              }
              int[] counts = ps.executeBatch();
              for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                  throw new IllegalStateException(
                      "staged consent draft "
                          + stageNos.get(i)
                          + " vanished while it was being chained: only a chainer holding the head"
                          + " lock may delete from tc_consent_staged");
                }
              }
            }
            ConsentEntry last = entries.get(entries.size() - 1);
            try (PreparedStatement ps = c.prepareStatement(ADVANCE_HEAD)) {
              bindHead(ps, 1, last);
              requireHeadRow(ps.executeUpdate());
            }
            lockedHead = last.asHead();
            return List.copyOf(entries);
          });
    }

    /**
     * PostgreSQL: deletes the staged rows, inserts them as entries with their numbers and hashes,
     * and advances the head, in one statement whose cost hardly grows with the batch. The data
     * columns go from row to row inside the database, so they are stored exactly as they were read
     * and hashed.
     */
    private void moveStagedInOneStatement(List<Long> stageNos, List<ConsentEntry> entries)
        throws SQLException {
      int n = entries.size();
      Long[] stages = stageNos.toArray(new Long[0]);
      Long[] sequences = new Long[n];
      String[] previous = new String[n];
      String[] hashes = new String[n];
      for (int i = 0; i < n; i++) {
        ConsentEntry e = entries.get(i);
        sequences[i] = e.sequence();
        previous[i] = e.previousHash().hex();
        hashes[i] = e.hash().hex();
      }
      ConsentEntry last = entries.get(n - 1);
      String sql =
          "WITH c AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[])"
              + " AS c(stage_no, sequence_no, previous_hash, hash)),"
              + " moved AS (DELETE FROM tc_consent_staged s USING c WHERE s.stage_no = c.stage_no"
              + " RETURNING c.sequence_no, s.subject_id, s.action, s.purpose, s.terms_version,"
              + " s.terms_hash, s.channel, s.order_id, s.recorded_at, s.sealed_personal_data,"
              + " c.previous_hash, c.hash),"
              + " ins AS (INSERT INTO tc_consent_entry ("
              + ENTRY_COLUMNS
              + ") SELECT * FROM moved RETURNING 1),"
              + " head AS (UPDATE tc_consent_chain_head SET last_sequence = ?, last_hash = ?"
              + " WHERE id = 1 RETURNING 1)"
              + " SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM head) AS heads";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setArray(1, c.createArrayOf("bigint", stages));
        ps.setArray(2, c.createArrayOf("bigint", sequences));
        ps.setArray(3, c.createArrayOf("text", previous));
        ps.setArray(4, c.createArrayOf("text", hashes));
        ps.setLong(5, last.sequence());
        ps.setString(6, last.hash().hex());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          requireHeadRow(rs.getInt("heads"));
          long inserted = rs.getLong("inserted");
          if (inserted != n) {
            throw new IllegalStateException(
                inserted
                    + " of "
                    + n
                    + " staged consent drafts were chained: the others vanished while they were"
                    + " being chained, and only a chainer holding the head lock may delete from"
                    + " tc_consent_staged");
          }
        }
      } catch (SQLException e) {
        if (d.isDuplicate(e)) {
          throw new IllegalStateException(
              "a consent entry from "
                  + entries.get(0).sequence()
                  + " on exists already, past the head in tc_consent_chain_head: the trail was"
                  + " changed outside tinycheckout; ConsentAudit.verify() names the break",
              e);
        }
        throw e;
      }
    }

    private ConsentDraft stagedDraft(ResultSet rs) throws SQLException {
      long stageNo = rs.getLong("stage_no");
      try {
        return new ConsentDraft(
            SubjectId.of(rs.getString("subject_id")),
            ConsentAction.valueOf(rs.getString("action")),
            ConsentPurpose.valueOf(rs.getString("purpose")),
            rs.getString("terms_version"),
            ConsentHash.fromHex(rs.getString("terms_hash")),
            rs.getString("channel"),
            OrderId.parse(rs.getString("order_id")),
            d.getInstant(rs, "recorded_at"),
            rs.getString("sealed_personal_data"));
      } catch (ValidationException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "staged consent draft "
                + stageNo
                + " in tc_consent_staged is not valid ("
                + e.getMessage()
                + "): it was changed outside tinycheckout; nothing is chained until it is"
                + " repaired or removed (docs/compliance.md#staging)",
            e);
      }
    }

    /** Reads the head under a row lock held until the transaction ends (SQLite: its write lock). */
    private ConsentHead lockHead() throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(SELECT_HEAD + d.forUpdate());
          ResultSet rs = ps.executeQuery()) {
        return head(rs);
      }
    }

    @Override
    public ConsentHead head() {
      return sql(
          () -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_HEAD);
                ResultSet rs = ps.executeQuery()) {
              return head(rs);
            }
          });
    }

    private ConsentHead head(ResultSet rs) throws SQLException {
      if (!rs.next()) {
        throw new IllegalStateException(
            "tc_consent_chain_head has no row: the migration is incomplete, or the row was"
                + " deleted outside tinycheckout");
      }
      long sequence = rs.getLong("last_sequence");
      String hash = rs.getString("last_hash");
      try {
        return new ConsentHead(sequence, ConsentHash.fromHex(hash));
      } catch (ValidationException e) {
        throw new IllegalStateException(
            "tc_consent_chain_head holds no valid head (sequence "
                + sequence
                + "): "
                + e.getMessage()
                + "; it was changed outside tinycheckout",
            e);
      }
    }

    private void requireHeadRow(int updated) {
      if (updated != 1) {
        throw new IllegalStateException(
            "tc_consent_chain_head has no row: the migration is incomplete, or the row was"
                + " deleted outside tinycheckout");
      }
    }

    private void bindEntry(PreparedStatement ps, ConsentEntry e) throws SQLException {
      ps.setLong(1, e.sequence());
      ps.setString(2, e.subjectId().value());
      ps.setString(3, e.action().name());
      ps.setString(4, e.purpose().name());
      ps.setString(5, e.termsVersion());
      ps.setString(6, e.termsHash().hex());
      ps.setString(7, e.channel());
      ps.setString(8, e.orderId().toString());
      d.setInstant(ps, 9, e.recordedAt());
      ps.setString(10, e.sealedPersonalData());
      ps.setString(11, e.previousHash().hex());
      ps.setString(12, e.hash().hex());
    }

    private void bindHead(PreparedStatement ps, int from, ConsentEntry e) throws SQLException {
      ps.setLong(from, e.sequence());
      ps.setString(from + 1, e.hash().hex());
    }

    @Override
    public List<ConsentEntry> read(long fromSequence, int limit) {
      if (fromSequence < 1) {
        throw new IllegalArgumentException(
            "fromSequence must be at least 1, but was " + fromSequence);
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ", but was " + limit);
      }
      return entries(
          "sequence_no >= ? ORDER BY sequence_no LIMIT " + limit,
          ps -> ps.setLong(1, fromSequence));
    }

    @Override
    public List<ConsentEntry> findByOrder(OrderId orderId) {
      Objects.requireNonNull(orderId, "orderId");
      return entries(
          "order_id = ? ORDER BY sequence_no", ps -> ps.setString(1, orderId.toString()));
    }

    @Override
    public List<ConsentEntry> findBySubject(SubjectId subjectId) {
      Objects.requireNonNull(subjectId, "subjectId");
      return entries(
          "subject_id = ? ORDER BY sequence_no", ps -> ps.setString(1, subjectId.value()));
    }

    private List<ConsentEntry> entries(String where, Binder binder) {
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT " + ENTRY_COLUMNS + " FROM tc_consent_entry WHERE " + where)) {
              binder.bind(ps);
              try (ResultSet rs = ps.executeQuery()) {
                List<ConsentEntry> list = new ArrayList<>();
                while (rs.next()) {
                  list.add(entry(rs));
                }
                return List.copyOf(list);
              }
            }
          });
    }

    /** The row exactly as stored; the hash is never checked here (ConsentChain does that). */
    private ConsentEntry entry(ResultSet rs) throws SQLException {
      long sequence = rs.getLong("sequence_no");
      try {
        return new ConsentEntry(
            sequence,
            SubjectId.of(rs.getString("subject_id")),
            ConsentAction.valueOf(rs.getString("action")),
            ConsentPurpose.valueOf(rs.getString("purpose")),
            rs.getString("terms_version"),
            ConsentHash.fromHex(rs.getString("terms_hash")),
            rs.getString("channel"),
            OrderId.parse(rs.getString("order_id")),
            d.getInstant(rs, "recorded_at"),
            rs.getString("sealed_personal_data"),
            ConsentHash.fromHex(rs.getString("previous_hash")),
            ConsentHash.fromHex(rs.getString("hash")));
      } catch (ValidationException | IllegalArgumentException e) {
        throw new UnreadableConsentEntryException(
            sequence, "tc_consent_entry: " + e.getMessage(), e);
      }
    }

    @Override
    public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
      Objects.requireNonNull(subjectId, "subjectId");
      SubjectKey known = keys.get(subjectId);
      if (known != null) {
        return sql(() -> Optional.of(known)); // still fails once the transaction has ended
      }
      Optional<SubjectKey> found = sql(() -> selectKey(subjectId));
      found.ifPresent(k -> keys.put(subjectId, k));
      return found;
    }

    @Override
    public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
      Objects.requireNonNull(subjectId, "subjectId");
      Objects.requireNonNull(candidate, "candidate");
      SubjectKey known = keys.get(subjectId);
      if (known != null) {
        return sql(() -> known);
      }
      SubjectKey key =
          sql(
              () -> {
                // Insert first: of racing transactions one inserts, the others wait for it and
                // then read its key. A key erased between our two statements means: try again.
                for (int attempt = 0; attempt < 3; attempt++) {
                  if (insertKey(subjectId, candidate)) {
                    return candidate;
                  }
                  Optional<SubjectKey> found = selectKey(subjectId);
                  if (found.isPresent()) {
                    return found.get();
                  }
                }
                throw new StorageException(
                    "the key of consent subject "
                        + subjectId
                        + " was created and erased concurrently three times; retry",
                    true,
                    null);
              });
      keys.put(subjectId, key);
      return key;
    }

    private boolean insertKey(SubjectId subjectId, SubjectKey key) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement(
              d.insertIgnoringDuplicate(
                  "INSERT INTO tc_consent_subject_key (subject_id, key_bytes) VALUES (?, ?)"))) {
        ps.setString(1, subjectId.value());
        ps.setBytes(2, key.bytes());
        return ps.executeUpdate() == 1;
      } catch (SQLException e) {
        if (d.insertFailsOnDuplicate() && d.isDuplicate(e)) {
          return false;
        }
        throw e;
      }
    }

    private Optional<SubjectKey> selectKey(SubjectId subjectId) throws SQLException {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT key_bytes FROM tc_consent_subject_key WHERE subject_id = ?")) {
        ps.setString(1, subjectId.value());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          try {
            return Optional.of(SubjectKey.of(rs.getBytes("key_bytes")));
          } catch (ValidationException e) {
            throw new IllegalStateException(
                "the key of consent subject "
                    + subjectId
                    + " in tc_consent_subject_key is not a key ("
                    + e.getMessage()
                    + "): it was changed outside tinycheckout",
                e);
          }
        }
      }
    }

    @Override
    public boolean eraseSubjectKey(SubjectId subjectId) {
      Objects.requireNonNull(subjectId, "subjectId");
      keys.remove(subjectId);
      return sql(
          () -> {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM tc_consent_subject_key WHERE subject_id = ?")) {
              ps.setString(1, subjectId.value());
              return ps.executeUpdate() > 0;
            }
          });
    }
  }
}

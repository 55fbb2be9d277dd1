package dev.tinycheckout.jdbc;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The deliveries of the outbox in {@code tc_delivery}, acting in one {@link JdbcTransaction}.
 *
 * <p>{@code seq_no} is the enqueue order. A claim takes due rows with row locks that skip rows
 * another claimer holds, in the way of the dialect's {@link JdbcDialect.ClaimStyle}; every other
 * change is one conditional {@code UPDATE} or {@code DELETE}, fenced on status and claim version
 * where the SPI asks for it. Instants are always the caller's, bound as parameters.
 */
final class JdbcDeliveryStore implements DeliveryStore {
  static final int MAX_ERROR = 2000;

  /** The most claims one statement of {@link #completeAll} binds outside PostgreSQL. */
  static final int COMPLETE_CHUNK = 500;

  private static final String PENDING = "'pending'";
  private static final String CLAIMED = "'claimed'";

  /**
   * Due rows of {@code d} (parameters: now, now, now): pending and available, or claimed with a
   * lease that ran out; and, for a row with an ordering key, no earlier unfinished row of its hook
   * and key.
   *
   * <p>The first two terms are implied by the rest (a claimed row's lease always ends after its
   * {@code available_at}: it was due when claimed), and are there for the planner: they match the
   * partial index {@code tc_delivery_unfinished (available_at, seq_no) WHERE status IN ('pending',
   * 'claimed')} (PostgreSQL, SQLite), which hands out rows in claim order, so a claim reads about
   * {@code limit} index entries and never the done rows, instead of sorting every due row.
   */
  private static final String DUE =
      " WHERE d.status IN ("
          + PENDING
          + ", "
          + CLAIMED
          + ") AND d.available_at <= ?"
          + " AND ((d.status = "
          + PENDING
          + " AND d.available_at <= ?) OR (d.status = "
          + CLAIMED
          + " AND d.lease_until <= ?))"
          + " AND (d.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM tc_delivery e"
          + " WHERE e.hook = d.hook AND e.ordering_key = d.ordering_key AND e.seq_no < d.seq_no"
          + " AND e.status IN ("
          + PENDING
          + ", "
          + CLAIMED
          + ")))"
          + " ORDER BY d.available_at, d.seq_no LIMIT ";

  /** The claim columns of {@code d} and the event columns of {@code o}. */
  private static final String CLAIM_COLUMNS =
      "d.seq_no, d.delivery_id, d.hook, d.attempt, d.claim_version, d.owner, d.lease_until,"
          + " d.available_at, o.id AS event_id, o.type AS event_type,"
          + " o.aggregate_id AS event_aggregate, o.payload AS event_payload,"
          + " o.created_at AS event_created_at";

  private static final String CLAIM_SET =
      " SET status = "
          + CLAIMED
          + ", owner = ?, lease_until = ?, attempt = attempt + 1,"
          + " claim_version = claim_version + 1";

  private static final String CLEAR_CLAIM = ", owner = NULL, lease_until = NULL";
  private static final String FENCE =
      " WHERE delivery_id = ? AND status = " + CLAIMED + " AND claim_version = ?";

  private final JdbcTransaction tx;
  private final Connection c;
  private final JdbcDialect d;

  JdbcDeliveryStore(JdbcTransaction tx, Connection connection, JdbcDialect dialect) {
    this.tx = tx;
    this.c = connection;
    this.d = dialect;
  }

  @Override
  public void enqueue(PendingDelivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    int inserted =
        tx.sql(
            () -> {
              // The enqueue time is the event's: the write path enqueues both in one transaction.
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO tc_delivery (delivery_id, event_id, hook, ordering_key, status,"
                          + " attempt, claim_version, available_at, created_at)"
                          + " SELECT ?, o.id, ?, ?, "
                          + PENDING
                          + ", 0, 0, ?, o.created_at FROM tc_outbox o WHERE o.id = ?")) {
                ps.setString(1, delivery.deliveryId().toString());
                ps.setString(2, delivery.hook());
                if (delivery.orderingKey().isPresent()) {
                  ps.setString(3, delivery.orderingKey().get());
                } else {
                  ps.setNull(3, Types.VARCHAR);
                }
                d.setInstant(ps, 4, delivery.availableAt());
                ps.setString(5, delivery.eventId().toString());
                return ps.executeUpdate();
              } catch (SQLException e) {
                if (d.isDuplicate(e)) {
                  throw new StorageException(
                      "delivery " + delivery.deliveryId() + " exists already", false, e);
                }
                throw e;
              }
            });
    if (inserted != 1) {
      throw new StorageException(
          "outbox event "
              + delivery.eventId()
              + " does not exist; enqueue it in the outbox before its deliveries",
          false,
          null);
    }
    tx.deliveriesMadeDue();
  }

  @Override
  public List<DeliveryClaim> claim(String owner, Instant now, Duration lease, int limit) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lease, "lease");
    if (owner.isEmpty() || owner.length() > 128) {
      throw new IllegalArgumentException("owner must be 1-128 characters, but was '" + owner + "'");
    }
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease must be positive, but was " + lease);
    }
    requireLimit(limit);
    Instant leaseUntil = now.plus(lease);
    List<Claimed> claimed =
        tx.sql(
            () ->
                switch (d.claimStyle()) {
                  case LOCKING_CTE_UPDATE -> claimInOneStatement(owner, now, leaseUntil, limit);
                  case LOCK_THEN_UPDATE -> claimLockingFirst(owner, now, leaseUntil, limit);
                  case UPDATE_RETURNING -> claimUnderTheWriteLock(owner, now, leaseUntil, limit);
                });
    claimed.sort(Comparator.comparing(Claimed::availableAt).thenComparingLong(Claimed::seqNo));
    return claimed.stream().map(Claimed::claim).toList();
  }

  /**
   * PostgreSQL: the CTE locks at most {@code limit} rows, and the update touches exactly those. The
   * limit is a parameter, so the text is the same for every claim and pgjdbc prepares it on the
   * server once per connection (the plan stays the ordered scan of {@code tc_delivery_unfinished}).
   */
  private List<Claimed> claimInOneStatement(
      String owner, Instant now, Instant leaseUntil, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH due AS (SELECT d.seq_no FROM tc_delivery d"
                + DUE
                + "?"
                + d.forUpdateSkipLocked()
                + ") UPDATE tc_delivery d"
                + CLAIM_SET
                + " FROM due, tc_outbox o WHERE d.seq_no = due.seq_no AND o.id = d.event_id"
                + " RETURNING "
                + CLAIM_COLUMNS)) {
      d.setInstant(ps, 1, now);
      d.setInstant(ps, 2, now);
      d.setInstant(ps, 3, now);
      ps.setInt(4, limit);
      ps.setString(5, owner);
      d.setInstant(ps, 6, leaseUntil);
      return readClaims(ps);
    }
  }

  /** MySQL/MariaDB and H2: lock the due rows, skipping locked ones, then update them by key. */
  private List<Claimed> claimLockingFirst(String owner, Instant now, Instant leaseUntil, int limit)
      throws SQLException {
    List<Long> seqNos = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.seq_no FROM tc_delivery d" + DUE + limit + d.forUpdateSkipLocked())) {
      d.setInstant(ps, 1, now);
      d.setInstant(ps, 2, now);
      d.setInstant(ps, 3, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          seqNos.add(rs.getLong(1));
        }
      }
    }
    if (seqNos.isEmpty()) {
      return new ArrayList<>();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE tc_delivery" + CLAIM_SET + " WHERE seq_no IN (" + marks(seqNos.size()) + ")")) {
      ps.setString(1, owner);
      d.setInstant(ps, 2, leaseUntil);
      for (int i = 0; i < seqNos.size(); i++) {
        ps.setLong(3 + i, seqNos.get(i));
      }
      ps.executeUpdate();
    }
    return load(seqNos);
  }

  /**
   * SQLite: the unit of work began with {@code BEGIN IMMEDIATE}, so it holds the single write lock
   * and nobody can claim in between; the subquery's LIMIT bounds the update.
   */
  private List<Claimed> claimUnderTheWriteLock(
      String owner, Instant now, Instant leaseUntil, int limit) throws SQLException {
    List<Long> seqNos = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE tc_delivery"
                + CLAIM_SET
                + " WHERE seq_no IN (SELECT d.seq_no FROM tc_delivery d"
                + DUE
                + limit
                + ") RETURNING seq_no")) {
      ps.setString(1, owner);
      d.setInstant(ps, 2, leaseUntil);
      d.setInstant(ps, 3, now);
      d.setInstant(ps, 4, now);
      d.setInstant(ps, 5, now);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          seqNos.add(rs.getLong(1));
        }
      }
    }
    return seqNos.isEmpty() ? new ArrayList<>() : load(seqNos);
  }

  private List<Claimed> load(List<Long> seqNos) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + CLAIM_COLUMNS
                + " FROM tc_delivery d JOIN tc_outbox o ON o.id = d.event_id"
                + " WHERE d.seq_no IN ("
                + marks(seqNos.size())
                + ")")) {
      for (int i = 0; i < seqNos.size(); i++) {
        ps.setLong(1 + i, seqNos.get(i));
      }
      return readClaims(ps);
    }
  }

  private List<Claimed> readClaims(PreparedStatement ps) throws SQLException {
    List<Claimed> claims = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        claims.add(
            new Claimed(
                rs.getLong("seq_no"),
                d.getInstant(rs, "available_at"),
                new DeliveryClaim(
                    UUID.fromString(rs.getString("delivery_id")),
                    rs.getString("hook"),
                    rs.getInt("attempt"),
                    rs.getLong("claim_version"),
                    rs.getString("owner"),
                    d.getInstant(rs, "lease_until"),
                    event(rs))));
      }
    }
    return claims;
  }

  private OutboxEvent event(ResultSet rs) throws SQLException {
    return new OutboxEvent(
        UUID.fromString(rs.getString("event_id")),
        rs.getString("event_type"),
        rs.getString("event_aggregate"),
        rs.getString("event_payload"),
        d.getInstant(rs, "event_created_at"));
  }

  /** A claim with what orders it. */
  private record Claimed(long seqNo, Instant availableAt, DeliveryClaim claim) {}

  @Override
  public boolean complete(DeliveryClaim claim, Instant now) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(now, "now");
    return fenced(
        "UPDATE tc_delivery SET status = 'done', done_at = ?" + CLEAR_CLAIM + FENCE,
        claim,
        now,
        null);
  }

  /**
   * One statement per batch on PostgreSQL, two per chunk of {@value #COMPLETE_CHUNK} elsewhere; see
   * {@link JdbcDialect.CompleteStyle}. The claims are bound in delivery id order, the order in
   * which the usual plans lock the rows, so two dispatchers whose batches share rows (one holding
   * stale claims) rarely deadlock; a deadlock rolls one unit of work back, to be tried again.
   */
  @Override
  public List<DeliveryClaim> completeAll(List<DeliveryClaim> claims, Instant now) {
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(now, "now");
    Map<Fence, DeliveryClaim> byFence = new LinkedHashMap<>();
    for (DeliveryClaim claim : claims) {
      byFence.putIfAbsent(Fence.of(Objects.requireNonNull(claim, "claim")), claim);
    }
    if (byFence.isEmpty()) {
      return List.of();
    }
    List<Fence> fences = new ArrayList<>(byFence.keySet());
    fences.sort(Comparator.comparing(Fence::deliveryId).thenComparingLong(Fence::claimVersion));
    Set<Fence> done =
        tx.sql(
            () ->
                switch (d.completeStyle()) {
                  case UPDATE_FROM_ARRAYS -> completeFromArrays(fences, now);
                  case LOCK_THEN_UPDATE -> completeLockingFirst(fences, now);
                });
    List<DeliveryClaim> lost = new ArrayList<>();
    byFence.forEach(
        (fence, claim) -> {
          if (!done.contains(fence)) {
            lost.add(claim);
          }
        });
    return List.copyOf(lost);
  }

  /** PostgreSQL: one fenced update joined to the batch's ids and versions, bound as two arrays. */
  private Set<Fence> completeFromArrays(List<Fence> fences, Instant now) throws SQLException {
    String[] ids = new String[fences.size()];
    Long[] versions = new Long[fences.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = fences.get(i).deliveryId();
      versions[i] = fences.get(i).claimVersion();
    }
    Set<Fence> done = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE tc_delivery d SET status = 'done', done_at = ?, owner = NULL,"
                + " lease_until = NULL"
                + " FROM unnest(?::varchar[], ?::bigint[]) AS c (delivery_id, claim_version)"
                + " WHERE d.delivery_id = c.delivery_id AND d.status = "
                + CLAIMED
                + " AND d.claim_version = c.claim_version"
                + " RETURNING d.delivery_id, d.claim_version")) {
      d.setInstant(ps, 1, now);
      ps.setArray(2, c.createArrayOf("varchar", ids));
      ps.setArray(3, c.createArrayOf("bigint", versions));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          done.add(new Fence(rs.getString(1), rs.getLong(2)));
        }
      }
    }
    return done;
  }

  /**
   * Elsewhere: lock the batch's claimed rows, keep those whose version matches, and update them by
   * id; the lock (SQLite: the write lock the unit of work holds) keeps them as they were read.
   */
  private Set<Fence> completeLockingFirst(List<Fence> fences, Instant now) throws SQLException {
    Set<Fence> done = new HashSet<>();
    for (int from = 0; from < fences.size(); from += COMPLETE_CHUNK) {
      List<Fence> chunk = fences.subList(from, Math.min(fences.size(), from + COMPLETE_CHUNK));
      Set<Fence> wanted = new HashSet<>(chunk);
      List<Fence> held = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT delivery_id, claim_version FROM tc_delivery WHERE status = "
                  + CLAIMED
                  + " AND delivery_id IN ("
                  + marks(chunk.size())
                  + ") ORDER BY delivery_id"
                  + d.forUpdate())) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(1 + i, chunk.get(i).deliveryId());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Fence row = new Fence(rs.getString(1), rs.getLong(2));
            if (wanted.contains(row)) {
              held.add(row);
            }
          }
        }
      }
      if (held.isEmpty()) {
        continue;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE tc_delivery SET status = 'done', done_at = ?"
                  + CLEAR_CLAIM
                  + " WHERE status = "
                  + CLAIMED
                  + " AND delivery_id IN ("
                  + marks(held.size())
                  + ")")) {
        d.setInstant(ps, 1, now);
        for (int i = 0; i < held.size(); i++) {
          ps.setString(2 + i, held.get(i).deliveryId());
        }
        int updated = ps.executeUpdate();
        if (updated != held.size()) {
          // Cannot happen while the rows are locked; roll back rather than report a wrong batch.
          throw new StorageException(
              "completed " + updated + " of " + held.size() + " locked deliveries", true, null);
        }
      }
      done.addAll(held);
    }
    return done;
  }

  /** A claim's fence as stored: the delivery id's text and the claim version. */
  private record Fence(String deliveryId, long claimVersion) {
    static Fence of(DeliveryClaim claim) {
      return new Fence(claim.deliveryId().toString(), claim.claimVersion());
    }
  }

  @Override
  public boolean retryLater(DeliveryClaim claim, Instant availableAt, String error) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(availableAt, "availableAt");
    Objects.requireNonNull(error, "error");
    return fenced(
        "UPDATE tc_delivery SET status = 'pending', available_at = ?, last_error = ?"
            + CLEAR_CLAIM
            + FENCE,
        claim,
        availableAt,
        error);
  }

  @Override
  public boolean deadLetter(DeliveryClaim claim, Instant now, String error) {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(error, "error");
    return fenced(
        "UPDATE tc_delivery SET status = 'dead', dead_at = ?, last_error = ?" + CLEAR_CLAIM + FENCE,
        claim,
        now,
        error);
  }

  /** Runs an update whose parameters are (instant, [error,] delivery id, claim version). */
  private boolean fenced(String sql, DeliveryClaim claim, Instant at, @Nullable String error) {
    return tx.sql(
        () -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            d.setInstant(ps, i++, at);
            if (error != null) {
              ps.setString(i++, cut(error));
            }
            ps.setString(i++, claim.deliveryId().toString());
            ps.setLong(i, claim.claimVersion());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public int release(String owner, Instant now) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(now, "now");
    return tx.sql(
        () -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE tc_delivery SET status = 'pending', available_at = ?,"
                      + " attempt = attempt - 1"
                      + CLEAR_CLAIM
                      + " WHERE status = "
                      + CLAIMED
                      + " AND owner = ?")) {
            d.setInstant(ps, 1, now);
            ps.setString(2, owner);
            int released = ps.executeUpdate();
            if (released > 0) {
              tx.deliveriesMadeDue();
            }
            return released;
          }
        });
  }

  @Override
  public List<DeadLetter> deadLetters(int limit) {
    requireLimit(limit);
    return tx.sql(
        () -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.delivery_id, d.hook, d.attempt, d.last_error, d.dead_at,"
                      + " o.id AS event_id, o.type AS event_type,"
                      + " o.aggregate_id AS event_aggregate, o.payload AS event_payload,"
                      + " o.created_at AS event_created_at"
                      + " FROM tc_delivery d JOIN tc_outbox o ON o.id = d.event_id"
                      + " WHERE d.status = 'dead' ORDER BY d.dead_at, d.seq_no LIMIT "
                      + limit)) {
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                letters.add(
                    new DeadLetter(
                        UUID.fromString(rs.getString("delivery_id")),
                        rs.getString("hook"),
                        rs.getInt("attempt"),
                        Objects.requireNonNullElse(rs.getString("last_error"), ""),
                        d.getInstant(rs, "dead_at"),
                        event(rs)));
              }
            }
            return List.copyOf(letters);
          }
        });
  }

  @Override
  public boolean replay(UUID deliveryId, Instant now) {
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(now, "now");
    return tx.sql(
        () -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE tc_delivery SET status = 'pending', available_at = ?, attempt = 0,"
                      + " dead_at = NULL WHERE delivery_id = ? AND status = 'dead'")) {
            d.setInstant(ps, 1, now);
            ps.setString(2, deliveryId.toString());
            boolean replayed = ps.executeUpdate() == 1;
            if (replayed) {
              tx.deliveriesMadeDue();
            }
            return replayed;
          }
        });
  }

  @Override
  public int pruneDone(Instant doneBefore, int limit) {
    Objects.requireNonNull(doneBefore, "doneBefore");
    requireLimit(limit);
    return tx.sql(
        () -> {
          // Pick the victims first, skipping rows another sweep holds, then delete them by key:
          // a bounded batch on every database (MySQL has no LIMIT in a DELETE with a subquery).
          List<Long> victims = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq_no FROM tc_delivery WHERE status = 'done' AND done_at < ?"
                      + " ORDER BY done_at, seq_no LIMIT "
                      + limit
                      + d.forUpdateSkipLocked())) {
            d.setInstant(ps, 1, doneBefore);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                victims.add(rs.getLong(1));
              }
            }
          }
          if (victims.isEmpty()) {
            return 0;
          }
          int deleted = 0;
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM tc_delivery WHERE seq_no = ? AND status = 'done'")) {
            for (long seqNo : victims) {
              ps.setLong(1, seqNo);
              ps.addBatch();
            }
            for (int n : ps.executeBatch()) {
              deleted += n == Statement.SUCCESS_NO_INFO ? 1 : n;
            }
          }
          return deleted;
        });
  }

  @Override
  public DeliveryBacklog backlog(Instant now) {
    Objects.requireNonNull(now, "now");
    return tx.sql(
        () -> {
          long pending;
          Optional<Instant> oldest = Optional.empty();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM tc_delivery"
                          + " WHERE status IN ("
                          + PENDING
                          + ", "
                          + CLAIMED
                          + ")");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            pending = rs.getLong("n");
            if (pending > 0) {
              oldest = Optional.of(d.getInstant(rs, "oldest"));
            }
          }
          long dead;
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT COUNT(*) FROM tc_delivery WHERE status = 'dead'");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            dead = rs.getLong(1);
          }
          return new DeliveryBacklog(pending, oldest, dead);
        });
  }

  /** The error cut to {@link #MAX_ERROR} characters, never between the halves of a surrogate. */
  static String cut(String error) {
    if (error.length() <= MAX_ERROR) {
      return error;
    }
    int end = Character.isHighSurrogate(error.charAt(MAX_ERROR - 1)) ? MAX_ERROR - 1 : MAX_ERROR;
    return error.substring(0, end);
  }

  private static String marks(int n) {
    return String.join(", ", Collections.nCopies(n, "?"));
  }

  private static void requireLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
    }
  }
}

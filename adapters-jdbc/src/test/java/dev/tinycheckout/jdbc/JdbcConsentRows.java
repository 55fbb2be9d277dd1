package dev.tinycheckout.jdbc;

import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.testkit.ConsentTamperContract;
import dev.tinycheckout.testkit.ConsentTamperContract.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Raw SQL on the consent tables, the way anyone with write access to the database reaches them
 * behind tinycheckout's back: the tamper tests' tool, and how tests empty the trail. Each operation
 * runs in its own transaction with the append-only guard out of the way, as a database owner can
 * put it:
 *
 * <ul>
 *   <li>PostgreSQL: {@code SET LOCAL session_replication_role = replica}, which a superuser may set
 *       and which keeps ordinary triggers from firing (so the trigger is no defence against a
 *       superuser; checkpoints kept elsewhere are);
 *   <li>MySQL/MariaDB and SQLite: drop the triggers, change the rows, create the triggers again
 *       from the migration's own text (SQLite in one transaction; MySQL's DDL commits at once);
 *   <li>H2: nothing to get out of the way.
 * </ul>
 */
final class JdbcConsentRows implements ConsentTamperContract.Tamperer {
  private static final String MIGRATION = "V4__tinycheckout_consent_chain.sql";

  private final TestDatabase database;
  private final DataSource dataSource;
  private final JdbcDialect dialect;

  JdbcConsentRows(TestDatabase database, DataSource dataSource) {
    this.database = database;
    this.dataSource = dataSource;
    this.dialect = JdbcStorage.create(dataSource).dialect();
  }

  /** On the database's shared, migrated pool. */
  static JdbcConsentRows of(TestDatabase database) {
    return new JdbcConsentRows(database, database.dataSource());
  }

  // ---- ConsentTamperContract.Tamperer: raw SQL, one statement each where one does ---------------

  private void insert(Connection c, ConsentEntry entry) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tc_consent_entry (sequence_no, subject_id, action, purpose,"
                + " terms_version, terms_hash, channel, order_id, recorded_at,"
                + " sealed_personal_data, previous_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, entry.sequence());
      ps.setString(2, entry.subjectId().value());
      ps.setString(3, entry.action().name());
      ps.setString(4, entry.purpose().name());
      ps.setString(5, entry.termsVersion());
      ps.setString(6, entry.termsHash().hex());
      ps.setString(7, entry.channel());
      ps.setString(8, entry.orderId().toString());
      dialect().setInstant(ps, 9, entry.recordedAt());
      ps.setString(10, entry.sealedPersonalData());
      ps.setString(11, entry.previousHash().hex());
      ps.setString(12, entry.hash().hex());
      ps.executeUpdate();
    }
  }

  /**
   * Exchanges the contents of two rows, sequence numbers staying where they are (so row {@code a}
   * holds what {@code b} held, hashes included, and back): by renumbering the two rows.
   */
  @Override
  public void swap(long a, long b) {
    guarded(
        c -> {
          long parked = -1 - Math.max(a, b); // a number no row has
          renumber(c, a, parked);
          renumber(c, b, a);
          renumber(c, parked, b);
        });
  }

  private static void renumber(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE tc_consent_entry SET sequence_no = ? WHERE sequence_no = ?")) {
      ps.setLong(1, to);
      ps.setLong(2, from);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no consent row " + from);
      }
    }
  }

  /** Deletes one entry. */
  @Override
  public void delete(long sequence) {
    change("DELETE FROM tc_consent_entry WHERE sequence_no = ?", ps -> ps.setLong(1, sequence), 1);
  }

  /** Deletes every entry from a sequence number on, leaving the head row as it is. */
  int deleteFrom(long sequence) {
    return change(
        "DELETE FROM tc_consent_entry WHERE sequence_no >= ?", ps -> ps.setLong(1, sequence), -1);
  }

  @Override
  public void editField(long sequence, Field field, String newValue) {
    String column =
        switch (field) {
          case SUBJECT_ID -> "subject_id";
          case ACTION -> "action";
          case PURPOSE -> "purpose";
          case TERMS_VERSION -> "terms_version";
          case TERMS_HASH -> "terms_hash";
          case CHANNEL -> "channel";
          case ORDER_ID -> "order_id";
          case RECORDED_AT -> "recorded_at";
          case SEALED_PERSONAL_DATA -> "sealed_personal_data";
          case PREVIOUS_HASH -> "previous_hash";
          case HASH -> "hash";
        };
    change(
        "UPDATE tc_consent_entry SET " + column + " = ? WHERE sequence_no = ?",
        ps -> {
          if (field == Field.RECORDED_AT) {
            dialect().setInstant(ps, 1, Instant.parse(newValue));
          } else {
            ps.setString(1, newValue);
          }
          ps.setLong(2, sequence);
        },
        1);
  }

  @Override
  public void truncate(long toSequence) {
    deleteFrom(toSequence + 1);
    if (toSequence == 0) {
      setHead(ConsentHead.EMPTY);
      return;
    }
    guarded(
        c -> {
          // The head points at the kept entry's stored hash, as the append would have left it.
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE tc_consent_chain_head SET last_sequence = ?, last_hash ="
                      + " (SELECT hash FROM tc_consent_entry WHERE sequence_no = ?) WHERE id = 1")) {
            ps.setLong(1, toSequence);
            ps.setLong(2, toSequence);
            if (ps.executeUpdate() != 1) {
              throw new IllegalStateException("no head row");
            }
          }
        });
  }

  @Override
  public void forgeSequence(long from, long to) {
    guarded(c -> renumber(c, from, to));
  }

  @Override
  public void insertForged(ConsentEntry entry) {
    Objects.requireNonNull(entry, "entry");
    guarded(c -> insert(c, entry)); // a number in use fails on the primary key
  }

  // ---- more raw access
  // ----------------------------------------------------------------------------

  /** Overwrites the head row, as someone covering a removed tail would. */
  void setHead(ConsentHead head) {
    change(
        "UPDATE tc_consent_chain_head SET last_sequence = ?, last_hash = ? WHERE id = 1",
        ps -> {
          ps.setLong(1, head.sequence());
          ps.setString(2, head.hash().hex());
        },
        1);
  }

  /**
   * Empties the trail, the staging area and the subject keys, and resets the head: a fresh
   * database's state.
   */
  void empty() {
    guarded(
        c -> {
          try (Statement s = c.createStatement()) {
            // The head first, as a chaining pass takes it: a pass still running from the test
            // before finishes before the rows go, instead of deadlocking with this.
            s.execute(
                "UPDATE tc_consent_chain_head SET last_sequence = 0, last_hash = '"
                    + ConsentHash.ZERO.hex()
                    + "' WHERE id = 1");
            s.execute("DELETE FROM tc_consent_staged");
            s.execute(
                switch (database) {
                  case POSTGRES, POSTGRES_LOCAL -> "TRUNCATE tc_consent_entry";
                  default -> "DELETE FROM tc_consent_entry";
                });
            s.execute("DELETE FROM tc_consent_subject_key");
          }
        });
  }

  /** A statement on its own, guard out of the way; checks the row count unless it is -1. */
  private int change(String sql, Binder binder, int expectedRows) {
    int[] rows = new int[1];
    guarded(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            rows[0] = ps.executeUpdate();
          }
        });
    if (expectedRows >= 0 && rows[0] != expectedRows) {
      throw new IllegalStateException(sql + " changed " + rows[0] + " rows, not " + expectedRows);
    }
    return rows[0];
  }

  private JdbcDialect dialect() {
    return dialect;
  }

  /** Runs raw work in one transaction with the append-only triggers out of the way. */
  private void guarded(Work work) {
    try (Connection c = dataSource.getConnection()) {
      switch (database) {
        case POSTGRES, POSTGRES_LOCAL -> {
          c.setAutoCommit(false);
          try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL session_replication_role = replica");
            work.run(c);
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        }
        case SQLITE -> {
          if (!c.getAutoCommit()) {
            c.setAutoCommit(true);
          }
          try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
              dropTriggers(s);
              work.run(c);
              createTriggers(s);
              s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
              s.execute("ROLLBACK");
              throw e;
            }
          }
        }
        case MARIADB -> {
          c.setAutoCommit(true);
          try (Statement s = c.createStatement()) {
            dropTriggers(s);
            try {
              work.run(c);
            } finally {
              createTriggers(s);
            }
          }
        }
        case H2 -> {
          c.setAutoCommit(true);
          work.run(c);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("raw consent SQL failed on " + database, e);
    }
  }

  private static void dropTriggers(Statement s) throws SQLException {
    s.execute("DROP TRIGGER IF EXISTS tc_consent_entry_no_update");
    s.execute("DROP TRIGGER IF EXISTS tc_consent_entry_no_delete");
  }

  private void createTriggers(Statement s) throws SQLException {
    for (String statement : triggerStatements(dialect())) {
      s.execute(statement);
    }
  }

  /** The {@code CREATE TRIGGER} statements of the dialect's consent migration, as it runs them. */
  static List<String> triggerStatements(JdbcDialect dialect) {
    return JdbcMigrator.statements(JdbcMigrator.read(dialect.migrationLocation() + "/" + MIGRATION))
        .stream()
        .filter(sql -> sql.startsWith("CREATE TRIGGER"))
        .toList();
  }

  @FunctionalInterface
  private interface Work {
    void run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }
}

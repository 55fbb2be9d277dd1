package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.tinycheckout.StorageException;
import dev.tinycheckout.consent.ChainBreak;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentChain;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.UnreadableConsentEntryException;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.UnitOfWork;
import dev.tinycheckout.testkit.ConsentTamperContract;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JDBC consent trail adds to {@code ConsentLogContract} and {@code ConsentTamperContract}
 * (which the {@code *Consent*ContractTest} classes run): one unbroken chain when units of work of
 * several appends race and roll back, the column types' whole range of instants to the microsecond,
 * the database's own append-only triggers, and an append onto a row written behind the head. Every
 * database; the optional ones skip themselves.
 */
class JdbcConsentLogTest {
  private static final Instant T0 = Instant.parse("2026-11-01T09:30:15.123456Z");
  private static final List<ConsentPurpose> PURPOSES = List.of(ConsentPurpose.values());
  private static final OrderId ORDER_A = order(10);
  private static final OrderId ORDER_B = order(11);

  private static OrderId order(long seed) {
    return OrderId.generate(Clock.fixed(T0, ZoneOffset.UTC), new SplittableRandom(seed));
  }

  private static SubjectId subject(int n) {
    return SubjectId.of(String.format("%064x", n));
  }

  private static String sealed(int n) {
    byte[] bytes = new byte[28 + n % 5];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (n * 31 + i);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static ConsentDraft draft(int n, OrderId order, Instant at) {
    return new ConsentDraft(
        subject(n % 7),
        n % 4 == 3 ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED,
        PURPOSES.get(n % PURPOSES.size()),
        "2026-11-01+v" + n % 3,
        n % 2 == 0 ? ConsentHash.ZERO : ConsentHash.sha256(("terms " + n).getBytes()),
        n % 5 == 0 ? ConsentEvidence.CHANNEL_WITHDRAWAL_FUNCTION : ConsentEvidence.CHANNEL_CHECKOUT,
        order,
        at,
        n % 6 == 0 ? "" : sealed(n));
  }

  private static List<ConsentEntry> readAll(JdbcStorage storage) {
    List<ConsentEntry> all = new ArrayList<>();
    long from = 1;
    while (true) {
      long start = from;
      List<ConsentEntry> page = storage.inTransaction(tx -> tx.consents().read(start, 500));
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      from = page.get(page.size() - 1).sequence() + 1;
    }
  }

  private static ConsentHead head(JdbcStorage storage) {
    return storage.inTransaction(tx -> tx.consents().head());
  }

  /** Runs a unit of work again while the database says a retry may succeed (SQLite busy...). */
  private static <T> T retrying(JdbcStorage storage, UnitOfWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storage.inTransaction(work);
      } catch (StorageException e) {
        if (!e.isRetryable() || attempt == 50) {
          throw e;
        }
      }
    }
  }

  private static final class Rollback extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rollback() {
      super("rolled back on purpose", null, false, false);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void appendsFromManyThreadsAndTwoInstancesMakeOneUnbrokenChain(TestDatabase db) throws Exception {
    JdbcStorage first = db.freshStorage();
    int threads = 8;
    int unitsPerThread = 200;
    Map<Long, ConsentEntry> committed = new ConcurrentHashMap<>();
    try (HikariDataSource otherPool = db.anotherPool()) {
      JdbcStorage second = JdbcStorage.create(otherPool);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        JdbcStorage storage = t % 2 == 0 ? first : second;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int u = 0; u < unitsPerThread; u++) {
                    int n = thread * unitsPerThread + u;
                    OrderId order = order(n);
                    try {
                      List<ConsentEntry> appended =
                          retrying(
                              storage,
                              tx -> {
                                List<ConsentEntry> mine = new ArrayList<>();
                                mine.add(
                                    tx.consents()
                                        .append(draft(n, order, T0.plus(n, ChronoUnit.MICROS))));
                                if (n % 3 == 0) {
                                  // Two purposes in one checkout: the second chains on the first.
                                  mine.add(
                                      tx.consents()
                                          .append(
                                              draft(n + 1, order, T0.plus(n, ChronoUnit.MICROS))));
                                }
                                if (n % 10 == 9) {
                                  throw new Rollback();
                                }
                                return mine;
                              });
                      appended.forEach(e -> committed.put(e.sequence(), e));
                    } catch (Rollback expected) {
                      // nothing of it may remain
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(10, TimeUnit.MINUTES);
      }
      pool.shutdown();
    }

    List<ConsentEntry> stored = readAll(first);
    ConsentHead head = first.inTransaction(tx -> tx.consents().head());
    ConsentVerification verification = ConsentChain.verify(stored, Optional.of(head));
    assertThat(verification.firstBreak()).isEmpty();
    assertThat(verification.valid()).isTrue();
    assertThat(stored).hasSize(committed.size()).hasSizeGreaterThan(1500);
    assertThat(verification.entries()).isEqualTo(committed.size());
    assertThat(head.sequence()).isEqualTo(committed.size());
    assertThat(stored).allMatch(ConsentEntry::isIntact);
    // What each append returned is exactly what is stored under its number.
    for (ConsentEntry e : stored) {
      assertThat(e).isEqualTo(committed.get(e.sequence()));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void entriesReadBackExactlyWithTheirMicroseconds(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    List<Instant> instants =
        List.of(
            T0,
            Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("1970-01-01T00:00:00.000001Z"),
            Instant.parse("2000-02-29T12:00:00.5Z"),
            Instant.parse("2038-01-19T03:14:08.000001Z"),
            Instant.parse("2026-03-29T01:30:00.654321Z"), // a DST change in Europe
            Instant.parse("1000-01-01T00:00:00Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("1582-10-10T12:00:00.000001Z"), // in the Julian/Gregorian gap
            Instant.parse("9999-12-31T23:59:59.999999Z"));
    List<ConsentEntry> appended = new ArrayList<>();
    for (int i = 0; i < instants.size(); i++) {
      int n = i;
      appended.add(
          storage.inTransaction(tx -> tx.consents().append(draft(n, ORDER_A, instants.get(n)))));
    }
    List<ConsentEntry> stored = readAll(storage);
    assertThat(stored).containsExactlyElementsOf(appended);
    assertThat(stored).extracting(ConsentEntry::recordedAt).containsExactlyElementsOf(instants);
    assertThat(stored).allMatch(ConsentEntry::isIntact);
  }

  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"POSTGRES", "POSTGRES_LOCAL", "MARIADB", "SQLITE"})
  void theDatabaseRefusesToUpdateOrDeleteAnEntry(TestDatabase db) throws SQLException {
    JdbcStorage storage = db.freshStorage();
    ConsentEntry entry = storage.inTransaction(tx -> tx.consents().append(draft(1, ORDER_A, T0)));
    List<String> refused = new ArrayList<>();
    refused.add("UPDATE tc_consent_entry SET action = 'WITHDRAWN' WHERE sequence_no = 1");
    refused.add("UPDATE tc_consent_entry SET sequence_no = 2");
    refused.add("DELETE FROM tc_consent_entry WHERE sequence_no = 1");
    refused.add("DELETE FROM tc_consent_entry");
    if (db == TestDatabase.POSTGRES || db == TestDatabase.POSTGRES_LOCAL) {
      refused.add("TRUNCATE tc_consent_entry");
      refused.add("TRUNCATE tc_consent_entry CASCADE");
    }
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String sql : refused) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("tc_consent_entry is append-only");
      }
      // The subject keys and the head are not append-only.
      s.execute("DELETE FROM tc_consent_subject_key");
    }
    assertThat(readAll(storage)).containsExactly(entry);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void anAppendOntoARowWrittenPastTheHeadFailsAndLeavesTheTrailAlone(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    ConsentEntry one = storage.inTransaction(tx -> tx.consents().append(draft(1, ORDER_A, T0)));
    // Someone writes entry 2 behind the store's back without moving the head.
    ConsentEntry forged = ConsentEntry.chain(draft(2, ORDER_B, T0), 2, one.hash());
    JdbcConsentRows.of(db).insertForged(forged);

    assertThatThrownBy(
            () -> storage.inTransaction(tx -> tx.consents().append(draft(3, ORDER_A, T0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("consent entry 2 exists already");
    assertThat(head(storage)).isEqualTo(one.asHead());
    assertThat(readAll(storage)).containsExactly(one, forged);
  }

  /**
   * The point of staging: a transaction that stages does not wait for one that holds the head lock
   * (as a chaining or appending transaction does until it commits). SQLite has one writer at a time
   * whatever the tables, so it is left out.
   */
  @ParameterizedTest
  @EnumSource(
      value = TestDatabase.class,
      names = {"H2", "POSTGRES", "POSTGRES_LOCAL", "MARIADB"})
  void stagingDoesNotWaitForATransactionThatHoldsTheHeadLock(TestDatabase db) throws Exception {
    JdbcStorage storage = db.freshStorage();
    CountDownLatch headLocked = new CountDownLatch(1);
    CountDownLatch staged = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Boolean> holder =
          pool.submit(
              () ->
                  storage.inTransaction(
                      tx -> {
                        tx.consents().append(draft(1, ORDER_A, T0));
                        headLocked.countDown();
                        try {
                          // Holds the head lock until the stage below has committed, or gives up.
                          return staged.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return false;
                        }
                      }));
      assertThat(headLocked.await(60, TimeUnit.SECONDS)).isTrue();
      Future<?> stager =
          pool.submit(
              () -> {
                storage.inTransaction(
                    tx -> {
                      tx.consents().stage(draft(2, ORDER_B, T0));
                      return Boolean.TRUE;
                    });
                staged.countDown();
              });
      stager.get(90, TimeUnit.SECONDS);
      assertThat(holder.get(90, TimeUnit.SECONDS))
          .as("the stage committed while the head lock was held")
          .isTrue();
    } finally {
      pool.shutdownNow();
    }

    List<ConsentEntry> chained = storage.inTransaction(tx -> tx.consents().chainStaged(100));
    assertThat(chained).extracting(ConsentEntry::sequence).containsExactly(2L);
    assertThat(readAll(storage))
        .extracting(ConsentEntry::orderId)
        .containsExactly(ORDER_A, ORDER_B);
    assertThat(ConsentChain.verify(readAll(storage), Optional.of(head(storage))).valid()).isTrue();
  }

  /** A staged row changed into something that is no draft stops chaining, and says which row. */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aStagedRowThatIsNoLongerADraftStopsChainingAndNamesTheRow(TestDatabase db)
      throws SQLException {
    JdbcStorage storage = db.freshStorage();
    storage.inTransaction(
        tx -> {
          tx.consents().stage(draft(1, ORDER_A, T0));
          return Boolean.TRUE;
        });
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      s.execute("UPDATE tc_consent_staged SET purpose = 'NOT_A_PURPOSE'");
    }

    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().chainStaged(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("staged consent draft")
        .hasMessageContaining("changed outside tinycheckout");
    assertThat(head(storage)).isEqualTo(ConsentHead.EMPTY);
  }

  /**
   * A row edited into something no entry holds cannot be read as an entry; verification still
   * answers "invalid at that entry, edited" instead of failing, and the reads name the entry.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRowEditedIntoNoEntryAtAllIsReportedAsEditedAtItsSequence(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    for (int n = 1; n <= 3; n++) {
      int k = n;
      storage.inTransaction(tx -> tx.consents().append(draft(k, ORDER_A, T0)));
    }
    JdbcConsentRows rows = JdbcConsentRows.of(db);
    rows.editField(2, ConsentTamperContract.Field.PURPOSE, "NOT_A_PURPOSE");

    ConsentVerification verification =
        ConsentAudit.builder(storage).subjectSecret(new byte[32]).build().verify();

    assertThat(verification.valid()).isFalse();
    assertThat(verification.firstBreak()).isPresent();
    ChainBreak found = verification.firstBreak().orElseThrow();
    assertThat(found.sequence()).isEqualTo(2);
    assertThat(found.reason()).isEqualTo(ChainBreak.Reason.EDITED);
    assertThat(found.detail()).contains("NOT_A_PURPOSE");
    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.consents().findByOrder(ORDER_A)))
        .isInstanceOf(UnreadableConsentEntryException.class)
        .satisfies(e -> assertThat(((UnreadableConsentEntryException) e).sequence()).isEqualTo(2));

    // An earlier break is still the one reported.
    rows.editField(1, ConsentTamperContract.Field.CHANNEL, "edited");
    ChainBreak earlier =
        ConsentAudit.builder(storage)
            .subjectSecret(new byte[32])
            .build()
            .verify()
            .firstBreak()
            .orElseThrow();
    assertThat(earlier.sequence()).isEqualTo(1);
  }
}

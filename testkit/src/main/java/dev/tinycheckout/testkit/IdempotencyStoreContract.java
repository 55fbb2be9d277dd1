package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.StringArbitrary;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link IdempotencyStore}: records round-trip exactly (stored answers byte for
 * byte), one record per (scope, key) even under concurrent inserts, fenced compare-and-set replace
 * and delete, and bounded deletion of expired records that keeps unfinished checkouts which
 * reference an order.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcIdempotencyStoreContractTest extends IdempotencyStoreContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>Keys and scopes are compared exactly: {@code "k"}, {@code "K"} and {@code "k "} are three
 * keys, so a column with a case-insensitive or space-padding collation fails here. Instants are
 * compared exactly; the kit only stores instants of microsecond precision.
 */
public abstract class IdempotencyStoreContract {
  private static final IdempotencyKey KEY = IdempotencyKey.of("order-7f3a");
  private static final Instant LATER = T0.plusSeconds(5);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected IdempotencyStoreContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event or consent) and that no other test
   * uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheIdempotencyStoreContract() {
    storage = newStorage();
  }

  private boolean insert(IdempotencyRecord record) {
    return storage.inTransaction(tx -> tx.idempotency().insert(record));
  }

  private Optional<IdempotencyRecord> find(IdempotencyKey key) {
    return storage.inTransaction(tx -> tx.idempotency().find(key));
  }

  private boolean replace(IdempotencyRecord record, long expectedFence) {
    return storage.inTransaction(tx -> tx.idempotency().replace(record, expectedFence));
  }

  private boolean delete(IdempotencyKey key, long expectedFence) {
    return storage.inTransaction(tx -> tx.idempotency().delete(key, expectedFence));
  }

  private int deleteExpired(Instant now, int limit) {
    return storage.inTransaction(tx -> tx.idempotency().deleteExpired(now, limit));
  }

  private static IdempotencyRecord completed(IdempotencyKey key, long fence) {
    IdempotencyRecord claimed =
        IdempotencyRecord.claimed(
            key,
            Kit.fingerprint("completed"),
            fence,
            T0,
            T0.plusSeconds(30),
            T0.plus(Duration.ofHours(24)));
    return claimed
        .advancedTo("order-created", Kit.orderId(3).toString(), T0.plusSeconds(45))
        .completedWith("finished", Kit.response(201, "/orders/" + Kit.orderId(3)));
  }

  @Test
  void aCompletedRecordIsFoundExactlyAsInsertedWithItsStoredAnswerByteForByte() {
    IdempotencyRecord record = completed(KEY, 4);

    assertThat(insert(record)).isTrue();

    IdempotencyRecord found = find(KEY).orElseThrow();
    assertThat(found).isEqualTo(record);
    StoredResponse answer = found.response().orElseThrow();
    assertThat(answer.body())
        .containsExactly('{', '"', 0, (byte) 0xff, (byte) 0xc3, (byte) 0xa9, '\n', '}');
    assertThat(answer.headers().keySet())
        .as("header names keep their case")
        .containsExactly("Content-Type", "Location");
  }

  @Test
  void anInProgressRecordIsFoundWithoutAStoredAnswer() {
    IdempotencyRecord record = Kit.claim(KEY, "a", T0);

    insert(record);

    assertThat(find(KEY)).contains(record);
    assertThat(find(KEY).orElseThrow().response()).isEmpty();
  }

  @Test
  void anEmptyBodyIsStoredAsEmptyNotAsAbsent() {
    IdempotencyRecord record =
        Kit.claim(KEY, "a", T0)
            .completedWith("finished", new StoredResponse(204, Map.of(), new byte[0]));

    insert(record);

    assertThat(find(KEY)).contains(record);
  }

  @Test
  void findReturnsEmptyForAKeyThatWasNeverInserted() {
    insert(Kit.claim(KEY, "a", T0));

    assertThat(find(IdempotencyKey.of("another-key"))).isEmpty();
  }

  @Test
  void insertingAKeyThatHasARecordReturnsFalseAndChangesNothing() {
    IdempotencyRecord first = completed(KEY, 1);
    insert(first);

    boolean second = insert(Kit.claim(KEY, "b", LATER));

    assertThat(second).isFalse();
    assertThat(find(KEY)).contains(first);
  }

  @Test
  void theSameKeyInTwoScopesNamesTwoIndependentRecords() {
    IdempotencyKey unscoped = IdempotencyKey.of("k-1");
    IdempotencyKey clientA = IdempotencyKey.scoped("client-a", "k-1");
    IdempotencyKey clientB = IdempotencyKey.scoped("client-b", "k-1");

    assertThat(insert(Kit.claim(unscoped, "none", T0))).isTrue();
    assertThat(insert(Kit.claim(clientA, "a", T0))).isTrue();
    assertThat(insert(Kit.claim(clientB, "b", T0))).isTrue();
    assertThat(delete(clientA, 1)).isTrue();

    assertThat(find(clientA)).isEmpty();
    assertThat(find(clientB)).map(IdempotencyRecord::fingerprint).contains(Kit.fingerprint("b"));
    assertThat(find(unscoped))
        .map(IdempotencyRecord::fingerprint)
        .contains(Kit.fingerprint("none"));
  }

  @Test
  void keysAndScopesAreComparedExactlyIncludingCaseAndTrailingSpaces() {
    List<IdempotencyKey> keys =
        List.of(
            IdempotencyKey.of("k"),
            IdempotencyKey.of("K"),
            IdempotencyKey.of("k "),
            IdempotencyKey.of(" k"),
            IdempotencyKey.scoped("a", "k"),
            IdempotencyKey.scoped("A", "k"),
            IdempotencyKey.scoped("a ", "k"));

    for (int i = 0; i < keys.size(); i++) {
      assertThat(insert(Kit.claim(keys.get(i), "r" + i, T0))).as("insert %s", i).isTrue();
    }

    for (int i = 0; i < keys.size(); i++) {
      assertThat(find(keys.get(i)))
          .as("find %s", i)
          .map(IdempotencyRecord::fingerprint)
          .contains(Kit.fingerprint("r" + i));
    }
  }

  @Test
  void replaceWithTheCurrentFenceReplacesTheRecord() {
    IdempotencyRecord claimed = Kit.claim(KEY, "a", T0);
    insert(claimed);
    IdempotencyRecord done =
        claimed.completedWith("finished", Kit.response(402, "/problems/payment-declined"));

    assertThat(replace(done, 1)).isTrue();

    assertThat(find(KEY)).contains(done);
  }

  @Test
  void replaceWithAStaleFenceReturnsFalseAndChangesNothing() {
    IdempotencyRecord current = Kit.claim(KEY, "a", T0).takenOver(LATER.plusSeconds(30));
    insert(current);

    boolean replaced =
        replace(current.completedWith("finished", Kit.response(201, "/orders/x")), 1);

    assertThat(replaced).isFalse();
    assertThat(find(KEY)).contains(current);
  }

  @Test
  void aTakeoverRaisesTheFenceAndThenTheOldFenceIsRefused() {
    IdempotencyRecord first = Kit.claim(KEY, "a", T0);
    insert(first);
    IdempotencyRecord takenOver = first.takenOver(LATER.plusSeconds(30));

    assertThat(replace(takenOver, 1)).isTrue();
    boolean staleWriter = replace(first.advancedTo("order-created", "stale", T0), 1);
    boolean staleDelete = delete(KEY, 1);

    assertThat(staleWriter).isFalse();
    assertThat(staleDelete).isFalse();
    assertThat(find(KEY)).contains(takenOver);
    assertThat(takenOver.fence()).isEqualTo(2);
  }

  @Test
  void replaceOfAKeyWithoutARecordReturnsFalseAndInsertsNothing() {
    assertThat(replace(Kit.claim(KEY, "a", T0), 1)).isFalse();
    assertThat(find(KEY)).isEmpty();
  }

  @Test
  void deleteWithTheCurrentFenceRemovesTheRecordSoTheKeyIsFreshAgain() {
    insert(Kit.claim(KEY, "a", T0));

    assertThat(delete(KEY, 1)).isTrue();

    assertThat(find(KEY)).isEmpty();
    IdempotencyRecord again = Kit.claim(KEY, "b", LATER);
    assertThat(insert(again)).isTrue();
    assertThat(find(KEY)).contains(again);
  }

  @Test
  void deleteWithAStaleFenceReturnsFalseAndKeepsTheRecord() {
    IdempotencyRecord current = Kit.claim(KEY, "a", T0).takenOver(LATER);
    insert(current);

    assertThat(delete(KEY, 1)).isFalse();
    assertThat(delete(KEY, 3)).isFalse();
    assertThat(find(KEY)).contains(current);
  }

  @Test
  void deleteOfAKeyWithoutARecordReturnsFalse() {
    insert(Kit.claim(IdempotencyKey.of("other"), "a", T0));

    assertThat(delete(KEY, 1)).isFalse();
  }

  @Test
  void deleteExpiredDeletesRecordsThatExpireAtOrBeforeNowAndKeepsLaterOnes() {
    Instant now = T0.plus(Duration.ofHours(24));
    IdempotencyRecord expiredLongAgo = expiringAt("long-ago", T0.plusSeconds(60), false);
    IdempotencyRecord expiredJustNow = expiringAt("just-now", now, true);
    IdempotencyRecord expiresSoon = expiringAt("soon", now.plusNanos(1000), true);
    IdempotencyRecord inProgressLater = expiringAt("later", now.plusSeconds(3600), false);
    for (IdempotencyRecord r :
        List.of(expiredLongAgo, expiredJustNow, expiresSoon, inProgressLater)) {
      insert(r);
    }

    int deleted = deleteExpired(now, 100);

    assertThat(deleted).isEqualTo(2);
    assertThat(find(expiredLongAgo.key())).isEmpty();
    assertThat(find(expiredJustNow.key())).isEmpty();
    assertThat(find(expiresSoon.key())).contains(expiresSoon);
    assertThat(find(inProgressLater.key())).contains(inProgressLater);
  }

  @Test
  void deleteExpiredKeepsAnExpiredCheckoutThatIsStillInProgressWithAReference() {
    Instant now = T0.plus(Duration.ofDays(2));
    IdempotencyRecord awaitingPayment =
        expiringAt("awaiting-payment", T0.plusSeconds(60), false)
            .advancedTo("order-created", Kit.orderId(9).toString(), T0.plusSeconds(30));
    IdempotencyRecord completedWithReference =
        expiringAt("completed", T0.plusSeconds(60), false)
            .advancedTo("order-created", Kit.orderId(10).toString(), T0.plusSeconds(30))
            .completedWith("finished", Kit.response(201, "/orders/" + Kit.orderId(10)));
    insert(awaitingPayment);
    insert(completedWithReference);

    int deleted = deleteExpired(now, 100);

    assertThat(deleted).isEqualTo(1);
    assertThat(find(awaitingPayment.key()))
        .as("the only link from a retry to a charge that may have happened")
        .contains(awaitingPayment);
    assertThat(find(completedWithReference.key())).isEmpty();
  }

  @Test
  void deleteExpiredDeletesAtMostLimitRecordsPerCall() {
    Instant now = T0.plus(Duration.ofDays(2));
    for (int i = 0; i < 5; i++) {
      insert(expiringAt("expired-" + i, T0.plusSeconds(i), i % 2 == 0));
    }
    IdempotencyRecord live = expiringAt("live", now.plusSeconds(1), true);
    insert(live);

    int first = deleteExpired(now, 2);
    int second = deleteExpired(now, 2);
    int third = deleteExpired(now, 2);
    int fourth = deleteExpired(now, 2);

    assertThat(List.of(first, second, third, fourth)).containsExactly(2, 2, 1, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(find(IdempotencyKey.of("expired-" + i))).isEmpty();
    }
    assertThat(find(live.key())).contains(live);
  }

  @Test
  void deleteExpiredRejectsALimitBelowOne() {
    IdempotencyRecord expired = expiringAt("expired", T0.plusSeconds(1), true);
    insert(expired);
    Instant now = T0.plus(Duration.ofDays(2));

    assertThatThrownBy(() -> deleteExpired(now, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> deleteExpired(now, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(find(expired.key())).contains(expired);
  }

  /** A record created just before {@code T0}, so that any expiry from {@code T0} on is valid. */
  private static IdempotencyRecord expiringAt(String key, Instant expiresAt, boolean completed) {
    Instant created = T0.minusSeconds(1);
    IdempotencyRecord r =
        IdempotencyRecord.claimed(
            IdempotencyKey.of(key),
            Kit.fingerprint(key),
            1,
            created,
            created.plusSeconds(30),
            expiresAt);
    return completed ? r.completedWith("finished", Kit.response(201, "/orders/" + key)) : r;
  }

  @Test
  void ofManyConcurrentInsertsOfOneKeyEachInItsOwnUnitOfWorkExactlyOneWins() {
    int writers = 32;

    List<Boolean> inserted =
        Kit.values(
            Kit.race(
                writers,
                writers,
                i ->
                    Kit.inTransactionRetrying(
                        storage, tx -> tx.idempotency().insert(Kit.claim(KEY, "w" + i, T0)))));

    assertThat(inserted).filteredOn(b -> b).hasSize(1);
    int winner = inserted.indexOf(true);
    assertThat(find(KEY)).contains(Kit.claim(KEY, "w" + winner, T0));
  }

  @Test
  void concurrentFencedTakeoversNeverLoseAnUpdate() {
    insert(Kit.claim(KEY, "a", T0));
    int writers = 16;

    List<Boolean> replaced =
        Kit.values(
            Kit.race(
                writers,
                writers,
                i ->
                    Kit.inTransactionRetrying(
                        storage,
                        tx -> {
                          IdempotencyRecord current = tx.idempotency().find(KEY).orElseThrow();
                          return tx.idempotency()
                              .replace(current.takenOver(LATER.plusSeconds(i)), current.fence());
                        })));

    long successes = replaced.stream().filter(b -> b).count();
    assertThat(successes).isPositive();
    assertThat(find(KEY).orElseThrow().fence())
        .as("the fence counts every successful takeover")
        .isEqualTo(1 + successes);
  }

  /**
   * The law of round-trips: any valid record, whatever its key, scope, fence, instants, recovery
   * point, reference and stored answer (status, headers, body bytes), is found exactly as it was
   * inserted, header names in their case.
   *
   * @param record a generated record
   */
  @Property(tries = 50)
  void everyRecordIsFoundExactlyAsItWasInserted(@ForAll("records") IdempotencyRecord record) {
    CheckoutStorage fresh = newStorage();

    boolean inserted = fresh.inTransaction(tx -> tx.idempotency().insert(record));
    Optional<IdempotencyRecord> found =
        fresh.inTransaction(tx -> tx.idempotency().find(record.key()));

    assertThat(inserted).isTrue();
    assertThat(found).contains(record);
    assertThat(found.orElseThrow().response().map(r -> List.copyOf(r.headers().keySet())))
        .isEqualTo(record.response().map(r -> List.copyOf(r.headers().keySet())));
  }

  @Provide
  Arbitrary<IdempotencyRecord> records() {
    StringArbitrary printable = Arbitraries.strings().withCharRange(' ', '~');
    Arbitrary<IdempotencyKey> keys =
        Combinators.combine(printable.ofMaxLength(255), printable.ofMinLength(1).ofMaxLength(255))
            .as(IdempotencyKey::new);
    Arbitrary<Instant> instants =
        Arbitraries.longs()
            .between(0, 4_000_000_000_000_000L)
            .map(micros -> Instant.EPOCH.plusNanos(micros * 1000));
    Arbitrary<String> points =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('0', '5', '-')
            .ofMinLength(0)
            .ofMaxLength(31)
            .map(s -> "p" + s);
    Arbitrary<Map<String, String>> headers =
        Arbitraries.maps(
                Arbitraries.strings()
                    .withCharRange('!', '~')
                    .excludeChars(':')
                    .ofMinLength(1)
                    .ofMaxLength(20),
                printable.ofMaxLength(100))
            .ofMaxSize(4)
            .filter(IdempotencyStoreContract::namesDistinctIgnoringCase);
    Arbitrary<Optional<StoredResponse>> responses =
        Combinators.combine(
                Arbitraries.integers().between(100, 599),
                headers,
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2048))
            .as(StoredResponse::new)
            .optional(0.7);
    return Combinators.combine(
            keys,
            Arbitraries.strings().numeric().ofLength(8),
            Arbitraries.longs().between(1, Long.MAX_VALUE),
            instants,
            Arbitraries.longs().between(0, 100_000_000_000L),
            points,
            printable.ofMaxLength(255),
            responses)
        .as(
            (key, request, fence, created, lifeMicros, point, reference, response) ->
                new IdempotencyRecord(
                    key,
                    Kit.fingerprint(request),
                    fence,
                    created,
                    created.plusNanos(lifeMicros / 2 * 1000),
                    created.plusNanos(lifeMicros * 1000),
                    point,
                    reference,
                    response));
  }

  private static boolean namesDistinctIgnoringCase(Map<String, String> headers) {
    Map<String, String> folded = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    folded.putAll(headers);
    return folded.size() == headers.size();
  }
}

package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link DeliveryStore}: deliveries are claimed only when due, at most {@code
 * limit} per call, earliest {@code availableAt} first and then in enqueue order, with a lease that
 * another dispatcher may take over once it runs out; completing, retrying and dead-lettering are
 * fenced on the claim version; an ordering key holds back later deliveries of the same hook until
 * the earlier one is done or dead; released and replayed deliveries come back pending; done rows
 * are pruned in bounded batches; concurrent claimers never claim one delivery twice while its lease
 * runs.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcDeliveryStoreContractTest extends DeliveryStoreContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>Every delivery's event is enqueued in the {@link dev.tinycheckout.fulfilment.Outbox} first, in
 * the same unit of work, as the write path does. Instants are compared exactly; the kit only stores
 * instants of microsecond precision. Each event is created at the {@code availableAt} of its
 * delivery, so "enqueue time" means the same whether a store takes it from the event or from the
 * delivery.
 */
public abstract class DeliveryStoreContract {
  private static final String SHIPPING = "shipping";
  private static final String EMAIL = "email";
  private static final Duration LEASE = Duration.ofSeconds(30);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  private int sequence;

  /** For subclasses. */
  protected DeliveryStoreContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event, delivery or consent) and that no
   * other test uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheDeliveryStoreContract() {
    storage = newStorage();
    sequence = 0;
  }

  // ---- fixtures ---------------------------------------------------------------------------------

  /**
   * Delivery number {@code n} of the test, with its event. Ids fall as {@code n} grows, so enqueue
   * order is never id order.
   */
  private PendingDelivery next(String hook, @Nullable String orderingKey, Instant availableAt) {
    int n = ++sequence;
    return new PendingDelivery(
        new UUID(0x6fff_ffffL - n, 0x8000_0000_0000_0000L | n),
        eventId(n),
        hook,
        Optional.ofNullable(orderingKey),
        availableAt);
  }

  private static UUID eventId(int n) {
    return new UUID(0x7fff_ffffL - n, 0x8000_0000_0000_0000L | n);
  }

  private static OutboxEvent eventOf(PendingDelivery d) {
    return new OutboxEvent(
        d.eventId(),
        OutboxEvent.ORDER_PLACED,
        d.orderingKey().orElse("order-none"),
        "{\"delivery\":\"" + d.deliveryId() + "\",\"note\":\"caf\u00e9\"}",
        d.availableAt());
  }

  /** Enqueues the deliveries, each with its own event, in one unit of work. */
  private static void enqueue(CheckoutStorage storage, List<PendingDelivery> deliveries) {
    storage.inTransaction(
        tx -> {
          for (PendingDelivery d : deliveries) {
            tx.outbox().enqueue(eventOf(d));
            tx.deliveries().enqueue(d);
          }
          return deliveries.size();
        });
  }

  private PendingDelivery enqueue(String hook, @Nullable String orderingKey, Instant availableAt) {
    PendingDelivery d = next(hook, orderingKey, availableAt);
    enqueue(storage, List.of(d));
    return d;
  }

  private PendingDelivery enqueue(Instant availableAt) {
    return enqueue(SHIPPING, null, availableAt);
  }

  private List<DeliveryClaim> claim(String owner, Instant now, int limit) {
    return storage.inTransaction(tx -> tx.deliveries().claim(owner, now, LEASE, limit));
  }

  private DeliveryClaim claimOne(String owner, Instant now) {
    List<DeliveryClaim> claims = claim(owner, now, 10);
    assertThat(claims).as("claims at %s", now).hasSize(1);
    return claims.get(0);
  }

  private boolean complete(DeliveryClaim claim, Instant now) {
    return storage.inTransaction(tx -> tx.deliveries().complete(claim, now));
  }

  private List<DeliveryClaim> completeAll(List<DeliveryClaim> claims, Instant now) {
    return storage.inTransaction(tx -> tx.deliveries().completeAll(claims, now));
  }

  private boolean retryLater(DeliveryClaim claim, Instant availableAt, String error) {
    return storage.inTransaction(tx -> tx.deliveries().retryLater(claim, availableAt, error));
  }

  private boolean deadLetter(DeliveryClaim claim, Instant now, String error) {
    return storage.inTransaction(tx -> tx.deliveries().deadLetter(claim, now, error));
  }

  private List<DeadLetter> deadLetters(int limit) {
    return storage.inTransaction(tx -> tx.deliveries().deadLetters(limit));
  }

  private boolean replay(UUID deliveryId, Instant now) {
    return storage.inTransaction(tx -> tx.deliveries().replay(deliveryId, now));
  }

  private DeliveryBacklog backlog(Instant now) {
    return storage.inTransaction(tx -> tx.deliveries().backlog(now));
  }

  private static List<UUID> ids(List<DeliveryClaim> claims) {
    return claims.stream().map(DeliveryClaim::deliveryId).toList();
  }

  // ---- enqueue and claim ------------------------------------------------------------------------

  @Test
  void anEnqueuedDeliveryIsClaimedWithItsEventAttemptOneVersionOneTheOwnerAndTheLease() {
    PendingDelivery d = enqueue(EMAIL, "order-1", T0);

    List<DeliveryClaim> claims = claim("worker-a", T0.plusSeconds(1), 10);

    assertThat(claims)
        .containsExactly(
            new DeliveryClaim(
                d.deliveryId(),
                EMAIL,
                1,
                1,
                "worker-a",
                T0.plusSeconds(1).plus(LEASE),
                eventOf(d)));
  }

  @Test
  void aDeliveryIsNotClaimedBeforeItsAvailableAt() {
    enqueue(T0.plusSeconds(10));

    assertThat(claim("worker-a", T0.plusSeconds(10).minusNanos(1_000), 10)).isEmpty();
  }

  @Test
  void aDeliveryIsClaimableExactlyAtItsAvailableAt() {
    PendingDelivery d = enqueue(T0.plusSeconds(10));

    assertThat(ids(claim("worker-a", T0.plusSeconds(10), 10))).containsExactly(d.deliveryId());
  }

  @Test
  void aClaimNeverReturnsMoreThanTheLimitAndTheRestStayClaimable() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);

    List<DeliveryClaim> first = claim("worker-a", T0, 3);
    List<DeliveryClaim> second = claim("worker-b", T0, 3);
    List<DeliveryClaim> third = claim("worker-c", T0, 3);

    assertThat(first).hasSize(3);
    assertThat(second).hasSize(3);
    assertThat(third).hasSize(1);
    Set<UUID> claimed = new HashSet<>(ids(first));
    claimed.addAll(ids(second));
    claimed.addAll(ids(third));
    assertThat(claimed).hasSize(7);
  }

  @Test
  void dueDeliveriesAreClaimedEarliestAvailableAtFirstThenInEnqueueOrder() {
    PendingDelivery late = next(SHIPPING, null, T0.plusSeconds(2));
    PendingDelivery early1 = next(EMAIL, null, T0);
    PendingDelivery middle = next(SHIPPING, null, T0.plusSeconds(1));
    PendingDelivery early2 = next(SHIPPING, null, T0);
    PendingDelivery notYet = next(SHIPPING, null, T0.plusSeconds(9));
    enqueue(storage, List.of(late, early1, middle));
    enqueue(storage, List.of(early2, notYet));

    List<DeliveryClaim> claims = claim("worker-a", T0.plusSeconds(5), 10);

    assertThat(ids(claims))
        .containsExactly(
            early1.deliveryId(), early2.deliveryId(), middle.deliveryId(), late.deliveryId());
  }

  @Test
  void aClaimedDeliveryIsNotClaimedAgainWhileItsLeaseRuns() {
    enqueue(T0);
    claimOne("worker-a", T0);

    assertThat(claim("worker-b", T0.plus(LEASE).minusNanos(1_000), 10)).isEmpty();
  }

  @Test
  void aDeliveryWhoseLeaseRanOutIsClaimedByAnotherOwnerWithTheNextAttemptAndAHigherVersion() {
    PendingDelivery d = enqueue(T0);
    DeliveryClaim first = claimOne("worker-a", T0);
    Instant expiry = first.leaseUntil();

    DeliveryClaim second = claimOne("worker-b", expiry);

    assertThat(second.deliveryId()).isEqualTo(d.deliveryId());
    assertThat(second.owner()).isEqualTo("worker-b");
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.claimVersion()).isGreaterThan(first.claimVersion());
    assertThat(second.leaseUntil()).isEqualTo(expiry.plus(LEASE));
    assertThat(second.event()).isEqualTo(first.event());
  }

  @Test
  void aClaimWhoseLeaseWasTakenOverCanNoLongerComplete() {
    enqueue(T0);
    DeliveryClaim stale = claimOne("worker-a", T0);
    DeliveryClaim current = claimOne("worker-b", stale.leaseUntil());

    assertThat(complete(stale, stale.leaseUntil().plusSeconds(1))).isFalse();
    assertThat(complete(current, stale.leaseUntil().plusSeconds(1))).isTrue();
  }

  @Test
  void aClaimWhoseLeaseWasTakenOverCanNeitherRetryNorDeadLetter() {
    enqueue(T0);
    DeliveryClaim stale = claimOne("worker-a", T0);
    DeliveryClaim current = claimOne("worker-b", stale.leaseUntil());
    Instant later = current.leaseUntil().minusSeconds(1);

    assertThat(retryLater(stale, later, "timeout")).isFalse();
    assertThat(deadLetter(stale, later, "timeout")).isFalse();
    assertThat(claim("worker-c", later, 10)).as("the current claim still holds").isEmpty();
    assertThat(deadLetters(10)).isEmpty();
  }

  // ---- complete, retry, dead letter -------------------------------------------------------------

  @Test
  void aCompletedDeliveryIsNeverClaimedAgain() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);

    assertThat(complete(claim, T0.plusSeconds(1))).isTrue();

    assertThat(claim("worker-b", T0.plus(Duration.ofDays(1)), 10)).isEmpty();
  }

  @Test
  void completingTwiceOrRetryingOrDeadLetteringADoneDeliveryReturnsFalse() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);
    complete(claim, T0.plusSeconds(1));

    assertThat(complete(claim, T0.plusSeconds(2))).isFalse();
    assertThat(retryLater(claim, T0.plusSeconds(2), "late")).isFalse();
    assertThat(deadLetter(claim, T0.plusSeconds(2), "late")).isFalse();
    assertThat(deadLetters(10)).isEmpty();
  }

  // ---- complete a batch -------------------------------------------------------------------------

  @Test
  void completeAllMarksEveryHeldClaimDoneAtNowAndReportsNone() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);
    List<DeliveryClaim> claims = claim("worker-a", T0, 10);

    assertThat(completeAll(claims, T0.plusSeconds(1))).isEmpty();

    assertThat(claim("worker-b", T0.plus(Duration.ofDays(1)), 10)).isEmpty();
    assertThat(backlog(T0.plusSeconds(1))).isEqualTo(new DeliveryBacklog(0, Optional.empty(), 0));
    assertThat(complete(claims.get(0), T0.plusSeconds(2))).as("done already").isFalse();
    int beforeNow = storage.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(1), 10));
    int afterNow =
        storage.inTransaction(
            tx -> tx.deliveries().pruneDone(T0.plusSeconds(1).plusNanos(1_000), 10));
    assertThat(beforeNow).as("done at exactly now, not before").isZero();
    assertThat(afterNow).isEqualTo(5);
  }

  @Test
  void completeAllReportsTheLostClaimsInTheOrderGivenAndStillCompletesTheOthers() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);
    DeliveryClaim takenOver = claim("worker-a", T0, 1).get(0);
    List<DeliveryClaim> later = claim("worker-a", T0.plusSeconds(10), 2);
    DeliveryClaim retried = later.get(0);
    DeliveryClaim held = later.get(1);
    DeliveryClaim released = claim("worker-c", T0.plusSeconds(10), 1).get(0);
    storage.inTransaction(tx -> tx.deliveries().release("worker-c", T0.plusSeconds(11)));
    retryLater(retried, T0.plus(Duration.ofHours(1)), "smtp 451");
    // Only the first claim's lease has run out; the released delivery is due again as well.
    List<DeliveryClaim> current = claim("worker-b", takenOver.leaseUntil(), 10);
    assertThat(ids(current)).containsExactly(takenOver.deliveryId(), released.deliveryId());

    List<DeliveryClaim> lost =
        completeAll(List.of(released, takenOver, held, retried), T0.plusSeconds(31));

    assertThat(lost).containsExactly(released, takenOver, retried);
    assertThat(completeAll(current, T0.plusSeconds(32)))
        .as("the current claims of the lost ones still hold")
        .isEmpty();
    assertThat(ids(claim("worker-d", T0.plus(Duration.ofHours(1)), 10)))
        .as("the held one is done, the retried one pending")
        .containsExactly(retried.deliveryId());
  }

  @Test
  void theStaleAndTheCurrentClaimOfOneDeliveryInOneBatch() {
    enqueue(T0);
    DeliveryClaim stale = claimOne("worker-a", T0);
    DeliveryClaim current = claimOne("worker-b", stale.leaseUntil());

    assertThat(completeAll(List.of(stale, current), current.leaseUntil().minusSeconds(1)))
        .containsExactly(stale);

    assertThat(claim("worker-c", T0.plus(Duration.ofDays(1)), 10)).isEmpty();
  }

  @Test
  void completeAllOfNoClaimsChangesNothing() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);

    assertThat(completeAll(List.of(), T0.plusSeconds(1))).isEmpty();

    assertThat(backlog(T0.plusSeconds(1)).pending()).isEqualTo(1);
    assertThat(complete(claim, T0.plusSeconds(1))).isTrue();
  }

  @Test
  void aClaimGivenTwiceIsCompletedOnceAndNotReportedButAFinishedOneIsReportedOnce() {
    enqueue(T0);
    enqueue(T0);
    List<DeliveryClaim> claims = claim("worker-a", T0, 10);
    DeliveryClaim first = claims.get(0);
    DeliveryClaim second = claims.get(1);
    complete(second, T0);

    assertThat(completeAll(List.of(first, second, first, second), T0.plusSeconds(1)))
        .containsExactly(second);

    assertThat(completeAll(List.of(first), T0.plusSeconds(2))).containsExactly(first);
    assertThat(claim("worker-b", T0.plus(Duration.ofDays(1)), 10)).isEmpty();
  }

  @Test
  void aBatchOfSixHundredWithOneLostClaimNearTheEnd() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);
    List<DeliveryClaim> claims = claim("worker-a", T0, 600);
    assertThat(claims).hasSize(600);
    DeliveryClaim retried = claims.get(550);
    retryLater(retried, T0.plusSeconds(5), "smtp 451");

    assertThat(completeAll(claims, T0.plusSeconds(1))).containsExactly(retried);

    assertThat(ids(claim("worker-b", T0.plus(Duration.ofDays(1)), 1000)))
        .containsExactly(retried.deliveryId());
  }

  /**
   * Whatever happened to each claim since, a batch completion reports exactly the claims that no
   * longer hold, once each and in the order given, marks the held ones done, and leaves the others
   * as they are.
   *
   * @param fates for each delivery in turn: 0 still held, 1 retried, 2 dead-lettered, 3 completed
   * @param repeats positions (modulo the count) of claims given a second time, at the end
   */
  @Property(tries = 15)
  void completeAllReportsExactlyTheClaimsThatNoLongerHold(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 3) Integer> fates,
      @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 7) Integer> repeats) {
    CheckoutStorage fresh = newStorage();
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < fates.size(); i++) {
      all.add(
          new PendingDelivery(
              new UUID(0x4fff_ffffL - i, 0x8000_0000_0000_0000L | i),
              eventId(2_000 + i),
              SHIPPING,
              Optional.empty(),
              T0));
    }
    enqueue(fresh, all);
    List<DeliveryClaim> claims =
        fresh.inTransaction(tx -> tx.deliveries().claim("worker", T0, LEASE, 10));
    assertThat(claims).hasSize(all.size());
    List<DeliveryClaim> expectedLost = new ArrayList<>();
    int retried = 0;
    int dead = 0;
    for (int i = 0; i < claims.size(); i++) {
      DeliveryClaim c = claims.get(i);
      int fate = fates.get(i);
      if (fate == 1) {
        fresh.inTransaction(tx -> tx.deliveries().retryLater(c, T0.plusSeconds(60), "retry"));
        retried++;
      } else if (fate == 2) {
        fresh.inTransaction(tx -> tx.deliveries().deadLetter(c, T0, "dead"));
        dead++;
      } else if (fate == 3) {
        fresh.inTransaction(tx -> tx.deliveries().complete(c, T0));
      }
      if (fate != 0) {
        expectedLost.add(c);
      }
    }
    List<DeliveryClaim> batch = new ArrayList<>(claims);
    for (int r : repeats) {
      batch.add(claims.get(r % claims.size()));
    }

    List<DeliveryClaim> lost =
        fresh.inTransaction(tx -> tx.deliveries().completeAll(batch, T0.plusSeconds(1)));

    assertThat(lost).containsExactlyElementsOf(expectedLost);
    DeliveryBacklog backlog = fresh.inTransaction(tx -> tx.deliveries().backlog(T0));
    assertThat(backlog.pending()).as("only the retried ones are unfinished").isEqualTo(retried);
    assertThat(backlog.dead()).isEqualTo(dead);
    List<DeliveryClaim> reclaimed =
        fresh.inTransaction(
            tx -> tx.deliveries().claim("other", T0.plus(Duration.ofDays(1)), LEASE, 10));
    assertThat(reclaimed).hasSize(retried);
  }

  @Test
  void retryLaterMakesTheDeliveryPendingAgainFromItsNewAvailableAt() {
    PendingDelivery d = enqueue(T0);
    DeliveryClaim first = claimOne("worker-a", T0);

    assertThat(retryLater(first, T0.plusSeconds(60), "smtp 451")).isTrue();

    assertThat(claim("worker-b", T0.plusSeconds(60).minusNanos(1_000), 10)).isEmpty();
    DeliveryClaim second = claimOne("worker-b", T0.plusSeconds(60));
    assertThat(second.deliveryId()).isEqualTo(d.deliveryId());
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.claimVersion()).isGreaterThan(first.claimVersion());
  }

  @Test
  void aRetriedClaimCanNoLongerCompleteOrBeRetriedAgain() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);
    retryLater(claim, T0.plusSeconds(60), "smtp 451");

    assertThat(complete(claim, T0.plusSeconds(1))).isFalse();
    assertThat(retryLater(claim, T0.plusSeconds(1), "again")).isFalse();
    assertThat(deadLetter(claim, T0.plusSeconds(1), "again")).isFalse();
  }

  @Test
  void aDeadLetterKeepsItsErrorAttemptsAndEventAndIsNeverClaimedAgain() {
    PendingDelivery d = enqueue(EMAIL, "order-1", T0);
    DeliveryClaim first = claimOne("worker-a", T0);
    retryLater(first, T0.plusSeconds(2), "smtp 451");
    DeliveryClaim second = claimOne("worker-a", T0.plusSeconds(2));

    assertThat(deadLetter(second, T0.plusSeconds(3), "smtp 550 no such user")).isTrue();

    assertThat(claim("worker-b", T0.plus(Duration.ofDays(1)), 10)).isEmpty();
    assertThat(deadLetters(10))
        .containsExactly(
            new DeadLetter(
                d.deliveryId(), EMAIL, 2, "smtp 550 no such user", T0.plusSeconds(3), eventOf(d)));
  }

  @Test
  void aDeadLetteredClaimCanNoLongerComplete() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);
    deadLetter(claim, T0.plusSeconds(1), "poison");

    assertThat(complete(claim, T0.plusSeconds(2))).isFalse();
    assertThat(deadLetter(claim, T0.plusSeconds(2), "again")).isFalse();
  }

  @Test
  void anErrorLongerThan2000CharactersIsStoredCutTo2000() {
    enqueue(T0);
    DeliveryClaim first = claimOne("worker-a", T0);
    String longError = "\u00e9".repeat(1500) + "x".repeat(1500);
    retryLater(first, T0, longError);
    DeliveryClaim second = claimOne("worker-a", T0);

    assertThat(deadLetter(second, T0.plusSeconds(1), longError)).isTrue();

    assertThat(deadLetters(10).get(0).lastError()).isEqualTo(longError.substring(0, 2000));
  }

  @Test
  void deadLettersAreListedEarliestGivenUpFirstAndAtMostTheLimit() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);
    List<DeliveryClaim> claims = claim("worker-a", T0, 10);
    int[] deadAtSeconds = {7, 3, 9, 5};
    for (int i = 0; i < claims.size(); i++) {
      deadLetter(claims.get(i), T0.plusSeconds(deadAtSeconds[i]), "error " + i);
    }

    List<DeadLetter> listed = deadLetters(3);

    assertThat(listed)
        .extracting(DeadLetter::deadAt)
        .containsExactly(T0.plusSeconds(3), T0.plusSeconds(5), T0.plusSeconds(7));
    assertThat(listed)
        .extracting(DeadLetter::deliveryId)
        .containsExactly(
            claims.get(1).deliveryId(), claims.get(3).deliveryId(), claims.get(0).deliveryId());
  }

  @Test
  void theDeadLetterListIsImmutable() {
    enqueue(T0);
    deadLetter(claimOne("worker-a", T0), T0, "poison");

    List<DeadLetter> listed = deadLetters(10);

    assertThatThrownBy(() -> listed.clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void replayMakesADeadLetterPendingAgainAtNowWithItsAttemptsBackAtZero() {
    PendingDelivery d = enqueue(T0);
    DeliveryClaim first = claimOne("worker-a", T0);
    retryLater(first, T0, "boom");
    DeliveryClaim second = claimOne("worker-a", T0);
    deadLetter(second, T0.plusSeconds(1), "boom");

    assertThat(replay(d.deliveryId(), T0.plusSeconds(100))).isTrue();

    assertThat(deadLetters(10)).isEmpty();
    assertThat(claim("worker-b", T0.plusSeconds(100).minusNanos(1_000), 10)).isEmpty();
    DeliveryClaim replayed = claimOne("worker-b", T0.plusSeconds(100));
    assertThat(replayed.deliveryId()).isEqualTo(d.deliveryId());
    assertThat(replayed.attempt()).isEqualTo(1);
    assertThat(replayed.claimVersion()).isGreaterThan(second.claimVersion());
  }

  @Test
  void replayReturnsFalseForAnUnknownIdAndForADeliveryThatIsNotDead() {
    PendingDelivery pending = enqueue(T0.plusSeconds(50));
    PendingDelivery done = enqueue(T0);
    complete(claimOne("worker-a", T0), T0);

    assertThat(replay(UUID.fromString("00000000-0000-4000-8000-000000000000"), T0)).isFalse();
    assertThat(replay(pending.deliveryId(), T0)).isFalse();
    assertThat(replay(done.deliveryId(), T0)).isFalse();
    assertThat(claim("worker-b", T0.plusSeconds(49), 10)).as("neither came back early").isEmpty();
  }

  // ---- ordering keys ----------------------------------------------------------------------------

  @Test
  void aDeliveryWaitsWhileAnEarlierOneOfTheSameHookAndKeyIsUnfinished() {
    PendingDelivery first = next(SHIPPING, "order-1", T0.plusSeconds(5));
    PendingDelivery second = next(SHIPPING, "order-1", T0);
    enqueue(storage, List.of(first, second));

    assertThat(claim("worker-a", T0.plusSeconds(1), 10))
        .as("the second is due, but the first is enqueued before it and still pending")
        .isEmpty();
    DeliveryClaim one = claimOne("worker-a", T0.plusSeconds(5));
    assertThat(one.deliveryId()).isEqualTo(first.deliveryId());
    assertThat(claim("worker-b", T0.plusSeconds(6), 10))
        .as("the first is claimed, not finished")
        .isEmpty();

    complete(one, T0.plusSeconds(6));

    assertThat(ids(claim("worker-b", T0.plusSeconds(6), 10))).containsExactly(second.deliveryId());
  }

  @Test
  void aDeadEarlierDeliveryNoLongerBlocksTheNextOfItsKey() {
    enqueue(SHIPPING, "order-1", T0);
    PendingDelivery second = enqueue(SHIPPING, "order-1", T0);
    DeliveryClaim first = claimOne("worker-a", T0);

    deadLetter(first, T0.plusSeconds(1), "poison");

    assertThat(ids(claim("worker-a", T0.plusSeconds(1), 10))).containsExactly(second.deliveryId());
  }

  @Test
  void orderedDeliveriesKeepTheirOrderAcrossRetries() {
    PendingDelivery first = enqueue(SHIPPING, "order-1", T0);
    PendingDelivery second = enqueue(SHIPPING, "order-1", T0);
    DeliveryClaim attempt1 = claimOne("worker-a", T0);
    retryLater(attempt1, T0.plusSeconds(60), "carrier down");

    assertThat(claim("worker-a", T0.plusSeconds(1), 10))
        .as("the second waits while the first waits for its retry")
        .isEmpty();
    DeliveryClaim attempt2 = claimOne("worker-a", T0.plusSeconds(60));
    assertThat(attempt2.deliveryId()).isEqualTo(first.deliveryId());
    complete(attempt2, T0.plusSeconds(61));
    assertThat(ids(claim("worker-a", T0.plusSeconds(61), 10))).containsExactly(second.deliveryId());
  }

  @Test
  void anExpiredLeaseOfTheEarlierDeliveryIsTakenOverBeforeTheNextOfItsKey() {
    PendingDelivery first = enqueue(SHIPPING, "order-1", T0);
    enqueue(SHIPPING, "order-1", T0);
    DeliveryClaim lost = claimOne("worker-a", T0);

    List<DeliveryClaim> takeover = claim("worker-b", lost.leaseUntil(), 10);

    assertThat(ids(takeover)).containsExactly(first.deliveryId());
  }

  @Test
  void theSameOrderingKeyOnDifferentHooksDoesNotBlock() {
    PendingDelivery shipping = enqueue(SHIPPING, "order-1", T0);
    PendingDelivery email = enqueue(EMAIL, "order-1", T0);

    assertThat(ids(claim("worker-a", T0, 10)))
        .containsExactly(shipping.deliveryId(), email.deliveryId());
  }

  @Test
  void differentOrderingKeysOfOneHookAndUnkeyedDeliveriesDoNotBlockEachOther() {
    PendingDelivery a = enqueue(SHIPPING, "order-1", T0);
    PendingDelivery b = enqueue(SHIPPING, "order-2", T0);
    PendingDelivery c = enqueue(SHIPPING, null, T0);
    PendingDelivery d = enqueue(SHIPPING, null, T0);

    assertThat(ids(claim("worker-a", T0, 10)))
        .containsExactly(a.deliveryId(), b.deliveryId(), c.deliveryId(), d.deliveryId());
  }

  /**
   * The law of ordering: whatever mix of successes, retries and dead letters the handlers produce,
   * a delivery with an ordering key is only claimed once every earlier delivery of its hook and key
   * is done or dead, so each key's deliveries finish in enqueue order.
   *
   * @param keys for each delivery in turn, which of three ordering keys it has
   * @param outcomes for each attempt in turn: 0 succeeds, 1 retries, 2 dead-letters
   */
  @Property(tries = 30)
  void eachKeysDeliveriesFinishOneAtATimeInEnqueueOrder(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 2) Integer> keys,
      @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 2) Integer> outcomes) {
    CheckoutStorage fresh = newStorage();
    List<PendingDelivery> all = new ArrayList<>();
    Map<UUID, String> keyOf = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      PendingDelivery d =
          new PendingDelivery(
              new UUID(0x5fff_ffffL - i, 0x8000_0000_0000_0000L | i),
              eventId(1_000 + i),
              SHIPPING,
              Optional.of("order-" + keys.get(i)),
              T0);
      all.add(d);
      keyOf.put(d.deliveryId(), "order-" + keys.get(i));
    }
    enqueue(fresh, all);

    List<UUID> finished = new ArrayList<>();
    Instant now = T0;
    for (int step = 0; finished.size() < all.size(); step++) {
      assertThat(step).as("every delivery finishes").isLessThan(all.size() * 50);
      Instant at = now;
      List<DeliveryClaim> claims =
          fresh.inTransaction(tx -> tx.deliveries().claim("worker", at, LEASE, 10));
      Set<String> claimedKeys = new HashSet<>();
      for (DeliveryClaim claim : claims) {
        String key = keyOf.get(claim.deliveryId());
        assertThat(claimedKeys.add(key)).as("one claim per key at a time: %s", key).isTrue();
        UUID expected =
            all.stream()
                .filter(d -> d.orderingKey().orElseThrow().equals(key))
                .map(PendingDelivery::deliveryId)
                .filter(id -> !finished.contains(id))
                .findFirst()
                .orElseThrow();
        assertThat(claim.deliveryId()).as("the earliest unfinished of %s", key).isEqualTo(expected);
        int outcome = outcomes.get(step % outcomes.size());
        // Give up after a few attempts so every schedule ends.
        if (outcome == 0 || (outcome == 1 && claim.attempt() >= 3)) {
          boolean completed = fresh.inTransaction(tx -> tx.deliveries().complete(claim, at));
          assertThat(completed).isTrue();
          finished.add(claim.deliveryId());
        } else if (outcome == 1) {
          boolean retried =
              fresh.inTransaction(
                  tx -> tx.deliveries().retryLater(claim, at.plusSeconds(1), "retry"));
          assertThat(retried).isTrue();
        } else {
          boolean dead = fresh.inTransaction(tx -> tx.deliveries().deadLetter(claim, at, "dead"));
          assertThat(dead).isTrue();
          finished.add(claim.deliveryId());
        }
      }
      now = now.plusSeconds(1);
    }
    for (int k = 0; k < 3; k++) {
      String key = "order-" + k;
      assertThat(finished.stream().filter(id -> key.equals(keyOf.get(id))).toList())
          .containsExactlyElementsOf(
              all.stream()
                  .map(PendingDelivery::deliveryId)
                  .filter(id -> key.equals(keyOf.get(id)))
                  .toList());
    }
  }

  // ---- release, prune, backlog ------------------------------------------------------------------

  @Test
  void releaseHandsBackOnlyThatOwnersClaimsPendingAtNowWithTheAttemptUndone() {
    PendingDelivery a = enqueue(T0);
    PendingDelivery b = enqueue(T0);
    PendingDelivery c = enqueue(T0);
    assertThat(ids(claim("worker-a", T0, 2))).containsExactly(a.deliveryId(), b.deliveryId());
    assertThat(ids(claim("worker-b", T0, 2))).containsExactly(c.deliveryId());

    int released =
        storage.inTransaction(tx -> tx.deliveries().release("worker-a", T0.plusSeconds(5)));

    assertThat(released).isEqualTo(2);
    assertThat(claim("worker-c", T0.plusSeconds(5).minusNanos(1_000), 10))
        .as("released deliveries are available from the release time on")
        .isEmpty();
    List<DeliveryClaim> again = claim("worker-c", T0.plusSeconds(5), 10);
    assertThat(ids(again))
        .as("worker-b's claim still holds")
        .containsExactly(a.deliveryId(), b.deliveryId());
    assertThat(again).extracting(DeliveryClaim::attempt).containsOnly(1);
  }

  @Test
  void aReleasedClaimCanNoLongerComplete() {
    enqueue(T0);
    DeliveryClaim claim = claimOne("worker-a", T0);
    storage.inTransaction(tx -> tx.deliveries().release("worker-a", T0.plusSeconds(1)));

    assertThat(complete(claim, T0.plusSeconds(2))).isFalse();
    DeliveryClaim again = claimOne("worker-b", T0.plusSeconds(2));
    assertThat(again.claimVersion()).isGreaterThan(claim.claimVersion());
  }

  @Test
  void releaseReturnsZeroForAnOwnerWithoutClaims() {
    enqueue(T0);
    claimOne("worker-a", T0);

    int released = storage.inTransaction(tx -> tx.deliveries().release("worker-z", T0));

    assertThat(released).isZero();
    assertThat(claim("worker-z", T0.plusSeconds(1), 10)).isEmpty();
  }

  @Test
  void pruneDoneDeletesOnlyDoneDeliveriesCompletedBeforeTheCutOffAndAtMostTheLimit() {
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      all.add(next(SHIPPING, null, T0));
    }
    enqueue(storage, all);
    List<DeliveryClaim> claims = claim("worker-a", T0, 6);
    for (int i = 0; i < 4; i++) {
      complete(claims.get(i), T0.plusSeconds(i));
    }
    deadLetter(claims.get(4), T0, "dead"); // dead, not done: kept
    // claims.get(5) stays claimed: kept

    int first = storage.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(3), 2));
    int second = storage.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(3), 2));
    int third = storage.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(3), 2));

    assertThat(first).isEqualTo(2);
    assertThat(second).as("only the one done at T0+2s is left before the cut-off").isEqualTo(1);
    assertThat(third).isZero();
    assertThat(deadLetters(10)).hasSize(1);
    DeliveryBacklog backlog = backlog(T0.plusSeconds(10));
    assertThat(backlog.pending()).isEqualTo(1);
    assertThat(backlog.dead()).isEqualTo(1);
    int last = storage.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(4), 10));
    assertThat(last).as("the one done at T0+3s").isEqualTo(1);
  }

  @Test
  void theBacklogOfAnEmptyStoreIsEmpty() {
    assertThat(backlog(T0)).isEqualTo(new DeliveryBacklog(0, Optional.empty(), 0));
  }

  @Test
  void theBacklogCountsPendingAndClaimedWithTheOldestEnqueueTimeAndTheDeadLetters() {
    enqueue(T0.plusSeconds(2));
    enqueue(T0.plusSeconds(1));
    enqueue(T0.plusSeconds(3));
    enqueue(T0.plusSeconds(4));
    enqueue(T0.plusSeconds(100)); // not due yet: still waiting work
    List<DeliveryClaim> claims = claim("worker-a", T0.plusSeconds(10), 3);
    complete(claims.get(0), T0.plusSeconds(11)); // the one of T0+1s
    deadLetter(claims.get(1), T0.plusSeconds(11), "dead"); // the one of T0+2s
    // claims.get(2) (T0+3s) stays claimed; T0+4s and T0+100s stay pending.

    assertThat(backlog(T0.plusSeconds(12)))
        .isEqualTo(new DeliveryBacklog(3, Optional.of(T0.plusSeconds(3)), 1));
  }

  // ---- failures ---------------------------------------------------------------------------------

  @Test
  void enqueuingAnExistingDeliveryIdFailsAndKeepsTheFirst() {
    PendingDelivery first = enqueue(SHIPPING, null, T0);
    PendingDelivery sameId =
        new PendingDelivery(first.deliveryId(), eventId(99), EMAIL, Optional.empty(), T0);

    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.outbox().enqueue(eventOf(sameId));
                      tx.deliveries().enqueue(sameId);
                      return Boolean.TRUE;
                    }))
        .isInstanceOf(StorageException.class);

    List<DeliveryClaim> claims = claim("worker-a", T0, 10);
    assertThat(claims).extracting(DeliveryClaim::hook).containsExactly(SHIPPING);
  }

  // ---- concurrency ------------------------------------------------------------------------------

  @Test
  void concurrentClaimersClaimEveryDeliveryExactlyOnceWhileTheLeasesRun() {
    int deliveries = 60;
    int threads = 8;
    int limit = 4;
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < deliveries; i++) {
      all.add(next(i % 2 == 0 ? SHIPPING : EMAIL, null, T0));
    }
    enqueue(storage, all);

    List<List<List<DeliveryClaim>>> perThread =
        Kit.values(
            Kit.race(
                threads,
                threads,
                i -> {
                  List<List<DeliveryClaim>> calls = new ArrayList<>();
                  while (true) {
                    List<DeliveryClaim> got =
                        Kit.inTransactionRetrying(
                            storage, tx -> tx.deliveries().claim("worker-" + i, T0, LEASE, limit));
                    if (got.isEmpty()) {
                      return calls;
                    }
                    calls.add(got);
                  }
                }));

    List<UUID> claimed = new ArrayList<>();
    for (List<List<DeliveryClaim>> calls : perThread) {
      for (List<DeliveryClaim> call : calls) {
        assertThat(call).as("one call's claims").hasSizeLessThanOrEqualTo(limit);
        claimed.addAll(ids(call));
      }
    }
    assertThat(claimed).as("no delivery claimed twice").doesNotHaveDuplicates();
    assertThat(claimed)
        .as("every delivery claimed")
        .containsExactlyInAnyOrderElementsOf(
            all.stream().map(PendingDelivery::deliveryId).toList());
    assertThat(claim("worker-late", T0.plusSeconds(1), 10)).isEmpty();
  }

  @Test
  void concurrentClaimersOfExpiredLeasesTakeEachDeliveryOverExactlyOnce() {
    int deliveries = 30;
    int threads = 8;
    List<PendingDelivery> all = new ArrayList<>();
    for (int i = 0; i < deliveries; i++) {
      all.add(next(SHIPPING, "order-" + (i % 10), T0));
    }
    enqueue(storage, all);
    List<DeliveryClaim> lost = claim("worker-dead", T0, deliveries);
    assertThat(lost).as("one per ordering key").hasSize(10);
    Instant expired = T0.plus(LEASE);

    List<List<DeliveryClaim>> taken =
        Kit.values(
            Kit.race(
                threads,
                threads,
                i ->
                    Kit.inTransactionRetrying(
                        storage, tx -> tx.deliveries().claim("worker-" + i, expired, LEASE, 3))));

    assertThat(taken).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(3));
    // Concurrent claimers may come back short-handed (a database may lock more rows than it
    // returns); what they left is taken over afterwards, and nothing twice.
    List<DeliveryClaim> claims = new ArrayList<>(taken.stream().flatMap(List::stream).toList());
    claims.addAll(claim("worker-last", expired, deliveries));
    assertThat(ids(claims)).doesNotHaveDuplicates();
    assertThat(ids(claims)).containsExactlyInAnyOrderElementsOf(ids(lost));
    assertThat(claims).extracting(DeliveryClaim::attempt).containsOnly(2);
  }
}

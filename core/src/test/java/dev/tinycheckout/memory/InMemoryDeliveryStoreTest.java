package dev.tinycheckout.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The in-memory delivery store's rules (the testkit's DeliveryStoreContract pins them for every
 * storage; these are the ones core itself relies on).
 */
class InMemoryDeliveryStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(1);
  private final InMemoryStorage storage = InMemoryStorage.create();

  private UUID write(String hook, Optional<String> key, Instant availableAt) {
    OutboxEvent event =
        new OutboxEvent(UUID.randomUUID(), OutboxEvent.ORDER_PLACED, "order-1", "{}", T0);
    UUID id = UUID.randomUUID();
    storage.inTransaction(
        tx -> {
          tx.outbox().enqueue(event);
          tx.deliveries().enqueue(new PendingDelivery(id, event.id(), hook, key, availableAt));
          return null;
        });
    return id;
  }

  private boolean bool(UnitOfWork<Boolean> work) {
    return storage.inTransaction(work);
  }

  private int count(UnitOfWork<Integer> work) {
    return storage.inTransaction(work);
  }

  private DeliveryBacklog backlogOf(UnitOfWork<DeliveryBacklog> work) {
    return storage.inTransaction(work);
  }

  private List<DeliveryClaim> claim(String owner, Instant now, int limit) {
    return storage.inTransaction(tx -> tx.deliveries().claim(owner, now, LEASE, limit));
  }

  @Test
  void claimsDueDeliveriesEarliestAvailableFirstThenInEnqueueOrderUpToTheLimit() {
    UUID later = write("h", Optional.empty(), T0.plusSeconds(5));
    UUID first = write("h", Optional.empty(), T0);
    UUID second = write("h", Optional.empty(), T0);
    UUID notYet = write("h", Optional.empty(), T0.plusSeconds(60));

    assertThat(claim("a", T0.plusSeconds(10), 2))
        .extracting(DeliveryClaim::deliveryId)
        .containsExactly(first, second);
    assertThat(claim("a", T0.plusSeconds(10), 5))
        .extracting(DeliveryClaim::deliveryId)
        .containsExactly(later);
    assertThat(claim("a", T0.plusSeconds(10), 5)).isEmpty();
    assertThat(notYet).isNotNull();
  }

  @Test
  void aRunningLeaseKeepsOthersOffAndAnExpiredOneHandsTheDeliveryOverWithAHigherAttempt() {
    UUID id = write("h", Optional.empty(), T0);
    DeliveryClaim a = claim("a", T0, 1).get(0);
    assertThat(a.attempt()).isEqualTo(1);
    assertThat(claim("b", T0.plus(LEASE).minusMillis(1), 1)).isEmpty();

    DeliveryClaim b = claim("b", T0.plus(LEASE), 1).get(0);
    assertThat(b.deliveryId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(b.claimVersion()).isGreaterThan(a.claimVersion());

    assertThat(bool(tx -> tx.deliveries().complete(a, T0))).isFalse();
    assertThat(bool(tx -> tx.deliveries().retryLater(a, T0, "x"))).isFalse();
    assertThat(bool(tx -> tx.deliveries().deadLetter(a, T0, "x"))).isFalse();
    assertThat(bool(tx -> tx.deliveries().complete(b, T0))).isTrue();
    assertThat(bool(tx -> tx.deliveries().complete(b, T0))).isFalse();
  }

  @Test
  void onlyTheEarliestUnfinishedDeliveryOfAnOrderingKeyMayBeClaimed() {
    UUID a1 = write("h", Optional.of("order-a"), T0);
    UUID a2 = write("h", Optional.of("order-a"), T0);
    UUID other = write("other", Optional.of("order-a"), T0);

    List<DeliveryClaim> claims = claim("a", T0, 10);
    assertThat(claims).extracting(DeliveryClaim::deliveryId).containsExactly(a1, other);
    DeliveryClaim c1 = claims.get(0);
    storage.inTransaction(tx -> tx.deliveries().retryLater(c1, T0.plusSeconds(5), "failed"));
    assertThat(claim("a", T0.plusSeconds(1), 10)).isEmpty();

    DeliveryClaim again = claim("a", T0.plusSeconds(5), 10).get(0);
    assertThat(again.deliveryId()).isEqualTo(a1);
    storage.inTransaction(tx -> tx.deliveries().deadLetter(again, T0.plusSeconds(5), "gave up"));
    assertThat(claim("a", T0.plusSeconds(5), 10))
        .extracting(DeliveryClaim::deliveryId)
        .containsExactly(a2);
  }

  @Test
  void releaseHandsAnOwnersClaimsBackAtOnceWithoutCountingTheAttempt() {
    write("h", Optional.empty(), T0);
    write("h", Optional.empty(), T0);
    DeliveryClaim mine = claim("a", T0, 1).get(0);
    claim("b", T0, 1);

    assertThat(count(tx -> tx.deliveries().release("a", T0.plusSeconds(1)))).isEqualTo(1);
    assertThat(bool(tx -> tx.deliveries().complete(mine, T0))).isFalse();
    DeliveryClaim retaken = claim("c", T0.plusSeconds(1), 5).get(0);
    assertThat(retaken.deliveryId()).isEqualTo(mine.deliveryId());
    assertThat(retaken.attempt()).isEqualTo(1);
  }

  @Test
  void aDeadLetterKeepsItsLastErrorAndAReplayStartsItsAttemptsAfresh() {
    UUID id = write("h", Optional.empty(), T0);
    DeliveryClaim c = claim("a", T0, 1).get(0);
    String longError = "e".repeat(5000);
    storage.inTransaction(tx -> tx.deliveries().deadLetter(c, T0.plusSeconds(2), longError));

    List<DeadLetter> dead = storage.inTransaction(tx -> tx.deliveries().deadLetters(10));
    assertThat(dead)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.deliveryId()).isEqualTo(id);
              assertThat(l.attempts()).isEqualTo(1);
              assertThat(l.lastError()).hasSize(2000);
              assertThat(l.deadAt()).isEqualTo(T0.plusSeconds(2));
            });
    assertThat(backlogOf(tx -> tx.deliveries().backlog(T0)))
        .isEqualTo(new DeliveryBacklog(0, Optional.empty(), 1));

    assertThat(bool(tx -> tx.deliveries().replay(id, T0.plusSeconds(3)))).isTrue();
    assertThat(bool(tx -> tx.deliveries().replay(id, T0.plusSeconds(3)))).isFalse();
    assertThat(claim("a", T0.plusSeconds(3), 1))
        .singleElement()
        .extracting(DeliveryClaim::attempt)
        .isEqualTo(1);
  }

  @Test
  void pruneDeletesOnlyDoneDeliveriesOlderThanTheCutOffInBoundedBatches() {
    for (int i = 0; i < 3; i++) {
      write("h", Optional.empty(), T0);
    }
    write("h", Optional.empty(), T0.plusSeconds(3600));
    for (DeliveryClaim c : claim("a", T0, 10)) {
      storage.inTransaction(tx -> tx.deliveries().complete(c, T0));
    }
    Instant cutOff = T0.plusSeconds(1);
    assertThat(count(tx -> tx.deliveries().pruneDone(T0, 10))).isZero();
    assertThat(count(tx -> tx.deliveries().pruneDone(cutOff, 2))).isEqualTo(2);
    assertThat(count(tx -> tx.deliveries().pruneDone(cutOff, 2))).isEqualTo(1);
    assertThat(count(tx -> tx.deliveries().pruneDone(cutOff, 2))).isZero();
    assertThat(backlogOf(tx -> tx.deliveries().backlog(T0)))
        .isEqualTo(new DeliveryBacklog(1, Optional.of(T0.plusSeconds(3600)), 0));
  }

  @Test
  void aUnitOfWorkThatThrowsLeavesNoDeliveryAndNoClaimBehind() {
    UUID id = write("h", Optional.empty(), T0);
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.deliveries().claim("a", T0, LEASE, 10);
                      throw new IllegalStateException("crash");
                    }))
        .hasMessage("crash");
    assertThat(claim("b", T0, 10)).extracting(DeliveryClaim::deliveryId).containsExactly(id);
  }

  @Test
  void aDeliveryNeedsItsEventInTheOutboxAndAnIdOfItsOwn() {
    UUID id = write("h", Optional.empty(), T0);
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.deliveries()
                          .enqueue(
                              new PendingDelivery(
                                  UUID.randomUUID(), UUID.randomUUID(), "h", Optional.empty(), T0));
                      return null;
                    }))
        .isInstanceOf(StorageException.class);
    UUID eventId = claim("a", T0, 1).get(0).event().id();
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      tx.deliveries()
                          .enqueue(new PendingDelivery(id, eventId, "h", Optional.empty(), T0));
                      return null;
                    }))
        .isInstanceOf(StorageException.class);
  }
}

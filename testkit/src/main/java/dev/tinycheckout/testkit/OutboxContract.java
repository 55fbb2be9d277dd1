package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.store.CheckoutStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Outbox}: events round-trip exactly, come back per aggregate in the order
 * they were enqueued (not by id, not by time), and event ids are unique.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcOutboxContractTest extends OutboxContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>That an event exists if and only if its unit of work commits is pinned by {@link
 * CheckoutStorageContract}.
 */
public abstract class OutboxContract {
  private static final String ORDER_A = "0193a1b2-0000-7000-8000-00000000000a";
  private static final String ORDER_B = "0193a1b2-0000-7000-8000-00000000000b";

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected OutboxContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event or consent) and that no other test
   * uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheOutboxContract() {
    storage = newStorage();
  }

  /**
   * Event number {@code n}. Its id and its creation time both fall as {@code n} grows, so events
   * enqueued in the order of {@code n} are in neither id order nor time order.
   */
  private static OutboxEvent event(int n, String aggregateId) {
    return new OutboxEvent(
        new UUID(0x7fff_ffffL - n, 0x8000_0000_0000_0000L | n),
        OutboxEvent.ORDER_PLACED,
        aggregateId,
        "{\"n\":" + n + "}",
        T0.minusSeconds(n));
  }

  private void enqueue(OutboxEvent... events) {
    storage.inTransaction(
        tx -> {
          for (OutboxEvent e : events) {
            tx.outbox().enqueue(e);
          }
          return events.length;
        });
  }

  private List<OutboxEvent> findByAggregate(String aggregateId) {
    return storage.inTransaction(tx -> tx.outbox().findByAggregate(aggregateId));
  }

  @Test
  void enqueuedEventsAreFoundByAggregateInEnqueueOrderNotByIdOrTime() {
    OutboxEvent first = event(1, ORDER_A);
    OutboxEvent second = event(2, ORDER_A);
    OutboxEvent third = event(3, ORDER_A);
    OutboxEvent fourth = event(4, ORDER_A);

    enqueue(first, second);
    enqueue(third);
    enqueue(fourth);

    assertThat(findByAggregate(ORDER_A)).containsExactly(first, second, third, fourth);
  }

  @Test
  void anEventIsStoredExactlyAsGiven() {
    StringBuilder payload = new StringBuilder("{\"note\":\"caf\u00e9 \u2615 \\\"quoted\\\"\\n");
    while (payload.length() < 10_000) {
      payload.append("0123456789");
    }
    payload.append("\"}");
    OutboxEvent event =
        new OutboxEvent(
            UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2c3d479"),
            OutboxEvent.PAYMENT_FAILED,
            ORDER_A,
            payload.toString(),
            T0.plusNanos(999_000));

    enqueue(event);

    assertThat(findByAggregate(ORDER_A)).containsExactly(event);
  }

  @Test
  void findByAggregateReturnsOnlyThatAggregatesEvents() {
    OutboxEvent a1 = event(1, ORDER_A);
    OutboxEvent b2 = event(2, ORDER_B);
    OutboxEvent a3 = event(3, ORDER_A);

    enqueue(a1, b2, a3);

    assertThat(findByAggregate(ORDER_A)).containsExactly(a1, a3);
    assertThat(findByAggregate(ORDER_B)).containsExactly(b2);
  }

  @Test
  void findByAggregateReturnsAnEmptyListForAnUnknownAggregate() {
    enqueue(event(1, ORDER_A));

    assertThat(findByAggregate(ORDER_B)).isEmpty();
  }

  @Test
  void findByAggregateReturnsAnImmutableList() {
    OutboxEvent e = event(1, ORDER_A);
    enqueue(e);

    List<OutboxEvent> found = findByAggregate(ORDER_A);
    List<OutboxEvent> none = findByAggregate(ORDER_B);

    assertThatThrownBy(() -> found.add(e)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> none.add(e)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void enqueuingAnEventWithAnExistingIdThrowsAndKeepsTheFirstEvent() {
    OutboxEvent first = event(1, ORDER_A);
    enqueue(first);
    OutboxEvent sameId =
        new OutboxEvent(first.id(), OutboxEvent.PAYMENT_FAILED, ORDER_B, "{}", T0.plusSeconds(9));

    assertThatThrownBy(() -> enqueue(sameId)).isInstanceOf(IllegalStateException.class);
    assertThat(findByAggregate(ORDER_A)).containsExactly(first);
    assertThat(findByAggregate(ORDER_B)).isEmpty();
  }

  @Test
  void enqueuingTheSameIdTwiceInOneUnitOfWorkThrows() {
    OutboxEvent first = event(1, ORDER_A);

    assertThatThrownBy(() -> enqueue(first, first)).isInstanceOf(IllegalStateException.class);
  }

  /**
   * The law of order: however events of several aggregates interleave, over one or many units of
   * work, each aggregate's events come back in exactly the order they were enqueued.
   *
   * @param aggregates for each event in turn, which of four aggregates it belongs to
   * @param unitSize how many consecutive events share one unit of work
   */
  @Property(tries = 50)
  void eachAggregatesEventsComeBackInEnqueueOrderHoweverTheyInterleave(
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 3) Integer> aggregates,
      @ForAll @IntRange(min = 1, max = 5) int unitSize) {
    CheckoutStorage fresh = newStorage();
    List<OutboxEvent> all = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      all.add(event(i, "order-" + aggregates.get(i)));
    }

    for (int from = 0; from < all.size(); from += unitSize) {
      List<OutboxEvent> unit = all.subList(from, Math.min(all.size(), from + unitSize));
      fresh.inTransaction(
          tx -> {
            unit.forEach(tx.outbox()::enqueue);
            return unit.size();
          });
    }

    for (int a = 0; a < 4; a++) {
      String aggregate = "order-" + a;
      List<OutboxEvent> found = fresh.inTransaction(tx -> tx.outbox().findByAggregate(aggregate));
      assertThat(found)
          .containsExactlyElementsOf(
              all.stream().filter(e -> e.aggregateId().equals(aggregate)).toList());
    }
  }
}

package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.AlreadyWithdrawnException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

/**
 * The law of concurrent withdrawals, under real threads released together by a start gate, random
 * pauses around every unit of work, and commits whose acknowledgement is randomly lost, so that the
 * engine's retries race the other requests too.
 */
class WithdrawalConcurrencyProperties {
  private static final String TERMS = "v1";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Email EMAIL = Email.of("ann@example.com");
  private static final long STOCK = 50;

  /** What one concurrent call came back with: a result or a failure. */
  private record Answer(int key, @Nullable WithdrawalResult result, @Nullable Throwable failure) {}

  /**
   * Law: however N requests withdrawing one paid order interleave, over K keys with duplicates of
   * each, the order is withdrawn exactly once: one answer is a first answer and every other answer
   * under its key is that stored answer, byte for byte, or an in-progress conflict; every request
   * under another key is refused as already withdrawn and stores nothing; the stock comes back
   * exactly once, and the order gets exactly one withdrawn consent entry and one {@code
   * order.withdrawn} event, carrying the stored receipt.
   */
  @Property(tries = 150)
  void duplicateWithdrawalsOfOneOrderWithdrawItExactlyOnce(
      @ForAll @IntRange(min = 2, max = 32) int requests,
      @ForAll @IntRange(min = 1, max = 5) int keys,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll @IntRange(min = 1, max = 3) int quantity,
      @ForAll @IntRange(min = 0, max = 30) int lostAckPercent,
      @ForAll long seed)
      throws Exception {
    InMemoryStorage memory = InMemoryStorage.create();
    Sku sku = Sku.of("apple");
    memory.inTransaction(tx -> tx.products().upsert(sku, "Apple", Money.of(100, "EUR"), STOCK, T0));
    CheckoutTest.MutableClock clock = new CheckoutTest.MutableClock(T0);
    CheckoutStorage jittery = jittery(memory, lostAckPercent);
    Checkout checkout =
        Checkout.builder()
            .storage(jittery)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion(TERMS)
            .clock(clock)
            .config(CheckoutConfig.builder().transactionAttempts(100).build())
            .build();
    OrderId orderId = placeOrder(memory, clock, sku, quantity);
    WithdrawalRequest request = WithdrawalRequest.of(orderId, EMAIL);
    List<IdempotencyKey> keyList = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      keyList.add(IdempotencyKey.of("withdraw-" + k));
    }
    Random random = new Random(seed);
    List<Integer> keyOfRequest = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      keyOfRequest.add(i < keys ? i : random.nextInt(keys));
    }

    List<Answer> answers =
        StartingGate.runTogether(
            threads,
            keyOfRequest.stream()
                .map(
                    k ->
                        (Callable<Answer>)
                            () -> {
                              try {
                                return new Answer(
                                    k, checkout.withdraw(keyList.get(k), request), null);
                              } catch (RuntimeException e) {
                                return new Answer(k, null, e);
                              }
                            })
                .toList());

    Set<Integer> winningKeys = new HashSet<>();
    List<WithdrawalResult> results = new ArrayList<>();
    for (Answer answer : answers) {
      if (answer.result() != null) {
        winningKeys.add(answer.key());
        results.add(answer.result());
      }
    }
    assertThat(winningKeys).as("keys that got a withdrawal").hasSize(1);
    int winner = winningKeys.iterator().next();
    IdempotencyRecord record =
        memory.inTransaction(tx -> tx.idempotency().find(keyList.get(winner))).orElseThrow();
    StoredResponse stored = record.response().orElseThrow();
    assertThat(results).filteredOn(r -> !r.replayed()).as("first answers").hasSize(1);
    for (WithdrawalResult result : results) {
      assertThat(result.response()).isEqualTo(stored);
      assertThat(result.response().body()).isEqualTo(stored.body());
      assertThat(result.receiptId()).isEqualTo(record.reference());
    }
    for (Answer answer : answers) {
      if (answer.failure() != null) {
        if (answer.key() == winner) {
          assertThat(answer.failure()).isInstanceOf(IdempotencyKeyInUseException.class);
        } else {
          assertThat(answer.failure()).isInstanceOf(AlreadyWithdrawnException.class);
        }
      }
    }
    for (int k = 0; k < keys; k++) {
      if (k != winner) {
        IdempotencyKey loser = keyList.get(k);
        Optional<IdempotencyRecord> loserRecord =
            memory.inTransaction(tx -> tx.idempotency().find(loser));
        assertThat(loserRecord).as("nothing stored under a losing key").isEmpty();
      }
    }
    assertThat(memory.inTransaction(tx -> tx.orders().find(orderId)).orElseThrow().status())
        .isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(memory.inTransaction(tx -> tx.products().find(sku)).orElseThrow().stock())
        .as("the stock came back exactly once")
        .isEqualTo(STOCK);
    checkout.consentAudit().chainPending();
    List<ConsentEntry> consents = memory.inTransaction(tx -> tx.consents().findByOrder(orderId));
    assertThat(consents).filteredOn(c -> c.action() == ConsentAction.WITHDRAWN).hasSize(1);
    List<OutboxEvent> withdrawn =
        memory.inTransaction(tx -> tx.outbox().findByAggregate(orderId.toString())).stream()
            .filter(e -> e.type().equals(OutboxEvent.ORDER_WITHDRAWN))
            .toList();
    assertThat(withdrawn).hasSize(1);
    assertThat(withdrawn.get(0).payload()).contains("\"receiptId\":\"" + record.reference() + "\"");
  }

  private static OrderId placeOrder(
      InMemoryStorage memory, CheckoutTest.MutableClock clock, Sku sku, int quantity) {
    Checkout direct =
        Checkout.builder()
            .storage(memory)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion(TERMS)
            .clock(clock)
            .build();
    CheckoutRequest order =
        CheckoutRequest.builder()
            .item(sku.value(), quantity)
            .email(EMAIL.value())
            .acceptedTerms(TERMS)
            .paymentToken(TestPaymentGateway.APPROVE)
            .build();
    OrderId id = direct.placeOrder(IdempotencyKey.of("checkout"), order).orderId().orElseThrow();
    assertThat(memory.inTransaction(tx -> tx.products().find(sku)).orElseThrow().stock())
        .isEqualTo(STOCK - quantity);
    return id;
  }

  /**
   * The storage with random pauses before and after each unit of work, and a commit acknowledgement
   * lost (a retryable failure thrown after the commit) with the given probability.
   */
  private static CheckoutStorage jittery(InMemoryStorage memory, int lostAckPercent) {
    return new CheckoutStorage() {
      @Override
      public <T> T inTransaction(UnitOfWork<T> work) {
        pause();
        T result = memory.inTransaction(work);
        pause();
        if (ThreadLocalRandom.current().nextInt(100) < lostAckPercent) {
          throw new StorageException("connection reset after commit", true, null);
        }
        return result;
      }
    };
  }

  /** Nothing, a 20 µs or a 200 µs pause, at random, to vary the interleavings. */
  private static void pause() {
    int choice = ThreadLocalRandom.current().nextInt(3);
    if (choice > 0) {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(choice == 1 ? 20 : 200));
    }
  }
}

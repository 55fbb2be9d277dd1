package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.DispatchConfig;
import dev.tinycheckout.fulfilment.FaultyStorage;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.ManualClock;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The write path fans every event out into one delivery per subscribed hook, atomically. */
class CheckoutFulfilmentTest {
  private static final String TERMS = "2026-11-01";
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final String EMAIL = "ann@example.com";

  private final ManualClock clock = new ManualClock(T0);
  private final FaultyStorage storage = new FaultyStorage();

  CheckoutFulfilmentTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10, T0);
          tx.products().upsert(Sku.of("cherry"), "Cherry", Money.of(40, "USD"), 1, T0);
          return null;
        });
  }

  private static FulfilmentHook hook(String name, Set<String> types, boolean ordered) {
    return new FulfilmentHook() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean subscribesTo(String eventType) {
        return types.contains(eventType);
      }

      @Override
      public boolean ordered() {
        return ordered;
      }

      @Override
      public void handle(Delivery delivery) {}
    };
  }

  private static final FulfilmentHooks HOOKS =
      FulfilmentHooks.of(
          hook("shipping", Set.of(OutboxEvent.ORDER_PLACED), true),
          hook(
              "email",
              Set.of(
                  OutboxEvent.ORDER_PLACED,
                  OutboxEvent.PAYMENT_FAILED,
                  OutboxEvent.ORDER_WITHDRAWN),
              false),
          hook("analytics", Set.of(OutboxEvent.ORDER_PLACED), false));

  private Checkout checkout(FulfilmentHooks hooks, Runnable afterCommit) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(new TestPaymentGateway())
        .termsVersion(TERMS)
        .clock(clock)
        .hooks(hooks)
        .afterEventsCommitted(afterCommit)
        .build();
  }

  private static CheckoutRequest request(String sku, int quantity, String token) {
    return CheckoutRequest.builder()
        .email(EMAIL)
        .acceptedTerms(TERMS)
        .paymentToken(token)
        .item(sku, quantity)
        .build();
  }

  /** Claims every due delivery, to look at them. */
  private List<DeliveryClaim> deliveries() {
    return storage.inTransaction(
        tx -> tx.deliveries().claim("inspector", clock.instant(), Duration.ofMinutes(1), 100));
  }

  private List<OutboxEvent> events(OrderId id) {
    return storage.inTransaction(tx -> tx.outbox().findByAggregate(id.toString()));
  }

  @Test
  void aPlacedOrderWritesOneDeliveryPerSubscribedHookOfItsEventAndSignalsAfterCommit() {
    AtomicInteger signals = new AtomicInteger();
    CheckoutResult result =
        checkout(HOOKS, signals::incrementAndGet)
            .placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE));

    OrderId id = result.orderId().orElseThrow();
    OutboxEvent placed = events(id).get(0);
    assertThat(deliveries())
        .extracting(DeliveryClaim::hook, c -> c.event().id(), DeliveryClaim::attempt)
        .containsExactlyInAnyOrder(
            tuple("analytics", placed.id(), 1),
            tuple("email", placed.id(), 1),
            tuple("shipping", placed.id(), 1));
    assertThat(signals).hasValue(1);
  }

  @Test
  void aWithdrawalWritesDeliveriesOnlyForTheHooksThatSubscribeToIt() {
    Checkout checkout = checkout(HOOKS, () -> {});
    OrderId id =
        checkout
            .placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE))
            .orderId()
            .orElseThrow();
    deliveries();
    checkout.withdraw(IdempotencyKey.of("w1"), WithdrawalRequest.of(id, Email.of(EMAIL)));

    assertThat(deliveries())
        .extracting(DeliveryClaim::hook, c -> c.event().type())
        .containsExactly(tuple("email", OutboxEvent.ORDER_WITHDRAWN));
  }

  @Test
  void aDeclinedPaymentWritesNoDeliveryForHooksThatOnlyWantPlacedOrders() {
    CheckoutResult result =
        checkout(HOOKS, () -> {})
            .placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.DECLINE));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
    assertThat(deliveries())
        .extracting(DeliveryClaim::hook, c -> c.event().type())
        .containsExactly(tuple("email", OutboxEvent.PAYMENT_FAILED));
  }

  @Test
  void aRefusedCheckoutWritesNoEventAndNoDelivery() {
    AtomicInteger signals = new AtomicInteger();
    Checkout checkout = checkout(HOOKS, signals::incrementAndGet);
    CheckoutResult outOfStock =
        checkout.placeOrder(
            IdempotencyKey.of("k1"), request("cherry", 2, TestPaymentGateway.APPROVE));
    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    IdempotencyKey.of("k2"), request("nope", 1, TestPaymentGateway.APPROVE)))
        .isInstanceOf(ValidationException.class);

    assertThat(outOfStock.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
    assertThat(deliveries()).isEmpty();
    assertThat(signals).hasValue(0);
  }

  @Test
  void withoutHooksEventsStillGoToTheOutboxButNoDeliveryIsWritten() {
    AtomicInteger signals = new AtomicInteger();
    OrderId id =
        checkout(FulfilmentHooks.none(), signals::incrementAndGet)
            .placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE))
            .orderId()
            .orElseThrow();

    assertThat(events(id)).extracting(OutboxEvent::type).containsExactly(OutboxEvent.ORDER_PLACED);
    assertThat(deliveries()).isEmpty();
    assertThat(signals).hasValue(0);
  }

  @Test
  void aFailedDeliveryWriteRollsTheWholeFinishBackSoTheOrderIsNotPaidWithoutItsDeliveries() {
    storage.failDeliveryEnqueue = 1;
    AtomicInteger signals = new AtomicInteger();
    Checkout checkout = checkout(HOOKS, signals::incrementAndGet);

    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE)))
        .isInstanceOf(StorageException.class);

    OrderId id =
        storage.inner.inTransaction(
            tx ->
                OrderId.parse(
                    tx.idempotency().find(IdempotencyKey.of("k1")).orElseThrow().reference()));
    assertThat(storage.inner.inTransaction(tx -> tx.orders().find(id)).orElseThrow().status())
        .isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(events(id)).isEmpty();
    assertThat(deliveries()).isEmpty();
    assertThat(signals).hasValue(0);

    storage.failDeliveryEnqueue = -1;
    checkout.placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE));
    assertThat(events(id)).hasSize(1);
    assertThat(deliveries()).hasSize(3);
  }

  @Test
  void aCommitWakesTheDispatcherWithoutWaitingForItsPollInterval() throws Exception {
    CountDownLatch handled = new CountDownLatch(1);
    FulfilmentHook shipping =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "shipping";
          }

          @Override
          public void handle(Delivery delivery) {
            handled.countDown();
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder()
            .storage(storage)
            .hooks(hooks)
            .clock(clock)
            .config(
                DispatchConfig.builder()
                    .minPollInterval(Duration.ofMinutes(10))
                    .maxPollInterval(Duration.ofMinutes(10))
                    .build())
            .build();
    dispatcher.start();
    try {
      // The loop's first look finds nothing; from then on it would sleep for ten minutes.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (storage.claimCalls.get() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(storage.claimCalls.get()).isPositive();

      checkout(hooks, dispatcher::wakeUp)
          .placeOrder(IdempotencyKey.of("k1"), request("apple", 1, TestPaymentGateway.APPROVE));

      assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      dispatcher.stop(Duration.ofSeconds(5));
    }
  }
}

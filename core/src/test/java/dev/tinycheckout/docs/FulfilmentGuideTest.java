package dev.tinycheckout.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the code of docs/fulfilment.md, and keeps the page showing exactly that code. */
class FulfilmentGuideTest {

  /** A stand-in for a mail client that remembers what it sent, by delivery id. */
  static final class Mailer {
    final Set<UUID> sent = ConcurrentHashMap.newKeySet();
    final CountDownLatch first = new CountDownLatch(1);

    void sendReceiptOnce(UUID deliveryId, String orderJson) {
      if (sent.add(deliveryId)) {
        first.countDown();
      }
    }
  }

  @Test
  void thePageShowsTheTestedCode() throws Exception {
    DocSnippets.assertPageShowsTaggedRegion(
        "docs/fulfilment.md",
        "core/src/test/java/dev/tinycheckout/docs/FulfilmentGuideTest.java",
        "fulfilment");
  }

  @Test
  void aHookWiredAsThePageShowsReceivesAPlacedOrder() throws Exception {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx ->
            tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "EUR"), 5, Instant.now()));
    TestPaymentGateway gateway = new TestPaymentGateway();
    Mailer mailer = new Mailer();

    // tag::fulfilment[]
    FulfilmentHook receipts =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "email-receipt";
          }

          @Override
          public boolean subscribesTo(String eventType) {
            return eventType.equals(OutboxEvent.ORDER_PLACED);
          }

          @Override
          public void handle(Delivery delivery) {
            // At least once: the mailer skips a delivery id it has sent already.
            mailer.sendReceiptOnce(delivery.deliveryId(), delivery.event().payload());
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(receipts);

    FulfilmentDispatcher dispatcher =
        FulfilmentDispatcher.builder().storage(storage).hooks(hooks).build();
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .termsVersion("2026-11-01")
            .hooks(hooks)
            .afterEventsCommitted(dispatcher::wakeUp)
            .build();
    dispatcher.start();
    // end::fulfilment[]

    try {
      checkout.placeOrder(
          IdempotencyKey.of("k1"),
          CheckoutRequest.builder()
              .email("ann@example.com")
              .acceptedTerms("2026-11-01")
              .paymentToken(TestPaymentGateway.APPROVE)
              .item("apple", 1)
              .build());
      assertThat(mailer.first.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      assertThat(dispatcher.stop(Duration.ofSeconds(20))).isTrue();
    }
  }
}

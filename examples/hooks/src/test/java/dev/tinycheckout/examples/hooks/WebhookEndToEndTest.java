package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A placed order reaches a receiver over a real socket, through the outbox and the dispatcher. */
class WebhookEndToEndTest {

  @Test
  void aPlacedOrderArrivesExactlyOnceAsASignedOrderPlacedWebhook() throws Exception {
    String secret = WebhookSignature.generateSecret();
    try (Receiver receiver = new Receiver()) {
      InMemoryStorage storage = InMemoryStorage.create();
      storage.inTransaction(
          tx ->
              tx.products()
                  .upsert(Sku.of("apple"), "Apple", Money.of(100, "EUR"), 5, Instant.now()));
      FulfilmentHooks hooks =
          FulfilmentHooks.of(
              WebhookHook.builder().target(receiver.uri("/webhooks")).secret(secret).build());
      FulfilmentDispatcher dispatcher =
          FulfilmentDispatcher.builder().storage(storage).hooks(hooks).build();
      Checkout checkout =
          Checkout.builder()
              .storage(storage)
              .paymentGateway(new TestPaymentGateway())
              .termsVersion("2026-11-01")
              .hooks(hooks)
              .afterEventsCommitted(dispatcher::wakeUp)
              .build();
      dispatcher.start();
      try {
        CheckoutResult placed =
            checkout.placeOrder(
                IdempotencyKey.of("k1"),
                CheckoutRequest.builder()
                    .email("ann@example.com")
                    .acceptedTerms("2026-11-01")
                    .paymentToken(TestPaymentGateway.APPROVE)
                    .item("apple", 1)
                    .build());
        assertThat(placed.outcome()).isEqualTo(CheckoutOutcome.PLACED);
        String orderId = placed.orderId().orElseThrow().toString();

        Receiver.Received got = receiver.next();
        String body = new String(got.body(), StandardCharsets.UTF_8);
        assertThat(body)
            .contains("\"type\":\"order.placed\"")
            .contains("\"aggregateId\":\"" + orderId + "\"")
            .contains("\"attempt\":1");
        assertThat(
                WebhookSignature.ofSecret(secret)
                    .verify(got.id(), got.timestamp(), got.body(), got.signature(), Instant.now()))
            .isTrue();
        assertThat(receiver.poll(500)).as("a second POST").isNull();
      } finally {
        assertThat(dispatcher.stop(Duration.ofSeconds(20))).isTrue();
      }
    }
  }
}

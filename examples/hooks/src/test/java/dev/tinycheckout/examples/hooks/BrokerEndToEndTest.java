package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.GetResponse;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A placed order reaches a consumer of a real broker, through the outbox and the dispatcher: a
 * RabbitMQ queue bound to the hook's exchange, and a pull consumer of a JetStream stream.
 */
class BrokerEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  @EnabledIfEnvironmentVariable(
      named = RabbitMqBroker.URL_VARIABLE,
      matches = ".+",
      disabledReason = RabbitMqBroker.URL_VARIABLE + " is not set: no RabbitMQ to test against")
  void aPlacedOrderArrivesOnceOnAQueueBoundToTheExchange() throws Exception {
    try (RabbitMqBroker broker = new RabbitMqBroker()) {
      String exchange = broker.topicExchange();
      String queue = broker.queue(exchange, "order.*");
      try (RabbitMqHook hook =
          RabbitMqHook.builder().uri(broker.uri()).exchange(exchange).ordered(true).build()) {
        String orderId = placeOrder(hook);

        GetResponse got = broker.take(queue, WAIT.toMillis());
        assertThat(got).as("the order.placed message").isNotNull();
        assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("order.placed");
        assertThat(got.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(got.getProps().getMessageId()).matches("[0-9a-f-]{36}");
        assertThat(String.valueOf(got.getProps().getHeaders().get("tinycheckout-aggregate-id")))
            .isEqualTo(orderId);
        assertThat(new String(got.getBody(), StandardCharsets.UTF_8))
            .contains("\"type\":\"order.placed\"")
            .contains("\"aggregateId\":\"" + orderId + "\"")
            .contains("\"attempt\":1");
        assertThat(broker.take(queue, 500)).as("a second message").isNull();
      }
    }
  }

  @Test
  @EnabledIfEnvironmentVariable(
      named = NatsServer.URL_VARIABLE,
      matches = ".+",
      disabledReason = NatsServer.URL_VARIABLE + " is not set: no NATS to test against")
  void aPlacedOrderArrivesOnceOnAJetStreamConsumer() throws Exception {
    try (NatsServer nats = new NatsServer()) {
      String prefix = NatsServer.uniquePrefix();
      String stream = nats.stream(prefix, Duration.ofMinutes(2));
      JetStreamSubscription consumer =
          nats.connection()
              .jetStream()
              .subscribe(prefix + ">", PullSubscribeOptions.builder().stream(stream).build());
      try (NatsJetStreamHook hook =
          NatsJetStreamHook.builder()
              .server(nats.uri())
              .subjectPrefix(prefix)
              .expectedStream(stream)
              .build()) {
        String orderId = placeOrder(hook);

        List<Message> got = consumer.fetch(1, WAIT);
        assertThat(got).as("the order.placed message").hasSize(1);
        Message message = got.get(0);
        message.ack();
        assertThat(message.getSubject()).isEqualTo(prefix + "order.placed");
        assertThat(message.getHeaders().getFirst("Nats-Msg-Id")).matches("[0-9a-f-]{36}");
        assertThat(message.getHeaders().getFirst("tinycheckout-aggregate-id")).isEqualTo(orderId);
        assertThat(new String(message.getData(), StandardCharsets.UTF_8))
            .contains("\"type\":\"order.placed\"")
            .contains("\"aggregateId\":\"" + orderId + "\"");
        assertThat(consumer.fetch(1, Duration.ofMillis(500))).as("a second message").isEmpty();
        assertThat(nats.count(stream)).isEqualTo(1);
      } finally {
        consumer.unsubscribe();
      }
    }
  }

  /** Places a paid order with a real dispatcher running the hook; returns the order id. */
  private static String placeOrder(FulfilmentHook hook) throws Exception {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx ->
            tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "EUR"), 5, Instant.now()));
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
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
      waitUntilDrained(dispatcher);
      return orderId;
    } finally {
      assertThat(dispatcher.stop(Duration.ofSeconds(20))).isTrue();
    }
  }

  private static void waitUntilDrained(FulfilmentDispatcher dispatcher) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (dispatcher.backlog().pending() > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the delivery is still pending after " + WAIT);
      }
      Thread.sleep(50);
    }
  }
}

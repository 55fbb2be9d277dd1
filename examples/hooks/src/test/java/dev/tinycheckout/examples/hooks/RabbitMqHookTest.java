package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.OutboxEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link RabbitMqHook} against a real RabbitMQ, each test on exchanges and queues of its own. */
@EnabledIfEnvironmentVariable(
    named = RabbitMqBroker.URL_VARIABLE,
    matches = ".+",
    disabledReason =
        RabbitMqBroker.URL_VARIABLE
            + " is not set (such as amqp://guest:guest@127.0.0.1:5672/%2F): no RabbitMQ to test"
            + " against")
class RabbitMqHookTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:01Z");
  private static final String PAYLOAD = "{\"orderId\":\"ord_1\",\"email\":\"ann@example.com\"}";

  private RabbitMqBroker broker;
  private final List<RabbitMqHook> hooks = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    broker = new RabbitMqBroker();
  }

  @AfterEach
  void cleanUp() throws Exception {
    hooks.forEach(RabbitMqHook::close);
    broker.close();
  }

  private RabbitMqHook.Builder hook(URI uri, String exchange) {
    return RabbitMqHook.builder()
        .uri(uri)
        .exchange(exchange)
        .confirmTimeout(Duration.ofSeconds(5))
        .connectTimeout(Duration.ofSeconds(3))
        .recoveryInterval(Duration.ofMillis(200))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private RabbitMqHook started(RabbitMqHook.Builder builder) {
    RabbitMqHook hook = builder.build();
    hooks.add(hook);
    return hook;
  }

  static Delivery delivery(String type, int attempt) {
    return new Delivery(
        UUID.randomUUID(),
        "rabbitmq",
        attempt,
        new OutboxEvent(UUID.randomUUID(), type, "ord_1", PAYLOAD, NOW.minusSeconds(1)));
  }

  @Test
  void aDeliveryBecomesOnePersistentJsonMessageWhoseMessageIdIsTheDeliveryId() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "order.*");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    Delivery delivery = delivery(OutboxEvent.ORDER_PLACED, 1);

    hook.handle(delivery);

    GetResponse got = broker.take(queue, 5_000);
    assertThat(got).isNotNull();
    assertThat(got.getEnvelope().getExchange()).isEqualTo(exchange);
    assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("order.placed");
    AMQP.BasicProperties props = got.getProps();
    assertThat(props.getMessageId()).isEqualTo(delivery.deliveryId().toString());
    assertThat(props.getDeliveryMode()).isEqualTo(2);
    assertThat(props.getContentType()).isEqualTo("application/json");
    assertThat(props.getType()).isEqualTo("order.placed");
    assertThat(props.getAppId()).isEqualTo("tinycheckout");
    assertThat(props.getTimestamp()).isEqualTo(Date.from(NOW));
    Map<String, Object> headers = props.getHeaders();
    assertThat(String.valueOf(headers.get(RabbitMqHook.HEADER_EVENT_TYPE)))
        .isEqualTo("order.placed");
    assertThat(String.valueOf(headers.get(RabbitMqHook.HEADER_EVENT_ID)))
        .isEqualTo(delivery.event().id().toString());
    assertThat(String.valueOf(headers.get(RabbitMqHook.HEADER_AGGREGATE_ID))).isEqualTo("ord_1");
    assertThat(headers.get(RabbitMqHook.HEADER_ATTEMPT)).isEqualTo(1);
    String body = new String(got.getBody(), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo(WebhookHook.body(delivery));
    assertThat(Json.parse(body)).isNotNull();
    assertThat(body).contains("\"payload\":" + PAYLOAD);
    assertThat(broker.take(queue, 200)).as("a second message").isNull();
  }

  @Test
  void everyAttemptOfOneDeliveryCarriesTheSameMessageIdAndItsOwnAttemptNumber() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "#");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    Delivery first = delivery(OutboxEvent.ORDER_WITHDRAWN, 1);

    hook.handle(first);
    hook.handle(new Delivery(first.deliveryId(), "rabbitmq", 2, first.event()));

    GetResponse one = broker.take(queue, 5_000);
    GetResponse two = broker.take(queue, 5_000);
    assertThat(one.getProps().getMessageId()).isEqualTo(two.getProps().getMessageId());
    assertThat(one.getEnvelope().getRoutingKey()).isEqualTo("order.withdrawn");
    assertThat(one.getProps().getHeaders().get(RabbitMqHook.HEADER_ATTEMPT)).isEqualTo(1);
    assertThat(two.getProps().getHeaders().get(RabbitMqHook.HEADER_ATTEMPT)).isEqualTo(2);
  }

  @Test
  void theRoutingKeyPrefixGoesBeforeTheEventType() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "shop1.payment.*");
    RabbitMqHook hook = started(hook(broker.uri(), exchange).routingKeyPrefix("shop1."));

    hook.handle(delivery(OutboxEvent.PAYMENT_FAILED, 1));

    assertThat(broker.take(queue, 5_000).getEnvelope().getRoutingKey())
        .isEqualTo("shop1.payment.failed");
  }

  @Test
  void anUnroutableMessageIsAFailureInsteadOfBeingSilentlyDropped() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "order.placed");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    Delivery unroutable = delivery(OutboxEvent.PAYMENT_FAILED, 4);

    assertThatThrownBy(() -> hook.handle(unroutable))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("returned it as unroutable")
        .hasMessageContaining("routing key 'payment.failed'")
        .hasMessageContaining("attempt 4 of delivery " + unroutable.deliveryId());

    // The channel stays usable: the next, routable delivery goes through.
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));
    assertThat(broker.take(queue, 5_000)).isNotNull();
    assertThat(broker.count(queue)).isZero();
  }

  @Test
  void aMissingExchangeIsAFailureThatSaysToDeclareIt() throws Exception {
    RabbitMqHook hook = started(hook(broker.uri(), "tc.test.missing." + UUID.randomUUID()));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the exchange does not exist (404 NOT_FOUND)");
  }

  @Test
  void aMessageTheBrokerRefusesWithANackIsAFailure() throws Exception {
    String exchange = broker.topicExchange();
    String queue =
        broker.queue(
            exchange, Map.of("x-max-length", 1, "x-overflow", "reject-publish"), "order.*");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the broker refused it (basic.nack)");
    assertThat(broker.count(queue)).isEqualTo(1);

    broker.take(queue, 5_000);
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));
    assertThat(broker.count(queue)).as("after the queue had room again").isEqualTo(1);
  }

  @Test
  void aBrokerThatGoesAwayFailsDeliveriesUntilTheConnectionHasRecovered() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "order.*");
    try (TcpProxy proxy = new TcpProxy(broker.host(), broker.port())) {
      RabbitMqHook hook = started(hook(broker.uriWithPort(proxy.port()), exchange));
      hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));
      assertThat(broker.take(queue, 5_000)).isNotNull();

      proxy.down();
      Delivery during = delivery(OutboxEvent.ORDER_PLACED, 2);
      assertThatThrownBy(() -> hook.handle(during))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("rabbitmq 'rabbitmq' to exchange '" + exchange + "'")
          .hasMessageContaining("127.0.0.1:" + proxy.port());

      proxy.up();
      Delivery retried = new Delivery(during.deliveryId(), "rabbitmq", 3, during.event());
      retryUntilDelivered(hook, retried, Duration.ofSeconds(30));

      GetResponse got = broker.take(queue, 5_000);
      assertThat(got).isNotNull();
      assertThat(got.getProps().getMessageId()).isEqualTo(during.deliveryId().toString());
      assertThat(broker.take(queue, 200)).as("the failed attempt, sent later after all").isNull();
    }
  }

  @Test
  void noConfirmInTimeIsAFailureAndTheRetryIsADuplicateWithTheSameMessageId() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "order.*");
    try (TcpProxy proxy = new TcpProxy(broker.host(), broker.port())) {
      RabbitMqHook hook =
          started(
              hook(broker.uriWithPort(proxy.port()), exchange)
                  .confirmTimeout(Duration.ofSeconds(1)));
      hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));
      assertThat(broker.take(queue, 5_000)).isNotNull();

      proxy.stall(); // the broker takes the message, but its confirm does not come through
      Delivery unconfirmed = delivery(OutboxEvent.ORDER_PLACED, 1);
      assertThatThrownBy(() -> hook.handle(unconfirmed))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no publisher confirm within PT1S");
      proxy.resume();
      retryUntilDelivered(hook, again(unconfirmed, 2), Duration.ofSeconds(30));

      // At least once: the broker has both attempts, and the consumer tells them apart by id.
      GetResponse first = broker.take(queue, 5_000);
      GetResponse second = broker.take(queue, 5_000);
      assertThat(first.getProps().getMessageId())
          .isEqualTo(second.getProps().getMessageId())
          .isEqualTo(unconfirmed.deliveryId().toString());
      assertThat(second.getProps().getHeaders().get(RabbitMqHook.HEADER_ATTEMPT)).isEqualTo(2);
    }
  }

  private static Delivery again(Delivery delivery, int attempt) {
    return new Delivery(delivery.deliveryId(), delivery.hook(), attempt, delivery.event());
  }

  /** Retries like the dispatcher does, with a short pause; returns how many attempts failed. */
  static int retryUntilDelivered(
      dev.tinycheckout.fulfilment.FulfilmentHook hook, Delivery delivery, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    int failures = 0;
    while (true) {
      try {
        hook.handle(delivery);
        return failures;
      } catch (IOException e) {
        failures++;
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not delivered within " + limit + ", last failure: " + e, e);
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aBrokerThatIsNotRunningFailsFastWithoutShowingTheCredentials() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    RabbitMqHook hook =
        started(
            hook(URI.create("amqp://shop:s3cret@127.0.0.1:" + closedPort + "/%2F"), "tc.test.x"));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("on amqp://127.0.0.1:" + closedPort + "/%2F")
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("s3cret");
    assertThat(hook.toString()).doesNotContain("s3cret").doesNotContain("shop:");
  }

  @Test
  void wrongCredentialsAreAFailureThatNeverShowsThem() throws Exception {
    URI wrong =
        URI.create(
            "amqp://nobody:wr0ng@"
                + broker.host()
                + ":"
                + broker.port()
                + broker.uri().getRawPath());
    RabbitMqHook hook = started(hook(wrong, "tc.test.x"));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("wr0ng");
  }

  @Test
  void concurrentDeliveriesEachArriveOnceOverChannelsOfTheirOwn() throws Exception {
    String exchange = broker.topicExchange();
    String queue = broker.queue(exchange, "order.*");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    int threads = 8;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    Delivery d = delivery(OutboxEvent.ORDER_PLACED, 1);
                    sent.add(d.deliveryId().toString());
                    hook.handle(d);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Set<String> received = new HashSet<>();
    GetResponse got;
    while ((got = broker.take(queue, 1_000)) != null) {
      assertThat(received.add(got.getProps().getMessageId())).as("a duplicate").isTrue();
    }
    assertThat(received).hasSize(threads * each).isEqualTo(sent);
  }

  @Test
  void aClosedHookRefusesDeliveries() throws Exception {
    String exchange = broker.topicExchange();
    broker.queue(exchange, "#");
    RabbitMqHook hook = started(hook(broker.uri(), exchange));
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

    hook.close();
    hook.close();

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}

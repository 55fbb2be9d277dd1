package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.OutboxEvent;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The broker hooks' builders, which need no broker: defaults, validation and what they show. */
class BrokerHookBuilderTest {
  private static final URI AMQP = URI.create("amqp://shop:s3cret@rabbit.example.com/shop%2Fprod");
  private static final URI NATS = URI.create("nats://shop:s3cret@nats.example.com:4222");

  @Test
  void aRabbitMqHookRoutesByEventTypeAndShowsNoCredentials() {
    RabbitMqHook hook = RabbitMqHook.builder().uri(AMQP).exchange("shop.events").build();

    assertThat(hook.name()).isEqualTo("rabbitmq");
    assertThat(hook.routingKey(OutboxEvent.ORDER_PLACED)).isEqualTo("order.placed");
    assertThat(hook.subscribesTo(OutboxEvent.PAYMENT_FAILED)).isTrue();
    assertThat(hook.ordered()).isFalse();
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(hook.toString())
        .contains("amqp://rabbit.example.com:5672/shop%2Fprod")
        .contains("exchange 'shop.events'")
        .doesNotContain("s3cret")
        .doesNotContain("shop:");
  }

  @Test
  void aRabbitMqHookTakesAPrefixEventTypesAndTimeouts() {
    RabbitMqHook hook =
        RabbitMqHook.builder()
            .name("events")
            .uri(URI.create("amqps://rabbit.example.com"))
            .exchange("amq.topic")
            .routingKeyPrefix("shop1.")
            .eventTypes(OutboxEvent.ORDER_PLACED)
            .ordered(true)
            .confirmTimeout(Duration.ofSeconds(3))
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    assertThat(hook.routingKey(OutboxEvent.ORDER_PLACED)).isEqualTo("shop1.order.placed");
    assertThat(hook.subscribesTo(OutboxEvent.ORDER_PLACED)).isTrue();
    assertThat(hook.subscribesTo(OutboxEvent.ORDER_WITHDRAWN)).isFalse();
    assertThat(hook.ordered()).isTrue();
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(hook.toString()).contains("amqps://rabbit.example.com:5671/");
  }

  @Test
  void theRabbitMqBuilderRefusesBadSettingsWithClearMessages() {
    assertThatThrownBy(() -> RabbitMqHook.builder().exchange("x").build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("uri")
        .hasMessageContaining("required");
    assertThatThrownBy(() -> RabbitMqHook.builder().uri(AMQP).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("exchange");
    assertThatThrownBy(
            () -> RabbitMqHook.builder().uri(URI.create("http://user:s3cret@rabbit.example.com")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("amqp://")
        .hasMessageContaining("'http'")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> RabbitMqHook.builder().uri(URI.create("amqp://h/a/b")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("%2F");
    assertThatThrownBy(() -> RabbitMqHook.builder().exchange(""))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("not the default exchange");
    assertThatThrownBy(() -> RabbitMqHook.builder().exchange("has space"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'has space'");
    assertThatThrownBy(() -> RabbitMqHook.builder().routingKeyPrefix("shop1"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'shop1'");
    assertThatThrownBy(() -> RabbitMqHook.builder().routingKeyPrefix("shop.*."))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> RabbitMqHook.builder().confirmTimeout(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> RabbitMqHook.builder().recoveryInterval(Duration.ofHours(1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT1H");
    assertThatThrownBy(() -> RabbitMqHook.builder().eventTypes())
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> RabbitMqHook.builder().name("Not Valid"))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void aNatsHookPublishesUnderThePrefixAndShowsNoCredentials() {
    NatsJetStreamHook hook = NatsJetStreamHook.builder().server(NATS).build();

    assertThat(hook.name()).isEqualTo("nats");
    assertThat(hook.subject(OutboxEvent.ORDER_PLACED)).isEqualTo("tinycheckout.order.placed");
    assertThat(hook.subscribesTo(OutboxEvent.PAYMENT_FAILED)).isTrue();
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(hook.toString())
        .contains("nats://nats.example.com:4222")
        .doesNotContain("s3cret")
        .doesNotContain("shop:");

    NatsJetStreamHook custom =
        NatsJetStreamHook.builder()
            .server(URI.create("tls://a.example.com"))
            .server(URI.create("tls://b.example.com"))
            .subjectPrefix("")
            .expectedStream("ORDERS")
            .eventTypes(OutboxEvent.ORDER_WITHDRAWN)
            .ackTimeout(Duration.ofSeconds(1))
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    assertThat(custom.subject(OutboxEvent.ORDER_WITHDRAWN)).isEqualTo("order.withdrawn");
    assertThat(custom.subscribesTo(OutboxEvent.ORDER_PLACED)).isFalse();
    assertThat(custom.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(custom.toString()).contains("tls://a.example.com:4222").contains("stream ORDERS");
  }

  @Test
  void theNatsBuilderRefusesBadSettingsWithClearMessages() {
    assertThatThrownBy(() -> NatsJetStreamHook.builder().build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("server")
        .hasMessageContaining("required");
    assertThatThrownBy(
            () -> NatsJetStreamHook.builder().server(URI.create("amqp://u:s3cret@h.example.com")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("nats://")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(
            () ->
                NatsJetStreamHook.builder()
                    .server(URI.create("nats://a:one@a.example.com"))
                    .server(URI.create("nats://b:two@b.example.com"))
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("same credentials")
        .hasMessageNotContaining("a:one")
        .hasMessageNotContaining("b:two");
    assertThatThrownBy(() -> NatsJetStreamHook.builder().subjectPrefix("events.>."))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'events.>.'");
    assertThatThrownBy(() -> NatsJetStreamHook.builder().subjectPrefix("tinycheckout"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> NatsJetStreamHook.builder().expectedStream("ORDERS.1"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'ORDERS.1'");
    assertThatThrownBy(() -> NatsJetStreamHook.builder().ackTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> NatsJetStreamHook.builder().reconnectWait(Duration.ZERO))
        .isInstanceOf(ValidationException.class);
  }
}

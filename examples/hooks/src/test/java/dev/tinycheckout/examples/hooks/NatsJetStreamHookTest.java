package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.OutboxEvent;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** {@link NatsJetStreamHook} against a real NATS server with JetStream, each test on its stream. */
@EnabledIfEnvironmentVariable(
    named = NatsServer.URL_VARIABLE,
    matches = ".+",
    disabledReason =
        NatsServer.URL_VARIABLE
            + " is not set (such as nats://127.0.0.1:4222, JetStream on): no NATS to test against")
class NatsJetStreamHookTest {
  private static final Duration WINDOW = Duration.ofMinutes(2);

  private NatsServer nats;
  private String prefix;
  private final List<NatsJetStreamHook> hooks = new ArrayList<>();

  @BeforeEach
  void connect() throws Exception {
    nats = new NatsServer();
    prefix = NatsServer.uniquePrefix();
  }

  @AfterEach
  void cleanUp() throws Exception {
    hooks.forEach(NatsJetStreamHook::close);
    nats.close();
  }

  private NatsJetStreamHook.Builder hook(URI server) {
    return NatsJetStreamHook.builder()
        .server(server)
        .subjectPrefix(prefix)
        .ackTimeout(Duration.ofSeconds(2))
        .connectTimeout(Duration.ofSeconds(3))
        .reconnectWait(Duration.ofMillis(100));
  }

  private NatsJetStreamHook started(NatsJetStreamHook.Builder builder) {
    NatsJetStreamHook hook = builder.build();
    hooks.add(hook);
    return hook;
  }

  private static Delivery delivery(String type, int attempt) {
    return RabbitMqHookTest.delivery(type, attempt);
  }

  private static Delivery again(Delivery delivery, int attempt) {
    return new Delivery(delivery.deliveryId(), delivery.hook(), attempt, delivery.event());
  }

  @Test
  void aDeliveryIsStoredOnceWithTheDeliveryIdAsNatsMsgIdAndTheEventHeaders() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    NatsJetStreamHook hook = started(hook(nats.uri()));
    Delivery delivery = delivery(OutboxEvent.ORDER_PLACED, 1);

    hook.handle(delivery);

    assertThat(nats.count(stream)).isEqualTo(1);
    MessageInfo stored = nats.message(stream, 1);
    assertThat(stored.getSubject()).isEqualTo(prefix + "order.placed");
    Headers headers = stored.getHeaders();
    assertThat(headers.getFirst("Nats-Msg-Id")).isEqualTo(delivery.deliveryId().toString());
    assertThat(headers.getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(headers.getFirst(NatsJetStreamHook.HEADER_EVENT_TYPE)).isEqualTo("order.placed");
    assertThat(headers.getFirst(NatsJetStreamHook.HEADER_EVENT_ID))
        .isEqualTo(delivery.event().id().toString());
    assertThat(headers.getFirst(NatsJetStreamHook.HEADER_AGGREGATE_ID)).isEqualTo("ord_1");
    assertThat(headers.getFirst(NatsJetStreamHook.HEADER_ATTEMPT)).isEqualTo("1");
    assertThat(new String(stored.getData(), StandardCharsets.UTF_8))
        .isEqualTo(WebhookHook.body(delivery));
  }

  @Test
  void aRedeliveryOfTheSameDeliveryIdIsDeDuplicatedByJetStream() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    NatsJetStreamHook hook = started(hook(nats.uri()));
    Delivery first = delivery(OutboxEvent.ORDER_PLACED, 1);

    hook.handle(first);
    hook.handle(again(first, 2));
    hook.handle(again(first, 3));
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

    assertThat(nats.count(stream)).as("one message per delivery id").isEqualTo(2);
    assertThat(nats.message(stream, 1).getHeaders().getFirst(NatsJetStreamHook.HEADER_ATTEMPT))
        .as("the stored one is the first attempt")
        .isEqualTo("1");
  }

  @Test
  void aSubjectNoStreamCapturesIsAFailure() throws Exception {
    NatsJetStreamHook hook = started(hook(nats.uri()));
    Delivery delivery = delivery(OutboxEvent.ORDER_PLACED, 5);

    assertThatThrownBy(() -> hook.handle(delivery))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("subject '" + prefix + "order.placed'")
        .hasMessageContaining("no stream captures the subject")
        .hasMessageContaining("attempt 5 of delivery " + delivery.deliveryId());
  }

  @Test
  void anotherStreamThanTheExpectedOneIsAFailureAndStoresNothing() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    NatsJetStreamHook hook = started(hook(nats.uri()).expectedStream("TCTEST_SOMETHING_ELSE"));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the stream refused it (JetStream error");
    assertThat(nats.count(stream)).isZero();

    NatsJetStreamHook right = started(hook(nats.uri()).expectedStream(stream));
    right.handle(delivery(OutboxEvent.ORDER_PLACED, 1));
    assertThat(nats.count(stream)).isEqualTo(1);
  }

  @Test
  void aServerThatGoesAwayFailsDeliveriesUntilTheClientHasReconnected() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    try (TcpProxy proxy = new TcpProxy(nats.host(), nats.port())) {
      NatsJetStreamHook hook = started(hook(nats.uriWithPort(proxy.port())));
      hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

      proxy.down();
      Delivery during = delivery(OutboxEvent.ORDER_WITHDRAWN, 1);
      assertThatThrownBy(() -> hook.handle(during))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("nats 'nats' on nats://127.0.0.1:" + proxy.port());

      proxy.up();
      RabbitMqHookTest.retryUntilDelivered(hook, again(during, 2), Duration.ofSeconds(30));

      assertThat(nats.count(stream)).isEqualTo(2);
      assertThat(nats.message(stream, 2).getHeaders().getFirst("Nats-Msg-Id"))
          .isEqualTo(during.deliveryId().toString());
    }
  }

  @Test
  void aLostPubAckIsAFailureAndTheRetryIsStoredOnlyOnce() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    try (TcpProxy proxy = new TcpProxy(nats.host(), nats.port())) {
      NatsJetStreamHook hook =
          started(hook(nats.uriWithPort(proxy.port())).ackTimeout(Duration.ofSeconds(1)));
      hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

      proxy.stall(); // the stream stores the message, but its PubAck does not come through
      Delivery unacknowledged = delivery(OutboxEvent.ORDER_PLACED, 1);
      assertThatThrownBy(() -> hook.handle(unacknowledged))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no PubAck within PT1S");
      assertThat(nats.count(stream)).as("stored all the same").isEqualTo(2);
      proxy.resume();

      RabbitMqHookTest.retryUntilDelivered(hook, again(unacknowledged, 2), Duration.ofSeconds(30));

      assertThat(nats.count(stream)).as("the retry was a duplicate").isEqualTo(2);
      assertThat(nats.message(stream, 2).getHeaders().getFirst("Nats-Msg-Id"))
          .isEqualTo(unacknowledged.deliveryId().toString());
    }
  }

  @Test
  void aServerThatIsNotRunningFailsWithoutShowingTheCredentials() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    NatsJetStreamHook hook =
        started(hook(URI.create("nats://shop:s3cret@127.0.0.1:" + closedPort)));

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nats 'nats' on nats://127.0.0.1:" + closedPort)
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("s3cret");
    assertThat(hook.toString()).doesNotContain("s3cret");
  }

  @Test
  void concurrentDeliveriesAreEachStoredOnce() throws Exception {
    String stream = nats.stream(prefix, WINDOW);
    NatsJetStreamHook hook = started(hook(nats.uri()));
    int threads = 8;
    int each = 25;
    long total = (long) threads * each;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    Delivery d = delivery(OutboxEvent.ORDER_PLACED, 1);
                    hook.handle(d);
                    hook.handle(again(d, 2));
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

    assertThat(nats.count(stream)).isEqualTo(total);
    Set<String> ids = new HashSet<>();
    for (long seq = 1; seq <= total; seq++) {
      ids.add(nats.message(stream, seq).getHeaders().getFirst("Nats-Msg-Id"));
    }
    assertThat(ids).hasSize((int) total);
  }

  @Test
  void aClosedHookRefusesDeliveries() throws Exception {
    nats.stream(prefix, WINDOW);
    NatsJetStreamHook hook = started(hook(nats.uri()));
    hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1));

    hook.close();
    hook.close();

    assertThatThrownBy(() -> hook.handle(delivery(OutboxEvent.ORDER_PLACED, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}

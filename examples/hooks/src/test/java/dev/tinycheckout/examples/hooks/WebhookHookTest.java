package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.OutboxEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookHookTest {
  private static final String SECRET = WebhookSignature.generateSecret();
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private Receiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = new Receiver();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private WebhookHook.Builder hook() {
    return WebhookHook.builder().target(receiver.uri("/hooks/shop")).secret(SECRET).clock(clock);
  }

  private static Delivery delivery(UUID deliveryId, int attempt) {
    OutboxEvent event =
        new OutboxEvent(
            UUID.fromString("7d7c3e5e-1f8e-4c9b-9a59-0c3d2c1b0a99"),
            OutboxEvent.ORDER_PLACED,
            "ord_\"42\"",
            "{\"orderId\":\"ord_42\",\"total\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}",
            Instant.parse("2026-11-25T09:59:58.123Z"));
    return new Delivery(deliveryId, "webhook", attempt, event);
  }

  @Test
  void aDeliveryArrivesAsASignedJsonPostWithTheStandardWebhooksHeaders() throws Exception {
    UUID id = UUID.randomUUID();

    hook().build().handle(delivery(id, 1));

    Receiver.Received got = receiver.next();
    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.path()).isEqualTo("/hooks/shop");
    assertThat(got.contentType()).isEqualTo("application/json");
    assertThat(got.id()).isEqualTo(id.toString());
    assertThat(got.timestamp()).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(got.signature()).startsWith("v1,");
    assertThat(
            WebhookSignature.ofSecret(SECRET)
                .verify(got.id(), got.timestamp(), got.body(), got.signature(), NOW.plusSeconds(3)))
        .isTrue();
  }

  @Test
  void theBodyCarriesTheDeliveryAndTheEventWithItsPayloadAsIs() throws Exception {
    UUID id = UUID.fromString("00000000-0000-4000-8000-000000000001");

    hook().build().handle(delivery(id, 3));

    assertThat(new String(receiver.next().body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"deliveryId\":\"00000000-0000-4000-8000-000000000001\",\"attempt\":3,"
                + "\"event\":{\"id\":\"7d7c3e5e-1f8e-4c9b-9a59-0c3d2c1b0a99\","
                + "\"type\":\"order.placed\",\"aggregateId\":\"ord_\\\"42\\\"\","
                + "\"createdAt\":\"2026-11-25T09:59:58.123Z\","
                + "\"payload\":{\"orderId\":\"ord_42\","
                + "\"total\":{\"amount\":\"1.00\",\"currency\":\"EUR\"}}}}");
  }

  @Test
  void aRetriedDeliveryKeepsItsWebhookIdAndIsSignedAgainWithItsOwnTimestamp() throws Exception {
    WebhookHook hook = hook().build();
    UUID id = UUID.randomUUID();

    hook.handle(delivery(id, 1));
    clock.advance(Duration.ofMinutes(7));
    hook.handle(delivery(id, 2));

    Receiver.Received first = receiver.next();
    Receiver.Received retry = receiver.next();
    assertThat(retry.id()).isEqualTo(first.id()).isEqualTo(id.toString());
    assertThat(Long.parseLong(retry.timestamp()) - Long.parseLong(first.timestamp()))
        .isEqualTo(420);
    assertThat(
            WebhookSignature.ofSecret(SECRET)
                .verify(
                    retry.id(),
                    retry.timestamp(),
                    retry.body(),
                    retry.signature(),
                    clock.instant()))
        .isTrue();
  }

  @Test
  void aServerErrorMakesHandleThrowWithTheStatusButNeitherBodyNorSecret() {
    receiver.answering(500);
    WebhookHook hook = hook().build();

    assertThatThrownBy(() -> hook.handle(delivery(UUID.randomUUID(), 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered 500")
        .hasMessageNotContaining("secret-internal-detail")
        .hasMessageNotContaining(SECRET.substring("whsec_".length()))
        .hasMessageNotContaining("/hooks/shop")
        .hasMessageNotContaining("ord_42");
  }

  @Test
  void aRedirectIsNotFollowedAndCountsAsAFailure() throws Exception {
    receiver.answering(302);
    WebhookHook hook = hook().build();

    assertThatThrownBy(() -> hook.handle(delivery(UUID.randomUUID(), 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered 302");
    assertThat(receiver.next().path()).isEqualTo("/hooks/shop");
    assertThat(receiver.poll(300)).isNull();
  }

  @Test
  void aReceiverThatHangsPastTheTimeoutMakesHandleThrowPromptly() {
    receiver.hanging();
    WebhookHook hook = hook().timeout(Duration.ofMillis(300)).build();

    long started = System.nanoTime();
    assertThatThrownBy(() -> hook.handle(delivery(UUID.randomUUID(), 1)))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessageContaining("PT0.3S");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anUnreachableReceiverMakesHandleThrow() {
    URI closed = receiver.uri("/hooks/shop");
    receiver.close();
    WebhookHook hook = WebhookHook.builder().target(closed).secret(SECRET).build();

    assertThatThrownBy(() -> hook.handle(delivery(UUID.randomUUID(), 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void theDispatcherGivesTheRequestAGraceBeyondItsTimeout() {
    WebhookHook hook = hook().timeout(Duration.ofSeconds(10)).build();

    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void itSubscribesToEveryTypeByDefaultOrOnlyToTheChosenOnes() {
    assertThat(hook().build().subscribesTo(OutboxEvent.ORDER_WITHDRAWN)).isTrue();

    WebhookHook placedOnly = hook().eventTypes(OutboxEvent.ORDER_PLACED).build();
    assertThat(placedOnly.subscribesTo(OutboxEvent.ORDER_PLACED)).isTrue();
    assertThat(placedOnly.subscribesTo(OutboxEvent.ORDER_WITHDRAWN)).isFalse();
  }

  @Test
  void itIsNamedWebhookUnlessNamedOtherwise() {
    assertThat(hook().build().name()).isEqualTo("webhook");
    assertThat(hook().name("webhook.erp").build().name()).isEqualTo("webhook.erp");
    assertThatThrownBy(() -> hook().name("Webhook ERP"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Webhook ERP");
  }

  @Test
  void theBuilderRequiresATargetAndASecret() {
    assertThatThrownBy(() -> WebhookHook.builder().secret(SECRET).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("target");
    assertThatThrownBy(() -> WebhookHook.builder().target(receiver.uri("/")).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("secret");
  }

  @Test
  void theBuilderRefusesANonHttpTarget() {
    assertThatThrownBy(() -> WebhookHook.builder().target(URI.create("ftp://example.com/x")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'ftp'");
  }

  @Test
  void theBuilderRefusesAClientThatFollowsRedirects() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    assertThatThrownBy(() -> WebhookHook.builder().httpClient(following))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("redirects");
  }

  @Test
  void theBuilderRefusesANonPositiveTimeout() {
    assertThatThrownBy(() -> WebhookHook.builder().timeout(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT0S");
  }

  @Test
  void itsTextShowsNeitherTheSecretNorThePath() {
    assertThat(hook().build().toString())
        .doesNotContain(SECRET.substring("whsec_".length()))
        .doesNotContain("/hooks/shop")
        .contains("127.0.0.1");
  }
}

package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.tinycheckout.consent.CheckpointSigner;
import dev.tinycheckout.consent.CheckpointVerifier;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentWitness;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the code of examples/hooks/README.md, and keeps the page showing exactly that code. */
class ReadmeTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/tinycheckout/examples/hooks/ReadmeTest.java");

  @Test
  void theReadmeShowsTheTestedCode() throws IOException {
    Matcher blocks =
        Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("README.md")));
    String code = Files.readString(SOURCE);
    for (String tag : List.of("send", "receive", "email", "witness", "rabbitmq", "nats")) {
      assertThat(blocks.find()).as("a ```java block for " + tag).isTrue();
      String begin = "// tag::" + tag + "[]\n";
      String tagged =
          code.substring(
              code.indexOf(begin) + begin.length(), code.indexOf("// end::" + tag + "[]"));
      assertThat(normalize(blocks.group(1))).isEqualTo(normalize(tagged));
    }
  }

  @Test
  void theReceiverOfTheReadmeTakesASignedDeliveryOnceAndRefusesAnUnsignedOne() throws Exception {
    String secret = WebhookSignature.generateSecret();
    List<byte[]> handled = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.start();
    try {
      Set<String> seen = ConcurrentHashMap.newKeySet();
      java.util.function.Consumer<byte[]> orders = handled::add;
      // tag::receive[]
      WebhookSignature verifier = WebhookSignature.ofSecret(secret);
      server.createContext(
          "/webhooks/tinycheckout",
          exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes(); // raw, before any parsing
            Headers headers = exchange.getRequestHeaders();
            String id = Objects.requireNonNullElse(headers.getFirst("Webhook-Id"), "");
            boolean authentic =
                verifier.verify(
                    id,
                    Objects.requireNonNullElse(headers.getFirst("Webhook-Timestamp"), ""),
                    body,
                    Objects.requireNonNullElse(headers.getFirst("Webhook-Signature"), ""),
                    Instant.now());
            if (authentic && seen.add(id)) { // at least once: skip an id already handled
              orders.accept(body);
            }
            exchange.sendResponseHeaders(authentic ? 204 : 401, -1);
            exchange.close();
          });
      // end::receive[]
      String shopUrl =
          "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/tinycheckout";

      // tag::send[]
      WebhookHook webhook =
          WebhookHook.builder()
              .target(URI.create(shopUrl))
              .secret(secret) // whsec_…, from WebhookSignature.generateSecret()
              .eventTypes(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN)
              .build();
      FulfilmentHooks hooks = FulfilmentHooks.of(webhook);
      // end::send[]

      assertThat(hooks.names()).containsExactly("webhook");
      Delivery delivery =
          new Delivery(
              UUID.randomUUID(),
              "webhook",
              1,
              new OutboxEvent(
                  UUID.randomUUID(), OutboxEvent.ORDER_PLACED, "ord_1", "{}", Instant.now()));
      webhook.handle(delivery);
      webhook.handle(new Delivery(delivery.deliveryId(), "webhook", 2, delivery.event()));
      assertThat(handled).hasSize(1);

      HttpResponse<Void> forged =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(shopUrl))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(handled).hasSize(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theEmailHookOfTheReadmeSendsAReceipt() throws Exception {
    GreenMail greenMail =
        new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop", "s3cret"));
    greenMail.start();
    try {
      String smtpHost = "127.0.0.1";
      int smtpPort = greenMail.getSmtp().getPort();
      String smtpUser = "shop";
      String smtpPassword = "s3cret";

      // tag::email[]
      EmailHook email =
          EmailHook.builder()
              .host(smtpHost)
              .port(smtpPort)
              .credentials(smtpUser, smtpPassword)
              .from("Example Shop <shop@example.com>")
              .shopName("Example Shop")
              .build();
      FulfilmentHooks hooks = FulfilmentHooks.of(email);
      // end::email[]

      assertThat(hooks.names()).containsExactly("email");
      email.handle(
          EmailHookTest.delivery(OutboxEvent.ORDER_PLACED, EmailHookTest.PLACED_PAYLOAD, 1));
      assertThat(greenMail.getReceivedMessages()).hasSize(1);
    } finally {
      greenMail.stop();
    }
  }

  @Test
  void theReceiptWitnessOfTheReadmeAppendsTheCustomersConsentRecordToTheReceipt() throws Exception {
    GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    try {
      InMemoryStorage storage = InMemoryStorage.create();
      String smtpHost = "127.0.0.1";
      int smtpPort = greenMail.getSmtp().getPort();
      byte[] subjectSecret = new byte[32];
      new SecureRandom().nextBytes(subjectSecret);
      byte[] privateKey = CheckpointSigner.generate("shop.example/consent").privateKeyPkcs8();

      // tag::witness[]
      ConsentAudit audit =
          ConsentAudit.builder(storage)
              .subjectSecret(subjectSecret) // 32 random bytes or more, kept out of the database
              .checkpointSigner(CheckpointSigner.fromPkcs8("shop.example/consent", privateKey))
              .build();
      EmailHook email =
          EmailHook.builder()
              .host(smtpHost)
              .port(smtpPort)
              .from("Example Shop <shop@example.com>")
              .shopName("Example Shop")
              .receiptWitness(
                  orderId -> audit.witnessFor(OrderId.parse(orderId)).map(ConsentWitness::text),
                  URI.create("https://shop.example/consent-key")) // the published verifier key
              .build();
      // …and give the same audit to the checkout: Checkout.builder().consentAudit(audit)
      // end::witness[]

      OrderId orderId = OrderId.generate(Clock.systemUTC());
      storage.inTransaction(
          tx ->
              audit.append(
                  tx,
                  ConsentEvidence.of(
                      Email.of("ann@example.com"),
                      ConsentAction.GRANTED,
                      ConsentPurpose.TERMS_OF_SALE,
                      "2026-11-01",
                      ConsentHash.ZERO,
                      ConsentEvidence.CHANNEL_CHECKOUT,
                      orderId,
                      Instant.now())));
      email.handle(
          EmailHookTest.delivery(
              OutboxEvent.ORDER_PLACED,
              EmailHookTest.PLACED_PAYLOAD.replace(EmailHookTest.ORDER_ID, orderId.toString()),
              1));
      String body = (String) greenMail.getReceivedMessages()[0].getContent();
      ConsentWitness witness = ConsentWitness.parse(body);
      assertThat(witness.orderId()).isEqualTo(orderId);
      witness.verify(
          CheckpointVerifier.fromVerifierKey(
              CheckpointSigner.fromPkcs8("shop.example/consent", privateKey).verifierKey()));
    } finally {
      greenMail.stop();
    }
  }

  @Test
  void theBrokerHooksOfTheReadmeBuildWithoutConnecting() {
    String amqpUrl = "amqp://shop:s3cret@127.0.0.1:5672/%2F";
    String natsUrl = "nats://127.0.0.1:4222";

    // tag::rabbitmq[]
    RabbitMqHook rabbit =
        RabbitMqHook.builder()
            .uri(URI.create(amqpUrl)) // amqp://user:password@host:5672/%2F
            .exchange("shop.events") // a durable topic exchange of yours
            .build();
    FulfilmentHooks hooks = FulfilmentHooks.of(rabbit);
    // …and after dispatcher.stop(…):
    rabbit.close();
    // end::rabbitmq[]
    assertThat(hooks.names()).containsExactly("rabbitmq");
    assertThat(rabbit.routingKey(OutboxEvent.ORDER_PLACED)).isEqualTo("order.placed");

    // tag::nats[]
    NatsJetStreamHook nats =
        NatsJetStreamHook.builder()
            .server(URI.create(natsUrl)) // nats://host:4222, or several for a cluster
            .expectedStream("ORDERS") // a stream of yours whose subjects include tinycheckout.>
            .build();
    FulfilmentHooks natsHooks = FulfilmentHooks.of(nats);
    // …and after dispatcher.stop(…):
    nats.close();
    // end::nats[]
    assertThat(natsHooks.names()).containsExactly("nats");
    assertThat(nats.subject(OutboxEvent.ORDER_PLACED)).isEqualTo("tinycheckout.order.placed");
  }

  private static String normalize(String code) {
    List<String> lines = code.strip().lines().map(String::stripTrailing).toList();
    int indent =
        lines.stream()
            .skip(1)
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      out.append(i == 0 || l.isBlank() ? l.strip() : l.substring(Math.min(indent, l.length())))
          .append('\n');
    }
    return out.toString();
  }
}

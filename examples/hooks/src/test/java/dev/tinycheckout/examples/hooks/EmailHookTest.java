package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.OutboxEvent;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmailHookTest {
  static final String ORDER_ID = "ord_01JDXW7Q2M";
  static final String PLACED_PAYLOAD =
      "{\"orderId\":\""
          + ORDER_ID
          + "\",\"paymentId\":\"pay_42\",\"order\":{\"id\":\""
          + ORDER_ID
          + "\",\"status\":\"PAID\",\"items\":[{\"sku\":\"apple\",\"quantity\":2,"
          + "\"unitPrice\":{\"amount\":125,\"currency\":\"EUR\"},"
          + "\"lineTotal\":{\"amount\":250,\"currency\":\"EUR\"}},"
          + "{\"sku\":\"pear\",\"quantity\":1,\"unitPrice\":{\"amount\":99,\"currency\":\"EUR\"},"
          + "\"lineTotal\":{\"amount\":99,\"currency\":\"EUR\"}}],"
          + "\"total\":{\"amount\":349,\"currency\":\"EUR\"},\"email\":\"ann@example.com\","
          + "\"createdAt\":\"2026-11-25T10:00:00.123Z\"}}";
  static final String WITHDRAWN_PAYLOAD =
      "{\"orderId\":\""
          + ORDER_ID
          + "\",\"receiptId\":\"wd_7\",\"withdrawnAt\":\"2026-11-27T09:30:00.000Z\","
          + "\"refund\":{\"amount\":349,\"currency\":\"EUR\"},\"email\":\"ann@example.com\","
          + "\"name\":\"Ann Example\"}";
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:01Z");

  private final GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

  @BeforeEach
  void startSmtp() {
    greenMail.start();
  }

  @AfterEach
  void stopSmtp() {
    greenMail.stop();
  }

  private EmailHook.Builder hook() {
    return EmailHook.builder()
        .host("127.0.0.1")
        .port(greenMail.getSmtp().getPort())
        .from("Example Shop <shop@example.com>")
        .shopName("Example Shop")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static Delivery delivery(String type, String payload, int attempt) {
    return delivery(UUID.randomUUID(), type, payload, attempt);
  }

  static Delivery delivery(UUID id, String type, String payload, int attempt) {
    return new Delivery(
        id,
        "email",
        attempt,
        new OutboxEvent(
            UUID.fromString("00000000-0000-0000-0000-000000000001"), type, ORDER_ID, payload, NOW));
  }

  @Test
  void aPlacedOrdersDeliverySendsOneReceiptToTheCustomer() throws Exception {
    Delivery delivery = delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1);

    hook().build().handle(delivery);

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received[0];
    assertThat(mail.getRecipients(Message.RecipientType.TO))
        .containsExactly(new InternetAddress("ann@example.com"));
    assertThat(mail.getFrom()).containsExactly(new InternetAddress("shop@example.com"));
    assertThat(mail.getSubject()).isEqualTo("Example Shop: your order " + ORDER_ID);
    assertThat(mail.getMessageID()).isEqualTo("<" + delivery.deliveryId() + "@tinycheckout>");
    assertThat(mail.getSentDate()).isEqualTo(Date.from(NOW));
    assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    assertThat(mail.getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
    assertThat(GreenMailUtil.getBody(mail).replace("\r\n", "\n"))
        .contains("Order: " + ORDER_ID)
        .contains("Placed: 2026-11-25T10:00:00.123Z")
        .contains("Payment: pay_42")
        .contains("  2 x apple at EUR 1.25: EUR 2.50\n")
        .contains("  1 x pear at EUR 0.99: EUR 0.99\n")
        .contains("Total: EUR 3.49")
        .contains("it is your receipt");
  }

  @Test
  void aWithdrawalSendsTheAcknowledgementWithReceiptIdTimeAndRefund() throws Exception {
    Delivery delivery = delivery(OutboxEvent.ORDER_WITHDRAWN, WITHDRAWN_PAYLOAD, 1);

    hook().build().handle(delivery);

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage mail = received[0];
    assertThat(mail.getRecipients(Message.RecipientType.TO))
        .containsExactly(new InternetAddress("ann@example.com"));
    assertThat(mail.getSubject()).isEqualTo("Example Shop: your withdrawal from order " + ORDER_ID);
    assertThat(mail.getMessageID()).isEqualTo(EmailHook.messageId(delivery.deliveryId()));
    assertThat(GreenMailUtil.getBody(mail).replace("\r\n", "\n"))
        .startsWith("Dear Ann Example,\n")
        .contains("received your withdrawal from the contract for order " + ORDER_ID)
        .contains("Withdrawal receipt: wd_7")
        .contains("Withdrawn at: 2026-11-27T09:30:00.000Z")
        .contains("Refund: EUR 3.49")
        .contains("it confirms your withdrawal");
  }

  @Test
  void everyAttemptOfOneDeliveryCarriesTheSameMessageIdSoTheReceiverCanDeDuplicate()
      throws Exception {
    EmailHook email = hook().build();
    Delivery first = delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1);

    email.handle(first);
    email.handle(new Delivery(first.deliveryId(), "email", 2, first.event()));
    email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1));

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(3);
    assertThat(received[0].getMessageID()).isEqualTo(received[1].getMessageID());
    assertThat(received[2].getMessageID()).isNotEqualTo(received[0].getMessageID());
  }

  @Test
  void itLogsInWithTheGivenCredentials() throws Exception {
    GreenMail withUser =
        new GreenMail(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("shop", "s3cret"));
    withUser.start();
    try {
      EmailHook email =
          hook().port(withUser.getSmtp().getPort()).credentials("shop", "s3cret").build();
      assertThat(email.toString()).contains("auth").doesNotContain("s3cret");

      email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1));

      assertThat(withUser.getReceivedMessages()).hasSize(1);
    } finally {
      withUser.stop();
    }
  }

  @Test
  void anSmtpServerThatIsDownMakesHandleThrowSoTheDispatcherRetries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    EmailHook email = hook().port(closedPort).connectTimeout(Duration.ofSeconds(2)).build();
    Delivery delivery = delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 3);

    assertThatThrownBy(() -> email.handle(delivery))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("email 'email' via smtp://127.0.0.1:" + closedPort + " failed")
        .hasMessageContaining("MailConnectException")
        .hasMessageContaining("attempt 3 of delivery " + delivery.deliveryId())
        .hasMessageNotContaining("ann@example.com")
        .hasNoCause();
  }

  @Test
  void aRecipientTheServerRefusesFailsWithTheReplyCodeButNeverTheAddress() throws Exception {
    try (RefusingSmtpServer server = new RefusingSmtpServer()) {
      EmailHook email = hook().port(server.port()).build();

      assertThatThrownBy(
              () -> email.handle(delivery(OutboxEvent.ORDER_WITHDRAWN, WITHDRAWN_PAYLOAD, 1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("SMTP reply 550")
          .hasMessageNotContaining("ann@example.com")
          .hasNoCause();
    }
  }

  @Test
  void aServerThatNeverAnswersFailsWithinTheReadTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      EmailHook email =
          hook().port(silent.getLocalPort()).readTimeout(Duration.ofMillis(300)).build();
      long start = System.nanoTime();

      assertThatThrownBy(() -> email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1)))
          .isInstanceOf(IOException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPayloadWithoutAnEmailIsRefusedWithoutConnecting() {
    EmailHook email = hook().build();

    assertThatThrownBy(
            () ->
                email.handle(
                    delivery(OutboxEvent.ORDER_WITHDRAWN, "{\"orderId\":\"" + ORDER_ID + "\"}", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no 'email'");
    assertThatThrownBy(
            () ->
                email.handle(
                    delivery(OutboxEvent.ORDER_WITHDRAWN, "{\"email\":\"not an address\"}", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid address")
        .hasMessageNotContaining("not an address");
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void itSubscribesToOrderPlacedAndOrderWithdrawnOnly() throws Exception {
    EmailHook email = hook().build();

    assertThat(email.subscribesTo(OutboxEvent.ORDER_PLACED)).isTrue();
    assertThat(email.subscribesTo(OutboxEvent.ORDER_WITHDRAWN)).isTrue();
    assertThat(email.subscribesTo(OutboxEvent.PAYMENT_FAILED)).isFalse();
    email.handle(delivery(OutboxEvent.PAYMENT_FAILED, PLACED_PAYLOAD, 1));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void theBuilderRefusesSocketTimeoutsThatAreNotShorterThanTheHookTimeout() {
    assertThatThrownBy(
            () ->
                hook()
                    .timeout(Duration.ofSeconds(5))
                    .connectTimeout(Duration.ofSeconds(1))
                    .writeTimeout(Duration.ofSeconds(1))
                    .readTimeout(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("readTimeout")
        .hasMessageContaining("PT5S");
    assertThat(hook().timeout(Duration.ofSeconds(20)).build().timeout())
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(hook().build().timeout()).isEqualTo(EmailHook.DEFAULT_TIMEOUT);
  }

  @Test
  void theBuilderRequiresHostAndFromAndValidatesEachSetting() {
    assertThatThrownBy(() -> EmailHook.builder().from("shop@example.com").build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("host");
    assertThatThrownBy(() -> EmailHook.builder().host("smtp.example.com").build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("from");
    assertThatThrownBy(() -> EmailHook.builder().port(0))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("but was 0");
    assertThatThrownBy(() -> EmailHook.builder().from("two@example.com, three@example.com"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> EmailHook.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> EmailHook.builder().shopName("two\nlines"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> EmailHook.builder().name("Not Valid"))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void moneyIsShownInTheCurrencysMajorUnits() {
    assertThat(EmailHook.money(Json.parse("{\"m\":{\"amount\":1999,\"currency\":\"EUR\"}}"), "m"))
        .contains("EUR 19.99");
    assertThat(EmailHook.money(Json.parse("{\"m\":{\"amount\":500,\"currency\":\"JPY\"}}"), "m"))
        .contains("JPY 500");
    assertThat(EmailHook.money(Json.parse("{\"m\":{\"amount\":-5,\"currency\":\"USD\"}}"), "m"))
        .contains("USD -0.05");
    assertThat(EmailHook.money(Json.parse("{}"), "m")).isEmpty();
  }

  private static final URI KEY_PAGE = URI.create("https://shop.example/consent-key");

  private static String body(MimeMessage mail) throws Exception {
    return ((String) mail.getContent()).replace("\r\n", "\n");
  }

  @Test
  void aReceiptWithAWitnessCarriesItUnderAPlainHeadingThatSaysWhereToCheckIt() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    EmailHook email =
        hook()
            .receiptWitness(
                orderId -> {
                  asked.add(orderId);
                  return Optional.of("WITNESS of " + orderId + "\nsecond line");
                },
                KEY_PAGE)
            .build();

    email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1));
    email.handle(delivery(OutboxEvent.ORDER_WITHDRAWN, WITHDRAWN_PAYLOAD, 1));

    assertThat(asked).as("asked for the receipt only").containsExactly(ORDER_ID);
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(body(received[0]))
        .contains("Total: EUR 3.49\n\nKeep this email: it is your receipt.\n")
        .contains("\nYour copy of our consent record\n")
        .contains("with the key we publish at:\n\n  " + KEY_PAGE + "\n")
        .endsWith("\n\nWITNESS of " + ORDER_ID + "\nsecond line\n\nExample Shop");
    assertThat(body(received[1])).doesNotContain("consent record");
  }

  @Test
  void aWitnessThatCannotBeComputedLeavesTheReceiptWithoutItRatherThanUnsent() throws Exception {
    EmailHook email =
        hook()
            .receiptWitness(
                orderId -> {
                  throw new IllegalStateException("the consent trail does not verify");
                },
                KEY_PAGE)
            .build();

    email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1));

    assertThat(greenMail.getReceivedMessages()).hasSize(1);
    assertThat(body(greenMail.getReceivedMessages()[0]))
        .contains("Total: EUR 3.49")
        .contains("it is your receipt")
        .doesNotContain("consent record");
  }

  @Test
  void anEmptyOrBlankWitnessLeavesOutTheSection() throws Exception {
    for (Optional<String> none : List.of(Optional.<String>empty(), Optional.of(" \n"))) {
      EmailHook email = hook().receiptWitness(orderId -> none, KEY_PAGE).build();

      email.handle(delivery(OutboxEvent.ORDER_PLACED, PLACED_PAYLOAD, 1));
    }

    assertThat(greenMail.getReceivedMessages())
        .hasSize(2)
        .allSatisfy(mail -> assertThat(body(mail)).doesNotContain("consent record"));
  }

  @Test
  void theWitnessKeyPageMustBeAnAbsoluteWebAddress() {
    for (String page : List.of("/consent-key", "ftp://shop.example/key", "https:key")) {
      assertThatThrownBy(
              () -> EmailHook.builder().receiptWitness(id -> Optional.empty(), URI.create(page)))
          .isInstanceOfSatisfying(
              ValidationException.class, e -> assertThat(e.field()).isEqualTo("keyPage"));
    }
  }

  /** Speaks just enough SMTP to refuse every recipient the way real servers do, address and all. */
  private static final class RefusingSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;

    RefusingSmtpServer() throws IOException {
      socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "refusing-smtp");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      try (Socket client = socket.accept();
          BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
          Writer raw = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII);
          PrintWriter out = new PrintWriter(raw)) {
        reply(out, "220 refusing.test ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
          String upper = line.toUpperCase(java.util.Locale.ROOT);
          if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
            reply(out, "250 refusing.test");
          } else if (upper.startsWith("MAIL FROM")) {
            reply(out, "250 2.1.0 Ok");
          } else if (upper.startsWith("RCPT TO")) {
            reply(out, "550 5.1.1 " + line.substring(8).trim() + ": Recipient address rejected");
          } else if (upper.startsWith("QUIT")) {
            reply(out, "221 2.0.0 Bye");
            return;
          } else {
            reply(out, "250 2.0.0 Ok");
          }
        }
      } catch (IOException e) {
        // The test closed the socket.
      }
    }

    private static void reply(PrintWriter out, String line) {
      out.print(line + "\r\n");
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.OutboxEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EmailHook} over STARTTLS and SMTPS, and what it does when TLS cannot be had. */
class EmailTlsTest {
  private static KeyStore identity;
  private static KeyStore trust;

  @BeforeAll
  static void certificate(@TempDir Path dir) throws Exception {
    identity = TlsSmtpServer.selfSigned(dir, "ip:127.0.0.1,dns:localhost");
    trust = TlsSmtpServer.trusting(identity);
  }

  private static EmailHook.Builder hook(int port) {
    return EmailHook.builder()
        .host("127.0.0.1")
        .port(port)
        .from("shop@example.com")
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5));
  }

  private static Delivery receipt() {
    return EmailHookTest.delivery(OutboxEvent.ORDER_PLACED, EmailHookTest.PLACED_PAYLOAD, 1);
  }

  @Test
  void withStartTlsTheMailIsSentOnlyOnceTheConnectionIsEncrypted() throws Exception {
    try (TlsSmtpServer server = new TlsSmtpServer(identity, false)) {
      EmailHook email = hook(server.port()).startTls(true).trustStore(trust).build();
      Delivery delivery = receipt();

      email.handle(delivery);

      TlsSmtpServer.Mail mail = server.poll(5_000);
      assertThat(mail).isNotNull();
      assertThat(mail.encrypted()).isTrue();
      assertThat(mail.to()).containsExactly("<ann@example.com>");
      assertThat(mail.data())
          .contains("Message-ID: " + EmailHook.messageId(delivery.deliveryId()))
          .contains("Order: " + EmailHookTest.ORDER_ID);
    }
  }

  @Test
  void aRequiredStartTlsFailsAgainstAServerWithoutItInsteadOfSendingInTheClear() throws Exception {
    GreenMail plain = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    plain.start();
    try {
      int port = plain.getSmtp().getPort();
      EmailHook email = hook(port).startTls(true).trustStore(trust).build();

      assertThatThrownBy(() -> email.handle(receipt()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("email 'email' via smtp://127.0.0.1:" + port + " failed")
          .hasMessageContaining("the server does not offer STARTTLS")
          .hasMessageNotContaining("ann@example.com");
      assertThat(plain.getReceivedMessages()).as("mail sent in the clear").isEmpty();
    } finally {
      plain.stop();
    }
  }

  @Test
  void startTlsRefusesACertificateThatIsNotTrusted() throws Exception {
    try (TlsSmtpServer server = new TlsSmtpServer(identity, false)) {
      EmailHook email = hook(server.port()).startTls(true).build(); // the JDK's authorities only

      assertThatThrownBy(() -> email.handle(receipt()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "SSLHandshakeException <- sun.security.validator.ValidatorException");
      assertThat(server.poll(200)).isNull();
    }
  }

  @Test
  void withStartTlsATrustedCertificateMustStillNameTheHost(@TempDir Path dir) throws Exception {
    KeyStore elsewhere = TlsSmtpServer.selfSigned(dir, "dns:mail.example.com");
    try (TlsSmtpServer server = new TlsSmtpServer(elsewhere, false)) {
      EmailHook email =
          hook(server.port()).startTls(true).trustStore(TlsSmtpServer.trusting(elsewhere)).build();

      assertThatThrownBy(() -> email.handle(receipt())).isInstanceOf(IOException.class);
      assertThat(server.poll(200)).isNull();
    }
  }

  @Test
  void smtpsSendsOverTlsFromTheFirstByte() throws Exception {
    try (TlsSmtpServer server = new TlsSmtpServer(identity, true)) {
      EmailHook email = hook(server.port()).smtps(true).trustStore(trust).build();
      assertThat(email.toString()).contains("smtps://127.0.0.1:" + server.port());

      email.handle(receipt());

      TlsSmtpServer.Mail mail = server.poll(5_000);
      assertThat(mail).isNotNull();
      assertThat(mail.encrypted()).isTrue();
      assertThat(mail.data()).contains("Order: " + EmailHookTest.ORDER_ID);
    }
  }

  @Test
  void smtpsFailsAgainstAPlainServer() throws Exception {
    GreenMail plain = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    plain.start();
    try {
      int port = plain.getSmtp().getPort();
      EmailHook email = hook(port).smtps(true).trustStore(trust).build();

      assertThatThrownBy(() -> email.handle(receipt()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("via smtps://127.0.0.1:" + port + " failed")
          .hasMessageContaining("javax.net.ssl.SSLException");
      assertThat(plain.getReceivedMessages()).isEmpty();
    } finally {
      plain.stop();
    }
  }

  @Test
  void smtpsRefusesGreenMailsSelfSignedCertificateUnlessTrusted() throws Exception {
    GreenMail smtps = new GreenMail(ServerSetupTest.SMTPS.dynamicPort());
    smtps.start();
    try {
      EmailHook email = hook(smtps.getSmtps().getPort()).smtps(true).build();

      assertThatThrownBy(() -> email.handle(receipt()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              "SSLHandshakeException <- sun.security.validator.ValidatorException");
      assertThat(smtps.getReceivedMessages()).isEmpty();
    } finally {
      smtps.stop();
    }
  }

  @Test
  void theBuilderRefusesStartTlsWithSmtpsAndATrustStoreWithoutEither() {
    assertThatThrownBy(() -> hook(25).startTls(true).smtps(true).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("smtps");
    assertThatThrownBy(() -> hook(25).trustStore(trust).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("trustStore");
    assertThat(
            EmailHook.builder()
                .host("smtp.example.com")
                .from("shop@example.com")
                .smtps(true)
                .build()
                .toString())
        .contains("smtps://smtp.example.com:465");
    assertThat(EmailHook.builder().host("smtp.example.com").from("shop@example.com").build())
        .hasToString(
            "EmailHook[email -> smtp://smtp.example.com:587, timeout "
                + EmailHook.DEFAULT_TIMEOUT
                + "]");
  }
}

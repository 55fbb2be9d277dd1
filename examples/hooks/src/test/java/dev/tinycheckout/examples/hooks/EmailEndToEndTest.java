package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.checkout.WithdrawalResult;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.TestPaymentGateway;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A placed and withdrawn order reach a real SMTP server, through the outbox and the dispatcher. */
class EmailEndToEndTest {
  private static final long WAIT_MILLIS = 20_000;

  @Test
  void aPlacedOrderSendsExactlyOneReceiptAndItsWithdrawalOneAcknowledgement() throws Exception {
    GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    try {
      InMemoryStorage storage = InMemoryStorage.create();
      storage.inTransaction(
          tx ->
              tx.products()
                  .upsert(Sku.of("apple"), "Apple", Money.of(125, "EUR"), 5, Instant.now()));
      FulfilmentHooks hooks =
          FulfilmentHooks.of(
              EmailHook.builder()
                  .host("127.0.0.1")
                  .port(greenMail.getSmtp().getPort())
                  .from("shop@example.com")
                  .ordered(true)
                  .build());
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
                    .item("apple", 2)
                    .build());
        assertThat(placed.outcome()).isEqualTo(CheckoutOutcome.PLACED);
        OrderId orderId = placed.orderId().orElseThrow();

        assertThat(greenMail.waitForIncomingEmail(WAIT_MILLIS, 1)).as("the receipt").isTrue();
        MimeMessage receipt = greenMail.getReceivedMessages()[0];
        assertThat(receipt.getRecipients(Message.RecipientType.TO))
            .containsExactly(new InternetAddress("ann@example.com"));
        assertThat(receipt.getSubject()).isEqualTo("tinycheckout: your order " + orderId);
        assertThat(receipt.getMessageID()).matches("<[0-9a-f-]{36}@tinycheckout>");
        assertThat(GreenMailUtil.getBody(receipt))
            .contains("2 x apple at EUR 1.25: EUR 2.50")
            .contains("Total: EUR 2.50");
        Thread.sleep(500);
        assertThat(greenMail.getReceivedMessages()).as("a second receipt").hasSize(1);

        WithdrawalResult withdrawn =
            checkout.withdraw(
                IdempotencyKey.of("k2"),
                WithdrawalRequest.of(orderId, Email.of("ann@example.com")));

        assertThat(greenMail.waitForIncomingEmail(WAIT_MILLIS, 2))
            .as("the acknowledgement")
            .isTrue();
        MimeMessage acknowledgement = greenMail.getReceivedMessages()[1];
        assertThat(acknowledgement.getSubject())
            .isEqualTo("tinycheckout: your withdrawal from order " + orderId);
        assertThat(acknowledgement.getMessageID()).isNotEqualTo(receipt.getMessageID());
        assertThat(GreenMailUtil.getBody(acknowledgement))
            .contains("Withdrawal receipt: " + withdrawn.receiptId())
            .contains("Refund: EUR 2.50");
      } finally {
        assertThat(dispatcher.stop(Duration.ofSeconds(20))).isTrue();
      }
    } finally {
      greenMail.stop();
    }
  }
}

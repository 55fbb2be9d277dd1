package dev.tinycheckout.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.consent.Checkpoint;
import dev.tinycheckout.consent.CheckpointSigner;
import dev.tinycheckout.consent.CheckpointVerifier;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentWitness;
import dev.tinycheckout.fulfilment.FulfilmentDispatcher;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.TestPaymentGateway;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every customer a witness, end to end: real checkouts record consent in a signing ConsentAudit,
 * the dispatcher runs the EmailHook, a real SMTP server receives the receipts, and what the
 * customers got verifies with nothing but the shop's published verifier key.
 */
class EmailWitnessEndToEndTest {
  private static final long WAIT_MILLIS = 20_000;
  private static final String TERMS_VERSION = "2026-11-01";
  private static final String TERMS_TEXT = "Terms of sale of Example Shop, version of 1 Nov 2026.";
  private static final URI KEY_PAGE = URI.create("https://shop.example/consent-key");

  @Test
  void eachReceiptCarriesTheCustomersConsentRecordWhichVerifiesWithThePublishedKey()
      throws Exception {
    GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    try {
      InMemoryStorage storage = InMemoryStorage.create();
      storage.inTransaction(
          tx ->
              tx.products()
                  .upsert(Sku.of("apple"), "Apple", Money.of(125, "EUR"), 50, Instant.now()));
      byte[] subjectSecret = new byte[32];
      new SecureRandom().nextBytes(subjectSecret);
      CheckpointSigner signer = CheckpointSigner.generate("shop.example/consent");
      String publishedKey = signer.verifierKey(); // what the shop puts on KEY_PAGE
      ConsentAudit audit =
          ConsentAudit.builder(storage)
              .subjectSecret(subjectSecret)
              .checkpointSigner(signer)
              .build();
      FulfilmentHooks hooks =
          FulfilmentHooks.of(
              EmailHook.builder()
                  .host("127.0.0.1")
                  .port(greenMail.getSmtp().getPort())
                  .from("shop@example.com")
                  .shopName("Example Shop")
                  .receiptWitness(
                      orderId -> audit.witnessFor(OrderId.parse(orderId)).map(ConsentWitness::text),
                      KEY_PAGE)
                  .build());
      FulfilmentDispatcher dispatcher =
          FulfilmentDispatcher.builder().storage(storage).hooks(hooks).build();
      Checkout checkout =
          Checkout.builder()
              .storage(storage)
              .paymentGateway(new TestPaymentGateway())
              .terms(TERMS_VERSION, TERMS_TEXT)
              .consentAudit(audit)
              .hooks(hooks)
              .afterEventsCommitted(dispatcher::wakeUp)
              .build();
      dispatcher.start();
      List<OrderId> orders = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          CheckoutResult placed =
              checkout.placeOrder(
                  IdempotencyKey.of("k" + i),
                  CheckoutRequest.builder()
                      .email("customer" + i + "@example.com")
                      .acceptedTerms(TERMS_VERSION)
                      .marketingOptIn(i == 1)
                      .paymentToken(TestPaymentGateway.APPROVE)
                      .item("apple", 1 + i)
                      .build());
          assertThat(placed.outcome()).isEqualTo(CheckoutOutcome.PLACED);
          orders.add(placed.orderId().orElseThrow());
        }
        assertThat(greenMail.waitForIncomingEmail(WAIT_MILLIS, 3)).as("three receipts").isTrue();
      } finally {
        assertThat(dispatcher.stop(Duration.ofSeconds(20))).isTrue();
      }

      // What a customer (or anyone they ask) does with only the published key and the email.
      CheckpointVerifier verifier = CheckpointVerifier.fromVerifierKey(publishedKey);
      List<ConsentWitness> witnesses = new ArrayList<>();
      for (MimeMessage receipt : greenMail.getReceivedMessages()) {
        String body = (String) receipt.getContent();
        assertThat(body)
            .contains("Your copy of our consent record")
            .contains(KEY_PAGE.toString())
            .doesNotContain(receipt.getAllRecipients()[0].toString());
        ConsentWitness witness = ConsentWitness.parse(body);
        Checkpoint checkpoint = witness.verify(verifier);

        int customer = orders.indexOf(witness.orderId());
        assertThat(customer).as("a witness of one of the orders").isNotNegative();
        assertThat(receipt.getSubject()).isEqualTo("Example Shop: your order " + witness.orderId());
        List<ConsentEntry> entries =
            witness.inclusions().stream().map(ConsentWitness.Inclusion::entry).toList();
        assertThat(entries)
            .extracting(ConsentEntry::purpose)
            .containsExactlyElementsOf(
                customer == 1
                    ? List.of(ConsentPurpose.TERMS_OF_SALE, ConsentPurpose.MARKETING)
                    : List.of(ConsentPurpose.TERMS_OF_SALE));
        assertThat(entries)
            .allSatisfy(
                e -> {
                  assertThat(e.action()).isEqualTo(ConsentAction.GRANTED);
                  assertThat(e.termsVersion()).isEqualTo(TERMS_VERSION);
                  assertThat(e.termsHash())
                      .as("the hash of exactly the text the customer was shown")
                      .isEqualTo(ConsentHash.sha256(TERMS_TEXT.getBytes(StandardCharsets.UTF_8)));
                  assertThat(e.sequence()).isLessThanOrEqualTo(checkpoint.treeSize());
                });
        witnesses.add(witness);
      }

      // Customers who compare their checkpoints see one history: a later one extends an earlier.
      witnesses.sort(Comparator.comparingLong(w -> w.checkpoint().checkpoint().treeSize()));
      for (int i = 1; i < witnesses.size(); i++) {
        long older = witnesses.get(i - 1).checkpoint().checkpoint().treeSize();
        long newer = witnesses.get(i).checkpoint().checkpoint().treeSize();
        if (older == newer) {
          verifier.verifyConsistency(
              witnesses.get(i - 1).checkpoint(), witnesses.get(i).checkpoint());
        } else {
          verifier.verifyConsistency(
              witnesses.get(i - 1).checkpoint(),
              witnesses.get(i).checkpoint(),
              audit.consistencyProof(older, newer));
        }
      }
      assertThat(audit.verify().valid()).isTrue();
    } finally {
      greenMail.stop();
    }
  }
}

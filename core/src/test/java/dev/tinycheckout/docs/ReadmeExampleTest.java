package dev.tinycheckout.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippet, compiled and run. The test also checks that the README shows exactly
 * the code between the tags below, so the two cannot drift apart.
 */
class ReadmeExampleTest {

  @Test
  void theReadmeSnippetPlacesOneOrderAndReplaysTheRetry() {
    TestPaymentGateway gateway = new TestPaymentGateway();
    // tag::readme[]
    CheckoutStorage storage = InMemoryStorage.create(); // or the JDBC adapter
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.of(100, "USD"),
                    1_000_000,
                    Instant.now()));

    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway) // your provider; TestPaymentGateway approves "tok_ok"
            .termsVersion("2026-11-01")
            .build();

    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("one-dollar-item", 1)
            .email("ada@example.com")
            .acceptedTerms("2026-11-01")
            .paymentToken("tok_ok")
            .build();

    CheckoutResult first = checkout.placeOrder(IdempotencyKey.of("order-7f3a"), request);
    CheckoutResult retry = checkout.placeOrder(IdempotencyKey.of("order-7f3a"), request);
    // first.outcome() == PLACED, 201 with the order as JSON;
    // retry.replayed() == true: the same bytes again, still one order and one charge.
    // end::readme[]

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(first.response().status()).isEqualTo(201);
    assertThat(retry.replayed()).isTrue();
    assertThat(retry.response()).isEqualTo(first.response());
    assertThat(retry.orderId()).isEqualTo(first.orderId());
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    long stock =
        storage.inTransaction(
            tx -> tx.products().find(Sku.of("one-dollar-item")).orElseThrow().stock());
    assertThat(stock).isEqualTo(999_999);
  }

  @Test
  void theReadmeShowsExactlyTheTestedSnippet() throws IOException {
    DocSnippets.assertPageShowsTaggedRegion(
        "README.md", "core/src/test/java/dev/tinycheckout/docs/ReadmeExampleTest.java", "readme");
  }
}

package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CheckoutSmokeTest {
  @Test
  void placesAnOrderAndReplaysIt() {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.of(100, "USD"),
                    10,
                    Instant.now()));
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(new TestPaymentGateway())
            .termsVersion("v1")
            .build();
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("one-dollar-item", 2)
            .email("ann@example.com")
            .acceptedTerms("v1")
            .paymentToken("tok_ok")
            .build();
    CheckoutResult first = checkout.placeOrder(IdempotencyKey.of("k1"), request);
    CheckoutResult again = checkout.placeOrder(IdempotencyKey.of("k1"), request);
    System.out.println(first.response().bodyText());
    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(again.replayed()).isTrue();
    assertThat(again.response()).isEqualTo(first.response());
    long stock =
        storage.inTransaction(
            tx -> tx.products().find(Sku.of("one-dollar-item")).orElseThrow().stock());
    assertThat(stock).isEqualTo(8);
  }
}

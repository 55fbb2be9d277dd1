package dev.tinycheckout.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcCheckoutTest {

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aCheckoutPlacesOnePaidOrderAndReplaysItsAnswer(TestDatabase db) {
    JdbcStorage storage = db.freshStorage();
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.of(100, "USD"),
                    5,
                    Instant.now()));
    TestPaymentGateway gateway = new TestPaymentGateway();
    Checkout checkout =
        Checkout.builder().storage(storage).paymentGateway(gateway).termsVersion("v1").build();
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("one-dollar-item", 2)
            .email("ada@example.com")
            .acceptedTerms("v1")
            .marketingOptIn(true)
            .paymentToken("tok_ok")
            .build();

    CheckoutResult first = checkout.placeOrder(IdempotencyKey.of("k-1"), request);
    CheckoutResult replay = checkout.placeOrder(IdempotencyKey.of("k-1"), request);

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.response()).isEqualTo(first.response());
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    // The consent was staged with the order; chained by a background pass, or here.
    checkout.consentAudit().chainPending();
    storage.inTransaction(
        tx -> {
          assertThat(tx.products().find(Sku.of("one-dollar-item")).orElseThrow().stock())
              .isEqualTo(3);
          var order = tx.orders().find(first.orderId().orElseThrow()).orElseThrow();
          assertThat(order.status().name()).isEqualTo("PAID");
          assertThat(order.total()).isEqualTo(Money.of(200, "USD"));
          assertThat(tx.consents().findByOrder(order.id())).hasSize(2);
          assertThat(tx.outbox().findByAggregate(order.id().toString())).hasSize(1);
          return order;
        });
  }
}

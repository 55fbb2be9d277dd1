package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A checkout left unfinished (payment outcome unknown) must survive the key's retention: the
 * pending order may have been charged, so a late retry resumes it and a sweep never forgets it.
 */
class CheckoutExpiryTest {
  private static final Sku SKU = Sku.of("one-dollar-item");
  private static final IdempotencyKey KEY = IdempotencyKey.of("late-retry");

  private final CheckoutTest.MutableClock clock =
      new CheckoutTest.MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final TestPaymentGateway provider = new TestPaymentGateway();
  private final AtomicBoolean providerDown = new AtomicBoolean(true);
  private final PaymentGateway gateway =
      request -> {
        // The provider charges, then the answer is lost on the way back.
        var result = provider.charge(request);
        if (providerDown.get()) {
          throw new PaymentUnavailableException("answer lost", null);
        }
        return result;
      };
  private final Checkout checkout =
      Checkout.builder()
          .storage(storage)
          .paymentGateway(gateway)
          .termsVersion("v1")
          .clock(clock)
          .build();
  private final CheckoutRequest request =
      CheckoutRequest.builder()
          .item(SKU.value(), 1)
          .email("ada@example.com")
          .acceptedTerms("v1")
          .paymentToken("tok_ok")
          .build();

  CheckoutExpiryTest() {
    storage.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 10, clock.instant()));
  }

  @Test
  void aRetryAfterTheRetentionResumesThePendingOrderInsteadOfChargingAgain() {
    assertThatThrownBy(() -> checkout.placeOrder(KEY, request))
        .isInstanceOf(PaymentUnavailableException.class);
    assertThat(provider.approvedCharges()).as("charged, but nobody knows").isEqualTo(1);

    clock.advance(Duration.ofHours(25));
    providerDown.set(false);
    CheckoutResult late = checkout.placeOrder(KEY, request);

    assertThat(late.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(provider.approvedCharges()).as("never charged twice").isEqualTo(1);
    long stock = storage.inTransaction(tx -> tx.products().find(SKU).orElseThrow().stock());
    assertThat(stock).as("one unit taken, once").isEqualTo(9);
    assertThat(checkout.placeOrder(KEY, request).replayed())
        .as("the resumed record got a fresh retention")
        .isTrue();
  }

  @Test
  void aSweepKeepsAnExpiredUnfinishedCheckoutButForgetsCompletedOnes() {
    assertThatThrownBy(() -> checkout.placeOrder(KEY, request))
        .isInstanceOf(PaymentUnavailableException.class);
    providerDown.set(false);
    CheckoutResult other = checkout.placeOrder(IdempotencyKey.of("completed"), request);
    assertThat(other.isPlaced()).isTrue();

    clock.advance(Duration.ofHours(25));

    assertThat(checkout.purgeExpiredKeys(100)).as("only the completed key goes").isEqualTo(1);
    CheckoutResult late = checkout.placeOrder(KEY, request);
    assertThat(late.isPlaced()).isTrue();
    OrderStatus status =
        storage.inTransaction(
            tx -> tx.orders().find(late.orderId().orElseThrow()).orElseThrow().status());
    assertThat(status).isEqualTo(OrderStatus.PAID);
    assertThat(provider.approvedCharges()).isEqualTo(2);
  }
}

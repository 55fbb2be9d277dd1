package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A unit of work may commit and still report a retryable failure (the connection died before the
 * commit's acknowledgement arrived). The checkout's own retry must recognise its committed work and
 * go on, not answer its own client with "in use".
 */
class CheckoutLostAcknowledgementTest {
  private static final Sku SKU = Sku.of("one-dollar-item");

  @ParameterizedTest(name = "acknowledgement of unit of work {0} lost")
  @ValueSource(ints = {1, 2})
  void aCommittedUnitOfWorkWhoseAcknowledgementIsLostIsRecognisedByTheRetry(int lost) {
    InMemoryStorage memory = InMemoryStorage.create();
    memory.inTransaction(
        tx -> tx.products().upsert(SKU, "Item", Money.of(100, "USD"), 5, Instant.now()));
    AtomicInteger units = new AtomicInteger();
    CheckoutStorage flaky =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            T result = memory.inTransaction(work);
            if (units.incrementAndGet() == lost) {
              throw new StorageException("connection reset after commit", true, null);
            }
            return result;
          }
        };
    TestPaymentGateway gateway = new TestPaymentGateway();
    Checkout checkout =
        Checkout.builder().storage(flaky).paymentGateway(gateway).termsVersion("v1").build();
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item(SKU.value(), 1)
            .email("ada@example.com")
            .acceptedTerms("v1")
            .paymentToken("tok_ok")
            .build();

    CheckoutResult result = checkout.placeOrder(IdempotencyKey.of("lost-ack"), request);

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(result.replayed()).isFalse();
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    long stock = memory.inTransaction(tx -> tx.products().find(SKU).orElseThrow().stock());
    assertThat(stock).isEqualTo(4);
    assertThat(checkout.placeOrder(IdempotencyKey.of("lost-ack"), request).response())
        .isEqualTo(result.response());
  }
}

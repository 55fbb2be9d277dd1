package dev.tinycheckout.http.openapi;

import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The test gateway, except that a charge with token {@value #HOLD} approves only once {@link
 * #release()} is called: it keeps a checkout running so that a second request with the same key
 * meets it in flight. Thread-safe.
 */
public final class GatedPaymentGateway implements PaymentGateway {
  /** The token whose charge waits for {@link #release()}. */
  public static final String HOLD = "tok_hold";

  private final TestPaymentGateway delegate = new TestPaymentGateway();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  @Override
  public PaymentResult charge(PaymentRequest request) {
    if (!request.paymentToken().equals(HOLD)) {
      return delegate.charge(request);
    }
    entered.countDown();
    try {
      if (!released.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the held charge was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new PaymentResult.Approved("held-" + request.idempotencyKey());
  }

  /**
   * Waits until a held charge has started.
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitHeld() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no held charge started");
    }
  }

  /** Lets the held charge approve. */
  public void release() {
    released.countDown();
  }
}

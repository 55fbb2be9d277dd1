package dev.tinycheckout.http.kit;

import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Core's {@link TestPaymentGateway} ({@code tok_ok} approves, {@code tok_declined} declines) with a
 * gate: after {@link #hold()}, every charge waits until {@link #release()}, so a test can send a
 * second request while the first is in flight. Thread-safe.
 */
final class GatedPaymentGateway implements PaymentGateway {
  private final TestPaymentGateway delegate = new TestPaymentGateway();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  @Override
  public PaymentResult charge(PaymentRequest request) {
    entered.countDown();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("a held charge was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while held", e);
    }
    return delegate.charge(request);
  }

  /** From now on, charges wait for {@link #release()}. Call before the first charge. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  /** Lets every held and future charge through. */
  void release() {
    gate.countDown();
  }

  /** Waits until a charge has started (and, if held, is waiting at the gate). */
  void awaitChargeStarted() throws InterruptedException {
    if (!entered.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("no charge started within 30 s");
    }
  }

  /** Distinct payments approved. */
  long approvedCharges() {
    return delegate.approvedCharges();
  }
}

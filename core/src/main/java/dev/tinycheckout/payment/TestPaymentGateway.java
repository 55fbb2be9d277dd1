package dev.tinycheckout.payment;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic gateway for tests, examples and local development. It behaves like a real
 * provider in the one way that matters here: it is idempotent on {@link
 * PaymentRequest#idempotencyKey()}, answering a repeated key with the first outcome without
 * charging again.
 *
 * <ul>
 *   <li>{@code tok_ok} approves;
 *   <li>{@code tok_declined} declines with {@code card_declined};
 *   <li>{@code tok_unavailable} throws {@link PaymentUnavailableException} (the outcome is
 *       unknown);
 *   <li>any other token declines with {@code invalid_token}.
 * </ul>
 *
 * <p>Thread-safe. It remembers every key it saw, so use a new instance per test or per process.
 */
public final class TestPaymentGateway implements PaymentGateway {
  /** Approves. */
  public static final String APPROVE = "tok_ok";

  /** Declines with {@code card_declined}. */
  public static final String DECLINE = "tok_declined";

  /** Fails as if the provider were down. */
  public static final String UNAVAILABLE = "tok_unavailable";

  private final ConcurrentMap<String, PaymentResult> outcomes = new ConcurrentHashMap<>();
  private final AtomicLong charges = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();

  /** Creates a gateway that has seen no payment. */
  public TestPaymentGateway() {}

  @Override
  public PaymentResult charge(PaymentRequest request) {
    Objects.requireNonNull(request, "request");
    calls.incrementAndGet();
    if (UNAVAILABLE.equals(request.paymentToken())) {
      throw new PaymentUnavailableException("test gateway: provider unavailable", null);
    }
    return outcomes.computeIfAbsent(
        request.idempotencyKey(),
        key -> {
          switch (request.paymentToken()) {
            case APPROVE -> {
              long n = charges.incrementAndGet();
              return new PaymentResult.Approved("pay_test_" + n);
            }
            case DECLINE -> {
              return new PaymentResult.Declined("card_declined");
            }
            default -> {
              return new PaymentResult.Declined("invalid_token");
            }
          }
        });
  }

  /**
   * How many payments this gateway approved, each counted once however often its key was repeated.
   *
   * @return the number of distinct approved charges
   */
  public long approvedCharges() {
    return charges.get();
  }

  /**
   * How many times {@link #charge} was called, repeats included.
   *
   * @return the call count
   */
  public long calls() {
    return calls.get();
  }
}

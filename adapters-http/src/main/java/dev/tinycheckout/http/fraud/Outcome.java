package dev.tinycheckout.http.fraud;

/** How an admitted checkout ended, as {@link FraudGuard#recordOutcome} is told. */
public enum Outcome {
  /** The payment was approved. */
  PAID,
  /** The payment provider declined the payment. */
  DECLINED,
  /**
   * The checkout ended without a payment decision: invalid request, out of stock, provider
   * unavailable. Not counted as a decline, and the payment token stays counted as not paid.
   */
  OTHER
}

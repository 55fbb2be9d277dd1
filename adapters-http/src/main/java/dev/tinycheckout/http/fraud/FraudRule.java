package dev.tinycheckout.http.fraud;

/** The rules of a {@link FraudGuard}; each one is configured in {@link FraudRules}. */
public enum FraudRule {
  /**
   * Too many declined payments from one client address (default: 5 in an hour block the address for
   * an hour).
   */
  DECLINES_PER_IP,
  /**
   * Too many declined payments for one email, from any address (default: 10 in 10 minutes refuse
   * that email for 10 minutes).
   */
  DECLINES_PER_EMAIL,
  /**
   * Too many distinct payment tokens from one client address that did not end paid (default: 5 in
   * 10 minutes block the address for an hour).
   */
  DISTINCT_TOKENS_PER_IP,
  /** Too many checkouts of any outcome from one client address (off by default). */
  CHECKOUTS_PER_IP,
  /**
   * The site-wide decline ratio rose far above its baseline. It refuses nobody itself: it alerts
   * and, if so configured, tightens the per-address and per-email limits while it lasts.
   */
  DECLINE_SPIKE
}

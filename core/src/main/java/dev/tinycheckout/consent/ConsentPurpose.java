package dev.tinycheckout.consent;

/**
 * What a customer agrees to. Each purpose is recorded as its own entry of the consent trail, never
 * bundled with another: agreeing to the terms of sale never implies agreeing to marketing, and the
 * two statements about digital content delivered at once are two entries, not one.
 *
 * <p>The constant names are part of the trail's canonical bytes ({@link
 * ConsentEntry#canonicalBytes()}): they are never renamed.
 */
public enum ConsentPurpose {
  /** The shop's terms of sale, in a given version. Required for every order. */
  TERMS_OF_SALE,
  /** Marketing email (GDPR Art. 6(1)(a), 7). Optional, never bundled with the terms. */
  MARKETING,
  /**
   * The customer's express consent that the performance of a contract for digital content begins
   * before the withdrawal period ends (Directive 2011/83/EU, Art. 16(m)).
   */
  IMMEDIATE_PERFORMANCE,
  /**
   * The customer's acknowledgement that by that consent they lose their right of withdrawal
   * (Directive 2011/83/EU, Art. 16(m)). Recorded separately from {@link #IMMEDIATE_PERFORMANCE}.
   */
  WITHDRAWAL_RIGHT_WAIVER
}

package dev.tinycheckout.consent;

/**
 * What a customer agrees to. Each purpose is recorded on its own: agreeing to the terms of sale
 * never implies agreeing to marketing.
 */
public enum ConsentPurpose {
  /** The shop's terms of sale, in a given version. Required for every order. */
  TERMS_OF_SALE,
  /** Marketing email. Optional, never bundled with the terms. */
  MARKETING
}

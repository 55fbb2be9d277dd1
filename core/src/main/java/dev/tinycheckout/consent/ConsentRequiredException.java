package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;

/**
 * The customer did not accept the current terms of sale (problem {@code consent-required}). Nothing
 * was stored: fetch the current terms, show them, and send the request again with their version.
 */
public final class ConsentRequiredException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /** The version to accept. */
  private final String currentTermsVersion;

  /**
   * Creates the failure.
   *
   * @param currentTermsVersion the version the customer must accept
   */
  public ConsentRequiredException(String currentTermsVersion) {
    super(
        "consent-required",
        "acceptedTerms",
        "the customer must accept the current terms, version '" + currentTermsVersion + "'");
    this.currentTermsVersion = currentTermsVersion;
  }

  /**
   * The terms version the customer must accept.
   *
   * @return the current version
   */
  public String currentTermsVersion() {
    return currentTermsVersion;
  }
}

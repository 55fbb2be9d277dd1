package dev.tinycheckout.consent;

/** What a consent entry records. */
public enum ConsentAction {
  /** The customer agreed. */
  GRANTED,
  /** The customer took an earlier agreement back. */
  WITHDRAWN
}

package dev.tinycheckout.observe;

import java.util.Locale;

/**
 * What became of one attempt to run a fulfilment hook, as {@link CheckoutObserver#deliveryFinished}
 * says, once its outcome was committed.
 */
public enum DeliverySignal {
  /** The hook succeeded; the delivery is done. */
  SUCCEEDED,
  /** The hook failed or timed out; the delivery will run again after a backoff. */
  RETRYING,
  /** The hook failed on its last attempt; the delivery is now a dead letter. */
  DEAD_LETTERED;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name, for a metric tag.
   *
   * @return {@code succeeded}, {@code retrying} or {@code dead_lettered}
   */
  public String label() {
    return label;
  }
}

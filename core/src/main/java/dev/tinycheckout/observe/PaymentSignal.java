package dev.tinycheckout.observe;

import java.util.Locale;

/**
 * How one call to the payment provider ended, as {@link CheckoutObserver#paymentCompleted} says.
 */
public enum PaymentSignal {
  /** The provider approved the charge. */
  APPROVED,
  /** The provider declined the charge, with a reason. */
  DECLINED,
  /** The provider failed or did not answer: the outcome is unknown. */
  UNAVAILABLE;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name, for a metric tag.
   *
   * @return {@code approved}, {@code declined} or {@code unavailable}
   */
  public String label() {
    return label;
  }
}

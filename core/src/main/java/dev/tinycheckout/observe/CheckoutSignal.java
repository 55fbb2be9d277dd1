package dev.tinycheckout.observe;

import java.util.Locale;

/**
 * How one checkout attempt ended, as {@link CheckoutObserver#checkoutCompleted} reports it: a label
 * for metrics (bounded: these ten values only) and whether it counts against an availability
 * objective.
 */
public enum CheckoutSignal {
  /** The payment was approved and the order is paid (201). */
  PAID,
  /** The payment provider declined the card; the order is cancelled (402). */
  DECLINED,
  /** An item was out of stock; nothing was charged (409). */
  OUT_OF_STOCK,
  /** The stored answer of an earlier attempt with the same key was replayed; nothing ran again. */
  REPLAYED,
  /** An attempt with the same key is still running (409 with Retry-After). */
  IN_PROGRESS,
  /** The key was used before with another request (422). */
  KEY_REUSED,
  /**
   * The request was invalid: malformed or too large a body, wrong content type, unknown product,
   * stale terms, missing key (400, 404, 413, 415 or 422).
   */
  REJECTED,
  /** A fraud rule refused the attempt before it reached the payment provider (429). */
  THROTTLED,
  /** The payment provider did not answer, so the outcome is unknown (503). */
  PAYMENT_UNAVAILABLE,
  /** The storage or the server failed (500 or 503). */
  FAILED;

  private final String label = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name, for a metric tag or a log field: {@code paid}, {@code out_of_stock}…
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * Whether the shop, not the client, failed: {@link #PAYMENT_UNAVAILABLE} and {@link #FAILED}.
   * These are the bad events of an availability objective.
   *
   * @return true for a server-side failure
   */
  public boolean isServerError() {
    return this == PAYMENT_UNAVAILABLE || this == FAILED;
  }

  /**
   * Whether the client sent something the shop refused on purpose: {@link #IN_PROGRESS}, {@link
   * #KEY_REUSED}, {@link #REJECTED} and {@link #THROTTLED}. An objective leaves these out of its
   * events, so that a flood of bad requests (a card-testing attack) cannot dilute the failures of
   * honest ones.
   *
   * @return true for a deliberate refusal
   */
  public boolean isClientError() {
    return this == IN_PROGRESS || this == KEY_REUSED || this == REJECTED || this == THROTTLED;
  }
}

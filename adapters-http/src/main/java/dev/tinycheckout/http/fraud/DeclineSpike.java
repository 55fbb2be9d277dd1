package dev.tinycheckout.http.fraud;

import java.time.Instant;
import java.util.Objects;

/**
 * The start of a site-wide decline spike ({@link FraudRule#DECLINE_SPIKE}). Immutable.
 *
 * @param at when the spike was noticed
 * @param payments payments with a decision (paid or declined) in the short window, not negative
 * @param declines declined payments among them, not negative
 * @param baselineRatio the decline ratio of the baseline before the window, 0 to 1 (0 when the
 *     baseline holds no payments yet)
 * @param threshold the ratio the window had to exceed: the larger of the baseline ratio times the
 *     factor and the minimum ratio
 */
public record DeclineSpike(
    Instant at, long payments, long declines, double baselineRatio, double threshold) {

  /**
   * Checks the values.
   *
   * @param at when
   * @param payments payments in the window
   * @param declines declines among them
   * @param baselineRatio the baseline's decline ratio
   * @param threshold the ratio exceeded
   * @throws IllegalArgumentException if a count is negative or declines exceed payments
   */
  public DeclineSpike {
    Objects.requireNonNull(at, "at");
    if (payments < 0 || declines < 0 || declines > payments) {
      throw new IllegalArgumentException(
          "need 0 <= declines <= payments, but were declines="
              + declines
              + " payments="
              + payments);
    }
  }

  /**
   * The decline ratio of the short window.
   *
   * @return declines divided by payments, or 0 if there were none
   */
  public double ratio() {
    return payments == 0 ? 0.0 : (double) declines / payments;
  }
}

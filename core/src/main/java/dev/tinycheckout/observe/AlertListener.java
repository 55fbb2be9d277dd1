package dev.tinycheckout.observe;

/**
 * Hears when a {@link BurnRateRule} of a {@link SloMonitor} starts and stops firing: once per
 * change of state, never once per recorded event. Implement it to page yourself (send a message, a
 * mail, a webhook); both methods do nothing by default.
 *
 * <p>Methods are called on the thread that runs {@link SloMonitor#evaluate()}, one at a time and in
 * order, while the monitor's evaluation lock is held (recording never waits for it). They should
 * return quickly, handing slow work such as an HTTP call to an executor, and must not call {@code
 * evaluate} themselves. An exception thrown by a listener is logged and otherwise ignored: the
 * alert's state changes anyway and other listeners are still called.
 */
public interface AlertListener {

  /**
   * A rule started firing: at this evaluation both of its windows burn at or above its threshold
   * and the long window holds enough events, and at the previous evaluation it did not fire.
   *
   * @param event the objective, the rule and its burn rates
   */
  default void fired(AlertEvent event) {}

  /**
   * A rule that was firing stopped: at this evaluation a window burns below the threshold or the
   * long window holds too few events.
   *
   * @param event the objective, the rule and its burn rates now
   */
  default void resolved(AlertEvent event) {}

  /**
   * An evaluation ended, whether or not a rule changed: called after {@link #fired} and {@link
   * #resolved} of that evaluation, for a listener that needs a heartbeat, such as one that retries
   * a delivery that failed earlier.
   *
   * @param status the status at this evaluation
   */
  default void evaluated(SloStatus status) {}
}

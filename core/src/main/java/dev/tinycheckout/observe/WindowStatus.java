package dev.tinycheckout.observe;

import java.time.Duration;
import java.util.Objects;

/**
 * The events of one window of a {@link BurnRateRule} at one evaluation, and the burn rate they
 * make.
 *
 * <p>Immutable and thread-safe.
 *
 * @param window the window's length, such as one hour
 * @param events the events in the window, good and bad, zero or more
 * @param badEvents the bad events among them, from zero to {@code events}
 * @param burnRate the {@linkplain #errorRatio() error ratio} divided by the objective's error
 *     budget: 1 spends the budget exactly as fast as allowed, 14.4 fourteen times as fast; 0 when
 *     the window holds no events
 */
public record WindowStatus(Duration window, long events, long badEvents, double burnRate) {

  /**
   * Validates.
   *
   * @param window not null
   * @param events zero or more
   * @param badEvents from zero to {@code events}
   * @param burnRate zero or more
   * @throws IllegalArgumentException if a count or the burn rate is out of range
   * @throws NullPointerException if window is null
   */
  public WindowStatus {
    Objects.requireNonNull(window, "window");
    if (events < 0 || badEvents < 0 || badEvents > events) {
      throw new IllegalArgumentException(
          "need 0 <= badEvents <= events, but was " + badEvents + " of " + events);
    }
    if (!(burnRate >= 0)) {
      throw new IllegalArgumentException("burnRate must not be negative, but was " + burnRate);
    }
  }

  /**
   * The share of bad events in the window.
   *
   * @return {@code badEvents / events}, from 0 to 1; 0 when the window holds no events
   */
  public double errorRatio() {
    return events == 0 ? 0 : (double) badEvents / events;
  }
}

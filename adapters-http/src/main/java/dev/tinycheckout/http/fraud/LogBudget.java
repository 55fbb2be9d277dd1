package dev.tinycheckout.http.fraud;

/**
 * At most {@code perWindow} log lines per window, so an attack from a million addresses cannot
 * flood the log with a million flag lines; the lines left out are counted and reported by the next
 * one. Thread-safe.
 */
final class LogBudget {
  private final int perWindow;
  private final long windowNanos;
  private boolean started;
  private long windowStart;
  private int used;
  private long skipped;

  LogBudget(int perWindow, long windowNanos) {
    this.perWindow = perWindow;
    this.windowNanos = windowNanos;
  }

  /**
   * Takes one line from the budget.
   *
   * @return -1 if the line must be left out; otherwise how many lines were left out since the last
   *     one logged
   */
  synchronized long take(long now) {
    if (!started || now - windowStart >= windowNanos) {
      started = true;
      windowStart = now;
      used = 0;
    }
    if (used < perWindow) {
      used++;
      long s = skipped;
      skipped = 0;
      return s;
    }
    skipped++;
    return -1;
  }
}

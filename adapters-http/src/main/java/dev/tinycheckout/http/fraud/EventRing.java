package dev.tinycheckout.http.fraud;

/**
 * The times of the last {@code capacity} events of one key, which is all a limit of that many
 * events needs: it is reached exactly when the {@code m}-th latest event is still in the window.
 * Not thread-safe; the guard only touches it inside a Caffeine {@code compute} of its key.
 */
final class EventRing {
  private final long[] times;
  private int next;
  private int size;

  EventRing(int capacity) {
    this.times = new long[capacity];
  }

  /**
   * Adds an event at {@code now} and tells whether at least {@code m} events fall within the
   * window, that is {@code now - t < window}.
   */
  boolean add(long now, long window, int m) {
    times[next] = now;
    next = (next + 1) % times.length;
    if (size < times.length) {
      size++;
    }
    return reached(now, window, m);
  }

  boolean reached(long now, long window, int m) {
    if (m > size) {
      return false;
    }
    long mth = times[Math.floorMod(next - m, times.length)];
    return now - mth < window;
  }
}

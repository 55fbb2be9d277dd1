package dev.tinycheckout.http.fraud;

/**
 * The distinct payment tokens (as hashes) one client address used recently and that did not end
 * paid, each with when it was last used; at most {@code capacity} of them. Once all slots hold
 * tokens within the window the limit was reached, so dropping the oldest for a new one never lowers
 * the count below it. Not thread-safe; the guard only touches it inside a Caffeine {@code compute}
 * of its key.
 */
final class TokenSet {
  private final long[] tokens;
  private final long[] lastUsed;
  private int size;

  TokenSet(int capacity) {
    this.tokens = new long[capacity];
    this.lastUsed = new long[capacity];
  }

  /**
   * Notes a use of {@code token} at {@code now} and tells whether at least {@code m} distinct
   * tokens were used within the window ({@code now - t < window}).
   */
  boolean add(long token, long now, long window, int m) {
    int slot = -1;
    for (int i = 0; i < size; i++) {
      if (tokens[i] == token) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      if (size < tokens.length) {
        slot = size++;
      } else {
        slot = 0;
        for (int i = 1; i < size; i++) {
          if (lastUsed[i] - lastUsed[slot] < 0) {
            slot = i;
          }
        }
      }
      tokens[slot] = token;
    }
    lastUsed[slot] = now;
    int live = 0;
    for (int i = 0; i < size; i++) {
      if (now - lastUsed[i] < window) {
        live++;
      }
    }
    return live >= m;
  }

  /** Forgets a token that ended paid. */
  void remove(long token) {
    for (int i = 0; i < size; i++) {
      if (tokens[i] == token) {
        size--;
        tokens[i] = tokens[size];
        lastUsed[i] = lastUsed[size];
        return;
      }
    }
  }

  boolean isEmpty() {
    return size == 0;
  }
}

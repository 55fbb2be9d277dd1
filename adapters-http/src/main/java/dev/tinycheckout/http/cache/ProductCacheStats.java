package dev.tinycheckout.http.cache;

/**
 * Counters of a {@link ProductReadCache} since it was built, over single products and the product
 * list together. Immutable.
 *
 * @param hits lookups answered from the cache, not negative
 * @param misses lookups that had to wait for a load, not negative
 * @param loads reads from the storage: loads after a miss plus refreshes ahead of expiry, not
 *     negative; warming is not counted
 * @param loadFailures those of the loads that failed (the storage threw), not negative
 * @param evictions entries dropped for size or because they expired, not negative
 */
public record ProductCacheStats(
    long hits, long misses, long loads, long loadFailures, long evictions) {

  /**
   * Validates the counters.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups that had to wait for a load
   * @param loads reads from the storage
   * @param loadFailures loads that failed
   * @param evictions entries dropped for size or expiry
   * @throws IllegalArgumentException if a counter is negative
   */
  public ProductCacheStats {
    if (hits < 0 || misses < 0 || loads < 0 || loadFailures < 0 || evictions < 0) {
      throw new IllegalArgumentException(
          "counters must not be negative, but were hits="
              + hits
              + " misses="
              + misses
              + " loads="
              + loads
              + " loadFailures="
              + loadFailures
              + " evictions="
              + evictions);
    }
  }

  /**
   * Counters without failures or evictions.
   *
   * @param hits lookups answered from the cache
   * @param misses lookups that had to wait for a load
   * @param loads reads from the storage
   * @throws IllegalArgumentException if a counter is negative
   */
  public ProductCacheStats(long hits, long misses, long loads) {
    this(hits, misses, loads, 0, 0);
  }
}

package dev.tinycheckout.http.cache;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How long and how much a {@link ProductReadCache} keeps. Immutable and thread-safe; build one with
 * {@link #builder()} or take {@link #ofDefaults()}.
 *
 * <ul>
 *   <li>{@link #ttl()}: how long a product (or the absence of an unknown SKU, or the product list)
 *       is served from the cache after it was loaded; default 5 seconds, at most 60 seconds because
 *       the HTTP contract caps {@code max-age} at 60;
 *   <li>{@link #refreshAfter()}: how long after loading a product that is read again is reloaded in
 *       the background while the cached value is still served; default 80% of the TTL, and shorter
 *       than the TTL;
 *   <li>{@link #maximumSize()}: how many entries (products and unknown SKUs) the cache holds at
 *       most; default 10,000;
 *   <li>{@link #warmUpLimit()}: how many products {@link ProductReadCache#warm()} loads at most;
 *       default 10,000, 0 disables warming.
 * </ul>
 */
public final class ProductCacheConfig {
  /** The longest TTL allowed: the HTTP contract's cap on {@code max-age}. */
  public static final Duration MAX_TTL = Duration.ofSeconds(60);

  private static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
  private static final long DEFAULT_MAXIMUM_SIZE = 10_000;
  private static final int DEFAULT_WARM_UP_LIMIT = 10_000;
  private static final ProductCacheConfig DEFAULTS = builder().build();

  private final Duration ttl;
  private final Duration refreshAfter;
  private final long maximumSize;
  private final int warmUpLimit;

  private ProductCacheConfig(Builder b) {
    this.ttl = b.ttl;
    this.refreshAfter =
        b.refreshAfter != null ? b.refreshAfter : b.ttl.multipliedBy(4).dividedBy(5);
    if (refreshAfter.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException(
          "refreshAfter must be shorter than the ttl " + ttl + ", but was " + refreshAfter);
    }
    if (refreshAfter.isZero()) {
      throw new IllegalArgumentException(
          "the ttl is too short to derive a refreshAfter from, but was " + ttl);
    }
    this.maximumSize = b.maximumSize;
    this.warmUpLimit = b.warmUpLimit;
  }

  /**
   * The defaults: TTL 5 s, refresh after 4 s, 10,000 entries, warm up to 10,000 products.
   *
   * @return the default configuration
   */
  public static ProductCacheConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * A builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this configuration, to change some of it.
   *
   * @return a new builder with this configuration's values
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.ttl = ttl;
    b.refreshAfter = refreshAfter;
    b.maximumSize = maximumSize;
    b.warmUpLimit = warmUpLimit;
    return b;
  }

  /**
   * How long an entry is served after it was loaded.
   *
   * @return positive, at most {@link #MAX_TTL}
   */
  public Duration ttl() {
    return ttl;
  }

  /**
   * How long after loading an entry that is read again is reloaded in the background.
   *
   * @return positive, shorter than {@link #ttl()}
   */
  public Duration refreshAfter() {
    return refreshAfter;
  }

  /**
   * The most entries the cache holds.
   *
   * @return at least 1
   */
  public long maximumSize() {
    return maximumSize;
  }

  /**
   * The most products {@link ProductReadCache#warm()} loads.
   *
   * @return not negative; 0 disables warming
   */
  public int warmUpLimit() {
    return warmUpLimit;
  }

  @Override
  public String toString() {
    return "ProductCacheConfig[ttl="
        + ttl
        + ", refreshAfter="
        + refreshAfter
        + ", maximumSize="
        + maximumSize
        + ", warmUpLimit="
        + warmUpLimit
        + "]";
  }

  /** Builds a {@link ProductCacheConfig}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private Duration ttl = DEFAULT_TTL;
    private @Nullable Duration refreshAfter;
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private int warmUpLimit = DEFAULT_WARM_UP_LIMIT;

    private Builder() {}

    /**
     * Sets how long an entry is served after it was loaded (default 5 s).
     *
     * @param ttl positive, at most {@link #MAX_TTL}
     * @return this builder
     * @throws IllegalArgumentException if the TTL is out of range
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
        throw new IllegalArgumentException(
            "ttl must be positive and at most " + MAX_TTL + ", but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets how long after loading an entry that is read again is reloaded in the background
     * (default 80% of the TTL). {@link #build()} checks that it is shorter than the TTL.
     *
     * @param refreshAfter positive
     * @return this builder
     * @throws IllegalArgumentException if the duration is not positive
     */
    public Builder refreshAfter(Duration refreshAfter) {
      Objects.requireNonNull(refreshAfter, "refreshAfter");
      if (refreshAfter.isNegative() || refreshAfter.isZero()) {
        throw new IllegalArgumentException(
            "refreshAfter must be positive, but was " + refreshAfter);
      }
      this.refreshAfter = refreshAfter;
      return this;
    }

    /**
     * Sets the most entries the cache holds (default 10,000).
     *
     * @param maximumSize at least 1
     * @return this builder
     * @throws IllegalArgumentException if the size is below 1
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException(
            "maximumSize must be at least 1, but was " + maximumSize);
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets the most products {@link ProductReadCache#warm()} loads (default 10,000).
     *
     * @param warmUpLimit not negative; 0 disables warming
     * @return this builder
     * @throws IllegalArgumentException if the limit is negative
     */
    public Builder warmUpLimit(int warmUpLimit) {
      if (warmUpLimit < 0) {
        throw new IllegalArgumentException(
            "warmUpLimit must not be negative, but was " + warmUpLimit);
      }
      this.warmUpLimit = warmUpLimit;
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if refreshAfter is not shorter than the TTL
     */
    public ProductCacheConfig build() {
      return new ProductCacheConfig(this);
    }
  }
}

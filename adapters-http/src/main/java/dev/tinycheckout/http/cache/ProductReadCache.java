package dev.tinycheckout.http.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Caffeine cache in front of the product store, for product pages and the product list.
 *
 * <ul>
 *   <li>Entries live for {@link ProductCacheConfig#ttl()} after they were loaded, so price and
 *       stock are at most that old on other instances.
 *   <li>Loading is single-flight: however many threads miss one SKU at once, the storage is read
 *       once and every thread gets that result.
 *   <li>Refresh-ahead: a product read again after {@link ProductCacheConfig#refreshAfter()} is
 *       reloaded on the executor while the cached value is still served, so hot products never
 *       expire under load.
 *   <li>An unknown SKU is remembered as absent for the same TTL, within {@link
 *       ProductCacheConfig#maximumSize()}, so a flood of 404s does not reach the database.
 *   <li>{@link #invalidatingStorage()} wraps the storage for the write path: after a unit of work
 *       that changed products commits, those products and the list are dropped, so this instance
 *       never shows the stock from before its own sale.
 *   <li>{@link #warm()} bulk-loads the catalog (or its first {@link
 *       ProductCacheConfig#warmUpLimit()} products by SKU) before the server accepts traffic.
 * </ul>
 *
 * <p>Thread-safe. Build one per storage with {@link #builder()} and share it. Storage failures
 * ({@link dev.tinycheckout.StorageException}) propagate to the caller that triggered the load and
 * are not cached.
 */
public final class ProductReadCache {
  private static final Logger LOG = LoggerFactory.getLogger(ProductReadCache.class);

  /** The one key of the list cache. */
  private enum Catalog {
    ALL
  }

  private final CheckoutStorage storage;
  private final ProductCacheConfig config;
  private final Ticker ticker;
  private final LoadingCache<Sku, Optional<Product>> products;
  private final LoadingCache<Catalog, List<Product>> list;
  private final AtomicLong invalidations = new AtomicLong();
  private final CheckoutStorage invalidating;

  private ProductReadCache(Builder b) {
    CheckoutStorage source = b.storage;
    if (source == null) {
      throw new IllegalStateException(
          "storage is required: call ProductReadCache.builder().storage(...)");
    }
    this.storage = source;
    this.config = b.config;
    Clock clock = b.clock;
    this.ticker = clock == null ? Ticker.systemTicker() : () -> nanos(clock.instant());
    this.products =
        Caffeine.newBuilder()
            .expireAfterWrite(config.ttl())
            .refreshAfterWrite(config.refreshAfter())
            .maximumSize(config.maximumSize())
            .ticker(ticker)
            .executor(b.executor)
            .recordStats()
            .build(sku -> storage.inTransaction(tx -> tx.products().find(sku)));
    this.list =
        Caffeine.newBuilder()
            .expireAfterWrite(config.ttl())
            .refreshAfterWrite(config.refreshAfter())
            .maximumSize(1)
            .ticker(ticker)
            .executor(b.executor)
            .recordStats()
            .build(all -> storage.inTransaction(tx -> tx.products().findAll()));
    this.invalidating = new InvalidatingStorage(storage, this);
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /**
   * A builder; {@code storage} is required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds one product, from the cache if it holds the SKU, else from the storage (once, however
   * many threads ask at the same moment).
   *
   * @param sku the SKU
   * @return the product as it was at most {@link ProductCacheConfig#ttl()} ago, or empty if the
   *     catalog did not hold it then
   * @throws dev.tinycheckout.StorageException if the storage fails while loading
   */
  public Optional<Product> get(Sku sku) {
    Objects.requireNonNull(sku, "sku");
    return products.get(sku);
  }

  /**
   * Lists the whole catalog, cached as one entry with the same TTL.
   *
   * @return every product, ordered by SKU; an immutable list
   * @throws dev.tinycheckout.StorageException if the storage fails while loading
   */
  public List<Product> all() {
    return list.get(Catalog.ALL);
  }

  /**
   * Drops one product (or its remembered absence) and the product list, so the next read loads
   * them. A load or refresh running at the same moment cannot put the value it read back: Caffeine
   * discards it. Call this after the change committed, never before.
   *
   * @param sku the SKU that changed
   */
  public void invalidate(Sku sku) {
    Objects.requireNonNull(sku, "sku");
    invalidations.incrementAndGet();
    products.invalidate(sku);
    list.invalidate(Catalog.ALL);
  }

  /**
   * Drops the given products and the product list, as {@link #invalidate(Sku)} does for one.
   *
   * @param skus the SKUs that changed
   */
  public void invalidateAll(Collection<Sku> skus) {
    Objects.requireNonNull(skus, "skus");
    if (skus.isEmpty()) {
      return;
    }
    invalidations.incrementAndGet();
    products.invalidateAll(skus);
    list.invalidate(Catalog.ALL);
  }

  /** Drops every entry, for when the catalog changed outside this instance's write path. */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    products.invalidateAll();
    list.invalidateAll();
  }

  /**
   * Loads the catalog with one {@code findAll}, puts up to {@link ProductCacheConfig#warmUpLimit()}
   * products (the first ones by SKU) into the cache, and logs how many in how long. Call it at
   * launch, before the server accepts traffic. If an invalidation runs meanwhile, the products put
   * are dropped again, as they may predate it.
   *
   * @return how many products were put, and how long it took
   * @throws dev.tinycheckout.StorageException if the storage fails
   */
  public WarmUpReport warm() {
    long start = ticker.read();
    int limit = config.warmUpLimit();
    if (limit == 0) {
      return new WarmUpReport(0, Duration.ZERO);
    }
    long epoch = invalidations.get();
    List<Product> catalog = storage.inTransaction(tx -> tx.products().findAll());
    List<Product> warmed = catalog.size() > limit ? catalog.subList(0, limit) : catalog;
    for (Product p : warmed) {
      products.put(p.sku(), Optional.of(p));
    }
    if (warmed.size() == catalog.size()) {
      list.put(Catalog.ALL, catalog);
    }
    if (invalidations.get() != epoch) {
      // A write committed while we read; what we put may be older than it.
      products.invalidateAll(warmed.stream().map(Product::sku).toList());
      list.invalidateAll();
      LOG.info("product cache warm-up raced with a write; its entries were dropped again");
    }
    Duration took = Duration.ofNanos(Math.max(0, ticker.read() - start));
    LOG.info(
        "product cache warmed with {} of {} products in {} ms",
        warmed.size(),
        catalog.size(),
        took.toMillis());
    return new WarmUpReport(warmed.size(), took);
  }

  /**
   * The counters since this cache was built.
   *
   * @return hits, misses and loads over products and the list
   */
  public ProductCacheStats stats() {
    CacheStats p = products.stats();
    CacheStats l = list.stats();
    return new ProductCacheStats(
        p.hitCount() + l.hitCount(),
        p.missCount() + l.missCount(),
        p.loadCount() + l.loadCount(),
        p.loadFailureCount() + l.loadFailureCount(),
        p.evictionCount() + l.evictionCount());
  }

  /**
   * The number of product entries (known products and remembered absences), approximately; call
   * {@link #cleanUp()} first for an exact count after evictions.
   *
   * @return the approximate number of entries
   */
  public long estimatedSize() {
    return products.estimatedSize();
  }

  /** Runs pending maintenance (eviction, expiry) now, on the calling thread. */
  public void cleanUp() {
    products.cleanUp();
    list.cleanUp();
  }

  /**
   * The configuration.
   *
   * @return what this cache was built with
   */
  public ProductCacheConfig config() {
    return config;
  }

  /**
   * The storage to give the write path ({@code Checkout}, withdrawals, catalog imports): it runs
   * units of work on the same storage and, after one returns (so after it committed), invalidates
   * every SKU it upserted, or reserved or released stock of. A unit of work that throws rolled back
   * and invalidates nothing; one whose work returned but whose commit failed invalidates its SKUs
   * anyway, as the commit may have happened. Thread-safe.
   *
   * @return the invalidating storage, the same object on every call
   */
  public CheckoutStorage invalidatingStorage() {
    return invalidating;
  }

  /** Builds a {@link ProductReadCache}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CheckoutStorage storage;
    private ProductCacheConfig config = ProductCacheConfig.ofDefaults();
    private @Nullable Clock clock;
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * Sets the storage to read products from (required).
     *
     * @param storage the storage
     * @return this builder
     */
    public Builder storage(CheckoutStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets the configuration (default {@link ProductCacheConfig#ofDefaults()}).
     *
     * @param config TTLs, size and warm-up limit
     * @return this builder
     */
    public Builder config(ProductCacheConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the time source for expiry, refresh and warm-up timing (default: the JVM's monotonic
     * {@link System#nanoTime()}). Tests pass a clock they advance by hand.
     *
     * @param clock the time source; it should not go backwards
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where refreshes ahead of expiry and cache maintenance run (default {@link
     * ForkJoinPool#commonPool()}).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the cache; it is empty until read or {@link ProductReadCache#warm() warmed}.
     *
     * @return the cache
     * @throws IllegalStateException if no storage was set
     */
    public ProductReadCache build() {
      return new ProductReadCache(this);
    }
  }
}

package dev.tinycheckout.micrometer;

import dev.tinycheckout.http.cache.ProductCacheStats;
import dev.tinycheckout.http.cache.ProductReadCache;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.FraudRule;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds the HTTP adapter's parts (the product read cache and the card-testing guard) to a
 * Micrometer registry, read when the registry is scraped. A separate class from {@link
 * TinyCheckoutMetrics}, so an application without {@code tinycheckout-http} (an optional dependency
 * of this module) never loads the HTTP adapter's types. Every meter holds what it reads strongly.
 *
 * <table>
 *   <caption>Meters of the binders</caption>
 *   <tr><th>Binder</th><th>Name</th><th>Type</th><th>Tags</th><th>Value</th></tr>
 *   <tr><td rowspan="5">{@link #bindProductCache}</td><td>{@value #CACHE_GETS} ({@code
 *       cache_gets_total})</td><td>counter</td><td>{@code cache=products}, {@code result=hit} or
 *       {@code miss}</td><td>lookups of products and of the product list</td></tr>
 *   <tr><td>{@value #CACHE_LOADS} ({@code cache_loads_total})</td><td>counter</td><td>{@code
 *       cache=products}</td><td>reads from the storage: loads after a miss and refreshes</td></tr>
 *   <tr><td>{@value #CACHE_LOAD_FAILURES} ({@code cache_load_failures_total})</td><td>counter</td>
 *       <td>{@code cache=products}</td><td>those reads that failed</td></tr>
 *   <tr><td>{@value #CACHE_EVICTIONS} ({@code cache_evictions_total})</td><td>counter</td><td>{@code
 *       cache=products}</td><td>entries dropped for size or expiry</td></tr>
 *   <tr><td>{@value #CACHE_SIZE} ({@code cache_size})</td><td>gauge</td><td>{@code
 *       cache=products}</td><td>product entries, approximately</td></tr>
 *   <tr><td rowspan="3">{@link #bindFraudGuard}</td><td>{@value #FRAUD_FLAGS} ({@code
 *       tinycheckout_fraud_flags_total})</td><td>counter</td><td>{@code rule}: the {@link FraudRule}
 *       in lower case, such as {@code declines_per_ip}</td><td>blocks (or decline spikes) a rule
 *       started</td></tr>
 *   <tr><td>{@value #FRAUD_REFUSALS} ({@code
 *       tinycheckout_fraud_refusals_total})</td><td>counter</td><td>{@code rule}</td><td>checkout
 *       attempts a rule's blocks refused</td></tr>
 *   <tr><td>{@value #FRAUD_TRACKED_KEYS} ({@code
 *       tinycheckout_fraud_tracked_keys})</td><td>gauge</td><td>none</td><td>keys (addresses,
 *       emails) the guard tracks, approximately</td></tr>
 * </table>
 *
 * <p>The binders are static and thread-safe; the meters they register may be read from any thread.
 */
public final class HttpMetrics {

  /** The cache lookup counter, as Micrometer's own cache binders name it. */
  public static final String CACHE_GETS = "cache.gets";

  /** The cache load counter. */
  public static final String CACHE_LOADS = "cache.loads";

  /** The counter of failed cache loads (the storage threw). */
  public static final String CACHE_LOAD_FAILURES = "cache.load.failures";

  /** The counter of entries dropped for size or expiry, as Micrometer's cache binders name it. */
  public static final String CACHE_EVICTIONS = "cache.evictions";

  /** The cache size gauge, as Micrometer's own cache binders name it. */
  public static final String CACHE_SIZE = "cache.size";

  /** The value of the {@code cache} tag of the product cache's meters. */
  public static final String PRODUCT_CACHE = "products";

  /** The counter of blocks a fraud rule started. */
  public static final String FRAUD_FLAGS = "tinycheckout.fraud.flags";

  /** The counter of attempts a fraud rule's blocks refused. */
  public static final String FRAUD_REFUSALS = "tinycheckout.fraud.refusals";

  /** The gauge of keys the fraud guard tracks. */
  public static final String FRAUD_TRACKED_KEYS = "tinycheckout.fraud.tracked.keys";

  private HttpMetrics() {}

  /**
   * Registers the product cache's meters under Micrometer's cache meter names with the tag {@code
   * cache=products}: {@value #CACHE_GETS} with {@code result=hit} and {@code result=miss}, {@value
   * #CACHE_LOADS}, {@value #CACHE_LOAD_FAILURES}, {@value #CACHE_EVICTIONS} and {@value
   * #CACHE_SIZE}. {@link ProductCacheStats} counts over the product entries and the product list
   * together.
   *
   * @param registry the registry
   * @param cache the cache, such as {@code api.productCache()}
   * @throws NullPointerException if an argument is null
   */
  public static void bindProductCache(MeterRegistry registry, ProductReadCache cache) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(cache, "cache");
    counter(
            CACHE_GETS,
            cache,
            c -> c.stats().hits(),
            "Product cache lookups answered from the cache (hit) or loaded (miss)")
        .tags("cache", PRODUCT_CACHE, "result", "hit")
        .register(registry);
    counter(
            CACHE_GETS,
            cache,
            c -> c.stats().misses(),
            "Product cache lookups answered from the cache (hit) or loaded (miss)")
        .tags("cache", PRODUCT_CACHE, "result", "miss")
        .register(registry);
    counter(
            CACHE_LOADS,
            cache,
            c -> c.stats().loads(),
            "Product reads from the storage: loads after a miss and refreshes ahead of expiry")
        .tags("cache", PRODUCT_CACHE)
        .register(registry);
    counter(
            CACHE_LOAD_FAILURES,
            cache,
            c -> c.stats().loadFailures(),
            "Product reads from the storage that failed")
        .tags("cache", PRODUCT_CACHE)
        .register(registry);
    counter(
            CACHE_EVICTIONS,
            cache,
            c -> c.stats().evictions(),
            "Product cache entries dropped for size or expiry")
        .tags("cache", PRODUCT_CACHE)
        .register(registry);
    Gauge.builder(CACHE_SIZE, cache, ProductReadCache::estimatedSize)
        .description("Product cache entries, approximately")
        .tags("cache", PRODUCT_CACHE)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers the fraud guard's meters: {@value #FRAUD_FLAGS} and {@value #FRAUD_REFUSALS} with a
   * {@code rule} tag for each {@link FraudRule}, and {@value #FRAUD_TRACKED_KEYS}.
   *
   * @param registry the registry
   * @param guard the guard
   * @throws NullPointerException if an argument is null
   */
  public static void bindFraudGuard(MeterRegistry registry, FraudGuard guard) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(guard, "guard");
    for (FraudRule rule : FraudRule.values()) {
      String tag = rule.name().toLowerCase(Locale.ROOT);
      counter(
              FRAUD_FLAGS,
              guard,
              g -> g.flags().flagged(rule),
              "Blocks a fraud rule started (decline spikes for decline_spike)")
          .tags("rule", tag)
          .register(registry);
      counter(
              FRAUD_REFUSALS,
              guard,
              g -> g.flags().refused(rule),
              "Checkout attempts refused by a fraud rule's blocks")
          .tags("rule", tag)
          .register(registry);
    }
    Gauge.builder(FRAUD_TRACKED_KEYS, guard, FraudGuard::trackedKeys)
        .description("Keys (client addresses, emails) the fraud guard tracks, approximately")
        .strongReference(true)
        .register(registry);
  }

  /**
   * A function counter that holds its source strongly: Micrometer keeps only a weak reference to
   * the object, so the function captures it as well.
   */
  private static <T> FunctionCounter.Builder<T> counter(
      String name, T source, ToDoubleFunction<T> count, String description) {
    return FunctionCounter.builder(name, source, ignored -> count.applyAsDouble(source))
        .description(description);
  }
}

package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code Cache-Control} response field value (RFC 9111 §5.2.2), also used as a {@code
 * CDN-Cache-Control} value, which has the same syntax and meaning but targets CDN caches only (RFC
 * 9213).
 *
 * <p>Build one with {@link #builder()}; {@link #toString()} is the field value, such as {@code
 * public, max-age=60, stale-while-revalidate=30}. Directives are written in a fixed order, so equal
 * settings give equal strings. Supported directives: {@code public}, {@code private}, {@code
 * no-cache}, {@code no-store}, {@code max-age}, {@code s-maxage}, {@code must-revalidate}, {@code
 * immutable} (RFC 8246), {@code stale-while-revalidate} and {@code stale-if-error} (RFC 5861).
 *
 * <p>Contradictions are refused when building rather than left for caches to resolve: {@code
 * public} with {@code private}; {@code no-store} with a lifetime, {@code public} or {@code
 * immutable}; {@code private} with {@code s-maxage}; {@code immutable} without a lifetime or with
 * {@code no-cache}. Immutable and thread-safe; equal when the field values are equal.
 */
public final class CacheControl {
  /**
   * The largest delta-seconds value: 2<sup>31</sup>, which caches treat as "infinity" (RFC 9111
   * §1.2.2).
   */
  public static final long MAX_SECONDS = 2_147_483_648L;

  private static final long UNSET = -1;

  private final boolean isPublic;
  private final boolean isPrivate;
  private final boolean noCache;
  private final boolean noStore;
  private final long maxAge;
  private final long sMaxAge;
  private final boolean mustRevalidate;
  private final boolean immutable;
  private final long staleWhileRevalidate;
  private final long staleIfError;
  private final String value;

  private CacheControl(Builder b) {
    this.isPublic = b.isPublic;
    this.isPrivate = b.isPrivate;
    this.noCache = b.noCache;
    this.noStore = b.noStore;
    this.maxAge = b.maxAge;
    this.sMaxAge = b.sMaxAge;
    this.mustRevalidate = b.mustRevalidate;
    this.immutable = b.immutable;
    this.staleWhileRevalidate = b.staleWhileRevalidate;
    this.staleIfError = b.staleIfError;
    List<String> d = new ArrayList<>();
    flag(d, isPublic, "public");
    flag(d, isPrivate, "private");
    flag(d, noCache, "no-cache");
    flag(d, noStore, "no-store");
    seconds(d, maxAge, "max-age");
    seconds(d, sMaxAge, "s-maxage");
    flag(d, mustRevalidate, "must-revalidate");
    flag(d, immutable, "immutable");
    seconds(d, staleWhileRevalidate, "stale-while-revalidate");
    seconds(d, staleIfError, "stale-if-error");
    this.value = String.join(", ", d);
  }

  private static void flag(List<String> d, boolean set, String name) {
    if (set) {
      d.add(name);
    }
  }

  private static void seconds(List<String> d, long seconds, String name) {
    if (seconds != UNSET) {
      d.add(name + "=" + seconds);
    }
  }

  /**
   * A builder with no directive set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code no-store}: no cache may keep any part of the request or response, as for checkout
   * answers.
   *
   * @return the value {@code no-store}
   */
  public static CacheControl noStore() {
    return builder().noStore().build();
  }

  /**
   * A builder holding this value's directives, to derive another value.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.isPublic = isPublic;
    b.isPrivate = isPrivate;
    b.noCache = noCache;
    b.noStore = noStore;
    b.maxAge = maxAge;
    b.sMaxAge = sMaxAge;
    b.mustRevalidate = mustRevalidate;
    b.immutable = immutable;
    b.staleWhileRevalidate = staleWhileRevalidate;
    b.staleIfError = staleIfError;
    return b;
  }

  /**
   * The field value, directives separated by {@code ", "}.
   *
   * @return such as {@code public, max-age=60, stale-while-revalidate=30}
   */
  @Override
  public String toString() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheControl that && that.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /**
   * Builds a {@link CacheControl}. Each lifetime setter validates its value at once; combinations
   * are checked by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private boolean isPublic;
    private boolean isPrivate;
    private boolean noCache;
    private boolean noStore;
    private long maxAge = UNSET;
    private long sMaxAge = UNSET;
    private boolean mustRevalidate;
    private boolean immutable;
    private long staleWhileRevalidate = UNSET;
    private long staleIfError = UNSET;

    private Builder() {}

    /**
     * Sets {@code public}: shared caches may store the response even where they otherwise would not
     * (such as a response to a request with {@code Authorization}).
     *
     * @return this builder
     */
    public Builder publicCache() {
      isPublic = true;
      return this;
    }

    /**
     * Sets {@code private}: only the client's own cache may store the response.
     *
     * @return this builder
     */
    public Builder privateCache() {
      isPrivate = true;
      return this;
    }

    /**
     * Sets {@code no-cache}: a cache must revalidate with the origin before each reuse.
     *
     * @return this builder
     */
    public Builder noCache() {
      noCache = true;
      return this;
    }

    /**
     * Sets {@code no-store}: no cache may store the response.
     *
     * @return this builder
     */
    public Builder noStore() {
      noStore = true;
      return this;
    }

    /**
     * Sets {@code must-revalidate}: once stale, a cache must not reuse the response without
     * revalidating it.
     *
     * @return this builder
     */
    public Builder mustRevalidate() {
      mustRevalidate = true;
      return this;
    }

    /**
     * Sets {@code immutable} (RFC 8246): the response will not change while fresh, so clients need
     * not revalidate it then. Needs {@code max-age} or {@code s-maxage}.
     *
     * @return this builder
     */
    public Builder immutable() {
      immutable = true;
      return this;
    }

    /**
     * Sets {@code max-age}: how long any cache may treat the response as fresh.
     *
     * @param age whole seconds, 0 to {@value CacheControl#MAX_SECONDS} seconds
     * @return this builder
     * @throws ValidationException with field {@code max-age} if negative, not whole seconds or too
     *     long
     */
    public Builder maxAge(Duration age) {
      maxAge = checked("max-age", age);
      return this;
    }

    /**
     * Sets {@code s-maxage}: how long shared caches may treat the response as fresh, overriding
     * {@code max-age} for them.
     *
     * @param age whole seconds, 0 to {@value CacheControl#MAX_SECONDS} seconds
     * @return this builder
     * @throws ValidationException with field {@code s-maxage} if negative, not whole seconds or too
     *     long
     */
    public Builder sMaxAge(Duration age) {
      sMaxAge = checked("s-maxage", age);
      return this;
    }

    /**
     * Sets {@code stale-while-revalidate} (RFC 5861): how long after it becomes stale a cache may
     * still serve the response while it revalidates in the background.
     *
     * @param window whole seconds, 0 to {@value CacheControl#MAX_SECONDS} seconds
     * @return this builder
     * @throws ValidationException with field {@code stale-while-revalidate} if negative, not whole
     *     seconds or too long
     */
    public Builder staleWhileRevalidate(Duration window) {
      staleWhileRevalidate = checked("stale-while-revalidate", window);
      return this;
    }

    /**
     * Sets {@code stale-if-error} (RFC 5861): how long after it becomes stale a cache may still
     * serve the response when the origin fails (5xx, unreachable).
     *
     * @param window whole seconds, 0 to {@value CacheControl#MAX_SECONDS} seconds
     * @return this builder
     * @throws ValidationException with field {@code stale-if-error} if negative, not whole seconds
     *     or too long
     */
    public Builder staleIfError(Duration window) {
      staleIfError = checked("stale-if-error", window);
      return this;
    }

    private static long checked(String directive, Duration d) {
      Objects.requireNonNull(d, directive);
      if (d.isNegative()) {
        throw new ValidationException(directive, "must not be negative, but was " + d);
      }
      if (d.getNano() != 0) {
        throw new ValidationException(directive, "must be whole seconds, but was " + d);
      }
      if (d.getSeconds() > MAX_SECONDS) {
        throw new ValidationException(
            directive, "must be at most " + MAX_SECONDS + " seconds, but was " + d);
      }
      return d.getSeconds();
    }

    /**
     * Builds the value.
     *
     * @return the value
     * @throws ValidationException naming a directive if no directive is set or two contradict each
     *     other (see {@link CacheControl})
     */
    public CacheControl build() {
      if (isPublic && isPrivate) {
        throw new ValidationException(
            "private", "contradicts public: choose whether shared caches may store the response");
      }
      if (noStore) {
        List<String> conflicts = new ArrayList<>();
        flag(conflicts, isPublic, "public");
        flag(conflicts, immutable, "immutable");
        seconds(conflicts, maxAge, "max-age");
        seconds(conflicts, sMaxAge, "s-maxage");
        seconds(conflicts, staleWhileRevalidate, "stale-while-revalidate");
        seconds(conflicts, staleIfError, "stale-if-error");
        if (!conflicts.isEmpty()) {
          throw new ValidationException(
              "no-store",
              "forbids storing the response, so it contradicts "
                  + String.join(", ", conflicts)
                  + "; drop one or the other");
        }
      }
      if (isPrivate && sMaxAge != UNSET) {
        throw new ValidationException(
            "s-maxage", "is for shared caches, which private forbids; use max-age instead");
      }
      if (immutable && maxAge == UNSET && sMaxAge == UNSET) {
        throw new ValidationException(
            "immutable", "needs a lifetime to mean anything: set max-age or s-maxage");
      }
      if (immutable && noCache) {
        throw new ValidationException(
            "immutable", "contradicts no-cache, which asks for revalidation before every reuse");
      }
      CacheControl built = new CacheControl(this);
      if (built.value.isEmpty()) {
        throw new ValidationException(
            "Cache-Control", "needs at least one directive, such as max-age or no-store");
      }
      return built;
    }
  }
}

package dev.tinycheckout.http.fraud;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags card testing at checkout and refuses the flagged clients for a while, by the {@link
 * FraudRules} it was built with.
 *
 * <p>Ask {@link #admit} before each checkout, and when it allows, call {@link #recordOutcome} once
 * the checkout ended:
 *
 * <pre>{@code
 * Attempt attempt = Attempt.of(clientAddress, request.email().value(), request.paymentToken());
 * if (guard.admit(attempt) instanceof Verdict.Refuse refuse) {
 *   return tooManyAttempts(refuse.retryAfterSeconds()); // 429 too-many-attempts, Retry-After
 * }
 * Outcome outcome = ...; // PAID, DECLINED or OTHER
 * guard.recordOutcome(attempt, outcome);
 * }</pre>
 *
 * <p>Once a rule's limit is reached for a client address or an email, the key is <em>blocked</em>:
 * every attempt from that address (or with that email) is refused until the block ends, with {@link
 * Verdict.Refuse#retryAfter()} the time left. Each block is counted ({@link #flags()}), logged at
 * WARN and passed to {@link FraudListener#flagged} once; refused attempts are counted but neither
 * logged nor passed on. Flag lines are logged at most 20 a minute, so an attack from many addresses
 * cannot flood the log; the next line logged says how many were left out. A site-wide decline spike
 * is counted, logged and passed to {@link FraudListener#spike} once per spike. Logs and flags name
 * client addresses; the guard keeps no email and no payment token, only keyed hashes of them
 * ({@link Attempt}).
 *
 * <p>Counts are exact within each limit's window. All state lives in Caffeine caches bounded by
 * {@link FraudRules#maxTrackedKeys()} entries each, that also drop an entry once its window or
 * block is over; under more keys than that the least used are evicted, so an attack from millions
 * of addresses costs bounded memory and can only make the guard forget, never refuse wrongly. State
 * is per instance and in memory: several instances of a shop each count their own attempts, and a
 * restart forgets everything.
 *
 * <p>Thread-safe: share one guard between all request threads. Each call does a few cache
 * operations and takes at most one short lock (the spike rule's, on outcomes), so it costs
 * microseconds.
 */
public final class FraudGuard {
  private static final Logger LOG = LoggerFactory.getLogger(FraudGuard.class);
  private static final int LOG_LINES_PER_MINUTE = 20;

  private final FraudRules rules;
  private final Clock clock;
  private final Ticker ticker;
  private final FraudListener listener;
  private final @Nullable Cache<String, EventRing> ipDeclines;
  private final @Nullable Cache<Long, EventRing> emailDeclines;
  private final @Nullable Cache<String, TokenSet> ipTokens;
  private final @Nullable Cache<String, EventRing> ipCheckouts;
  private final Cache<String, Block> ipBlocks;
  private final Cache<Long, Block> emailBlocks;
  private final @Nullable SpikeDetector spike;
  private final LogBudget logBudget =
      new LogBudget(LOG_LINES_PER_MINUTE, Duration.ofMinutes(1).toNanos());
  private final Map<FraudRule, LongAdder> flags = counters();
  private final Map<FraudRule, LongAdder> refusals = counters();

  /** A block of one key, until a ticker reading. */
  private record Block(FraudRule rule, long until) {}

  private FraudGuard(Builder b) {
    this.rules = b.rules;
    this.listener = b.listener;
    Clock source = b.clock;
    if (source == null) {
      this.clock = Clock.systemUTC();
      this.ticker = Ticker.systemTicker();
    } else {
      this.clock = source;
      this.ticker = () -> nanos(source.instant());
    }
    Executor executor = b.executor;
    this.ipDeclines =
        rules.declinesPerIp().map(l -> this.<String, EventRing>table(l, executor)).orElse(null);
    this.emailDeclines =
        rules.declinesPerEmail().map(l -> this.<Long, EventRing>table(l, executor)).orElse(null);
    this.ipTokens =
        rules
            .distinctTokensPerIp()
            .map(l -> this.<String, TokenSet>table(l, executor))
            .orElse(null);
    this.ipCheckouts =
        rules.checkoutsPerIp().map(l -> this.<String, EventRing>table(l, executor)).orElse(null);
    this.ipBlocks = blocks(executor);
    this.emailBlocks = blocks(executor);
    this.spike = rules.declineSpike().map(SpikeDetector::new).orElse(null);
  }

  private <K, V> Cache<K, V> table(FraudRules.Limit limit, Executor executor) {
    return Caffeine.newBuilder()
        .maximumSize(rules.maxTrackedKeys())
        .expireAfterWrite(limit.window())
        .ticker(ticker)
        .executor(executor)
        .build();
  }

  private <K> Cache<K, Block> blocks(Executor executor) {
    return Caffeine.newBuilder()
        .maximumSize(rules.maxTrackedKeys())
        .expireAfter(
            new Expiry<K, Block>() {
              @Override
              public long expireAfterCreate(K key, Block block, long currentTime) {
                return Math.max(0, block.until() - currentTime);
              }

              @Override
              public long expireAfterUpdate(
                  K key, Block block, long currentTime, long currentDuration) {
                return Math.max(0, block.until() - currentTime);
              }

              @Override
              public long expireAfterRead(
                  K key, Block block, long currentTime, long currentDuration) {
                return currentDuration;
              }
            })
        .ticker(ticker)
        .executor(executor)
        .build();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /**
   * A builder; every setting has a default.
   *
   * @return a builder with the default rules
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decides whether a checkout may go ahead, and counts it: refuses it if its client address or its
   * email is blocked; otherwise counts it for the checkouts-per-address and distinct-tokens rules,
   * which may block the address for the <em>next</em> attempt, and allows it.
   *
   * @param attempt who tries to check out, for which email, with which token
   * @return {@link Verdict.Allow}, or {@link Verdict.Refuse} with the blocking rule and the time
   *     left; always Allow when the rules are {@link FraudRules#off() off}
   */
  public Verdict admit(Attempt attempt) {
    Objects.requireNonNull(attempt, "attempt");
    if (rules.isOff()) {
      return Verdict.allow();
    }
    long now = ticker.read();
    Verdict.Refuse refused = refusal(ipBlocks, attempt.clientKey(), now);
    if (refused == null) {
      refused = refusal(emailBlocks, attempt.emailKey(), now);
    }
    if (refused != null) {
      counter(refusals, refused.rule()).increment();
      return refused;
    }
    boolean tight = spike != null && spike.tightening(now);
    FraudRules.Limit checkouts = rules.checkoutsPerIp().orElse(null);
    if (ipCheckouts != null && checkouts != null) {
      if (count(ipCheckouts, attempt.clientKey(), checkouts, tight, now)) {
        blockAddress(FraudRule.CHECKOUTS_PER_IP, checkouts, attempt.clientKey(), now);
      }
    }
    FraudRules.Limit tokens = rules.distinctTokensPerIp().orElse(null);
    if (ipTokens != null && tokens != null) {
      int m = max(tokens, tight);
      long window = tokens.window().toNanos();
      boolean[] reached = {false};
      ipTokens
          .asMap()
          .compute(
              attempt.clientKey(),
              (k, set) -> {
                TokenSet s = set != null ? set : new TokenSet(tokens.max());
                reached[0] = s.add(attempt.tokenKey(), now, window, m);
                return s;
              });
      if (reached[0]) {
        blockAddress(FraudRule.DISTINCT_TOKENS_PER_IP, tokens, attempt.clientKey(), now);
      }
    }
    return Verdict.allow();
  }

  /**
   * Counts how an admitted checkout ended. A {@link Outcome#DECLINED decline} counts for the
   * declines-per-address and declines-per-email rules, which may block the address or the email,
   * and for the spike rule; a {@link Outcome#PAID payment} takes its token off the distinct-tokens
   * count and counts for the spike rule; {@link Outcome#OTHER} counts for nothing. Call it once per
   * admitted attempt; a refused attempt has no outcome.
   *
   * @param attempt the attempt that {@link #admit} allowed
   * @param outcome how it ended
   */
  public void recordOutcome(Attempt attempt, Outcome outcome) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(outcome, "outcome");
    if (rules.isOff() || outcome == Outcome.OTHER) {
      return;
    }
    long now = ticker.read();
    if (outcome == Outcome.DECLINED) {
      boolean tight = spike != null && spike.tightening(now);
      FraudRules.Limit perIp = rules.declinesPerIp().orElse(null);
      if (ipDeclines != null && perIp != null) {
        if (count(ipDeclines, attempt.clientKey(), perIp, tight, now)) {
          blockAddress(FraudRule.DECLINES_PER_IP, perIp, attempt.clientKey(), now);
        }
      }
      FraudRules.Limit perEmail = rules.declinesPerEmail().orElse(null);
      if (emailDeclines != null && perEmail != null) {
        if (count(emailDeclines, attempt.emailKey(), perEmail, tight, now)) {
          block(
              emailBlocks,
              attempt.emailKey(),
              FraudRule.DECLINES_PER_EMAIL,
              perEmail,
              Attempt.emailSubject(attempt.emailKey()),
              now);
        }
      }
    } else if (ipTokens != null) {
      ipTokens
          .asMap()
          .computeIfPresent(
              attempt.clientKey(),
              (k, set) -> {
                set.remove(attempt.tokenKey());
                return set.isEmpty() ? null : set;
              });
    }
    if (spike != null) {
      DeclineSpike started = spike.record(now, outcome == Outcome.DECLINED, clock::instant);
      if (started != null) {
        counter(flags, FraudRule.DECLINE_SPIKE).increment();
        LOG.warn(
            "fraud rule DECLINE_SPIKE: {} of {} payments declined in the last {}, above {}",
            started.declines(),
            started.payments(),
            rules.declineSpike().map(FraudRules.Spike::window).orElse(Duration.ZERO),
            String.format(Locale.ROOT, "%.3f", started.threshold()));
        try {
          listener.spike(started);
        } catch (RuntimeException e) {
          LOG.error("fraud listener failed on a decline spike; the spike still counts", e);
        }
      }
    }
  }

  /**
   * The counters since this guard was built.
   *
   * @return blocks (and spikes) started and attempts refused, per rule
   */
  public FlagCounts flags() {
    Map<FraudRule, Long> f = new EnumMap<>(FraudRule.class);
    Map<FraudRule, Long> r = new EnumMap<>(FraudRule.class);
    for (FraudRule rule : FraudRule.values()) {
      f.put(rule, counter(flags, rule).sum());
      r.put(rule, counter(refusals, rule).sum());
    }
    return new FlagCounts(f, r);
  }

  /**
   * The rules.
   *
   * @return what this guard was built with
   */
  public FraudRules rules() {
    return rules;
  }

  /**
   * How many keys all tables hold, approximately; call {@link #cleanUp()} first for a figure after
   * evictions and expiry. At most six times {@link FraudRules#maxTrackedKeys()}.
   *
   * @return the approximate number of entries
   */
  public long trackedKeys() {
    return tableSizes().values().stream().mapToLong(Long::longValue).sum();
  }

  /** Runs pending maintenance (eviction, expiry) of every table now, on the calling thread. */
  public void cleanUp() {
    forEachTable((name, cache) -> cache.cleanUp());
  }

  /** The estimated size of each table that exists, by name. */
  Map<String, Long> tableSizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    forEachTable((name, cache) -> sizes.put(name, cache.estimatedSize()));
    return sizes;
  }

  private void forEachTable(BiConsumer<String, Cache<?, ?>> action) {
    if (ipDeclines != null) {
      action.accept("ipDeclines", ipDeclines);
    }
    if (emailDeclines != null) {
      action.accept("emailDeclines", emailDeclines);
    }
    if (ipTokens != null) {
      action.accept("ipTokens", ipTokens);
    }
    if (ipCheckouts != null) {
      action.accept("ipCheckouts", ipCheckouts);
    }
    action.accept("ipBlocks", ipBlocks);
    action.accept("emailBlocks", emailBlocks);
  }

  private static Map<FraudRule, LongAdder> counters() {
    Map<FraudRule, LongAdder> m = new EnumMap<>(FraudRule.class);
    for (FraudRule r : FraudRule.values()) {
      m.put(r, new LongAdder());
    }
    return m;
  }

  private static LongAdder counter(Map<FraudRule, LongAdder> counters, FraudRule rule) {
    return Objects.requireNonNull(counters.get(rule), "every rule has a counter");
  }

  private static int max(FraudRules.Limit limit, boolean tight) {
    return tight ? (limit.max() + 1) / 2 : limit.max();
  }

  private static <K> boolean count(
      Cache<K, EventRing> table, K key, FraudRules.Limit limit, boolean tight, long now) {
    int m = max(limit, tight);
    long window = limit.window().toNanos();
    boolean[] reached = {false};
    table
        .asMap()
        .compute(
            key,
            (k, ring) -> {
              EventRing r = ring != null ? ring : new EventRing(limit.max());
              reached[0] = r.add(now, window, m);
              return r;
            });
    return reached[0];
  }

  private static <K> Verdict.@Nullable Refuse refusal(Cache<K, Block> blocks, K key, long now) {
    Block block = blocks.getIfPresent(key);
    if (block == null || block.until() - now <= 0) {
      return null;
    }
    return new Verdict.Refuse(block.rule(), Duration.ofNanos(block.until() - now));
  }

  private void blockAddress(FraudRule rule, FraudRules.Limit limit, String clientKey, long now) {
    block(ipBlocks, clientKey, rule, limit, clientKey, now);
  }

  /**
   * Blocks a key, unless a block of the same rule is on, or one of another rule that lasts at least
   * as long; flags only a block that was started.
   */
  private <K> void block(
      Cache<K, Block> blocks,
      K key,
      FraudRule rule,
      FraudRules.Limit limit,
      String subject,
      long now) {
    long until = now + limit.blockFor().toNanos();
    boolean[] started = {false};
    blocks
        .asMap()
        .compute(
            key,
            (k, old) -> {
              if (old != null
                  && old.until() - now > 0
                  && (old.rule() == rule || old.until() - until >= 0)) {
                return old;
              }
              started[0] = true;
              return new Block(rule, until);
            });
    if (!started[0]) {
      return;
    }
    counter(flags, rule).increment();
    FraudFlag flag = new FraudFlag(rule, subject, clock.instant(), limit.blockFor());
    long skipped = logBudget.take(now);
    if (skipped == 0) {
      LOG.warn("fraud rule {} blocked {} for {}", rule, subject, limit.blockFor());
    } else if (skipped > 0) {
      LOG.warn(
          "fraud rule {} blocked {} for {}; {} earlier flags were not logged (at most {} lines a"
              + " minute), FraudGuard.flags() counts them all",
          rule,
          subject,
          limit.blockFor(),
          skipped,
          LOG_LINES_PER_MINUTE);
    }
    try {
      listener.flagged(flag);
    } catch (RuntimeException e) {
      if (logBudget.take(now) >= 0) {
        LOG.error("fraud listener failed on a flag of {}; the block still holds", subject, e);
      }
    }
  }

  /** Builds a {@link FraudGuard}. Not thread-safe. */
  public static final class Builder {
    private FraudRules rules = FraudRules.ofDefaults();
    private @Nullable Clock clock;
    private FraudListener listener = FraudListener.NONE;
    private Executor executor = ForkJoinPool.commonPool();

    private Builder() {}

    /**
     * Sets the rules (default {@link FraudRules#ofDefaults()}).
     *
     * @param rules the rules
     * @return this builder
     */
    public Builder rules(FraudRules rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Sets the listener that hears of every flag (default: none; flags are still counted and
     * logged).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(FraudListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the time source of windows, blocks and flags (default: the JVM's monotonic {@link
     * System#nanoTime()} for windows and blocks, the UTC system clock for the time of a flag).
     * Tests pass a clock they advance by hand.
     *
     * @param clock the time source; it should not go backwards
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where the tables' maintenance (eviction, expiry) runs (default {@link
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
     * Builds the guard, with empty tables.
     *
     * @return the guard
     */
    public FraudGuard build() {
      return new FraudGuard(this);
    }
  }
}

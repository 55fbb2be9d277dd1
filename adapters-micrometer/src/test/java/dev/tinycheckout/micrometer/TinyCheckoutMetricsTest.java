package dev.tinycheckout.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.http.cache.ProductCacheConfig;
import dev.tinycheckout.http.cache.ProductReadCache;
import dev.tinycheckout.http.fraud.Attempt;
import dev.tinycheckout.http.fraud.FraudGuard;
import dev.tinycheckout.http.fraud.FraudRules;
import dev.tinycheckout.http.fraud.Outcome;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TinyCheckoutMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final SimpleMeterRegistry registry = Meters.registry();
  private final HandClock clock = new HandClock(T0);

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  /** Answers the queued backlogs in order, throwing for a null entry; counts its calls. */
  private static final class ScriptedBacklog implements Supplier<DeliveryBacklog> {
    final Deque<Optional<DeliveryBacklog>> answers = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    ScriptedBacklog then(DeliveryBacklog backlog) {
      answers.add(Optional.of(backlog));
      return this;
    }

    ScriptedBacklog thenFail() {
      answers.add(Optional.empty());
      return this;
    }

    @Override
    public DeliveryBacklog get() {
      calls.incrementAndGet();
      return answers
          .removeFirst()
          .orElseThrow(() -> new IllegalStateException("database unavailable (test)"));
    }
  }

  // ---- fulfilment backlog --------------------------------------------------------------------

  @Test
  void theBacklogGaugesShowPendingDeadAndTheOldestAgeInSeconds() {
    ScriptedBacklog backlog =
        new ScriptedBacklog().then(new DeliveryBacklog(3, Optional.of(T0.minusSeconds(90)), 2));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(15));

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(3.0);
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_OLDEST_AGE)).isEqualTo(90.0);
    assertThat(gauge(TinyCheckoutMetrics.DEAD_LETTERS)).isEqualTo(2.0);
    assertThat(registry.get(TinyCheckoutMetrics.OUTBOX_OLDEST_AGE).gauge().getId().getBaseUnit())
        .isEqualTo("seconds");
  }

  @Test
  void theOldestAgeIsZeroWhenNothingIsPending() {
    ScriptedBacklog backlog =
        new ScriptedBacklog().then(new DeliveryBacklog(0, Optional.empty(), 0));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(15));

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_OLDEST_AGE)).isZero();
  }

  @Test
  void scrapesWithinTheRefreshPeriodShareOneReadOfTheBacklog() {
    ScriptedBacklog backlog =
        new ScriptedBacklog()
            .then(new DeliveryBacklog(1, Optional.of(T0), 0))
            .then(new DeliveryBacklog(5, Optional.of(T0), 0));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(15));

    for (int i = 0; i < 3; i++) {
      assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(1.0);
      assertThat(gauge(TinyCheckoutMetrics.DEAD_LETTERS)).isZero();
      clock.advance(Duration.ofSeconds(4));
    }
    assertThat(backlog.calls).hasValue(1);
    // The age grows with the clock between reads.
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_OLDEST_AGE)).isEqualTo(12.0);

    clock.advance(Duration.ofSeconds(3));

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(5.0);
    assertThat(backlog.calls).hasValue(2);
  }

  @Test
  void aFailedReadKeepsTheLastValueAndIsNotRetriedBeforeTheNextPeriod() {
    ScriptedBacklog backlog =
        new ScriptedBacklog()
            .then(new DeliveryBacklog(4, Optional.of(T0), 1))
            .thenFail()
            .then(new DeliveryBacklog(0, Optional.empty(), 1));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(10));
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(4.0);

    clock.advance(Duration.ofSeconds(10));
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(4.0);
    assertThat(gauge(TinyCheckoutMetrics.DEAD_LETTERS)).isEqualTo(1.0);
    assertThat(backlog.calls).hasValue(2);

    clock.advance(Duration.ofSeconds(10));
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isZero();
    assertThat(backlog.calls).hasValue(3);
  }

  @Test
  void theBacklogGaugesAreNaNUntilTheFirstSuccessfulRead() {
    ScriptedBacklog backlog =
        new ScriptedBacklog().thenFail().then(new DeliveryBacklog(2, Optional.empty(), 0));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(10));

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isNaN();
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_OLDEST_AGE)).isNaN();
    assertThat(gauge(TinyCheckoutMetrics.DEAD_LETTERS)).isNaN();

    clock.advance(Duration.ofSeconds(10));
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(2.0);
  }

  @Test
  void aClockThatJumpsBackDoesNotFreezeTheBacklog() {
    ScriptedBacklog backlog =
        new ScriptedBacklog()
            .then(new DeliveryBacklog(1, Optional.empty(), 0))
            .then(new DeliveryBacklog(2, Optional.empty(), 0));
    TinyCheckoutMetrics.bindFulfilmentBacklog(registry, backlog, clock, Duration.ofSeconds(10));
    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(1.0);

    clock.advance(Duration.ofHours(-1));

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(2.0);
  }

  @Test
  void theBacklogGaugesKeepReadingAfterTheCallerDroppedItsReferences() {
    TinyCheckoutMetrics.bindFulfilmentBacklog(
        registry, () -> new DeliveryBacklog(7, Optional.empty(), 0), clock, Duration.ofSeconds(1));

    System.gc();

    assertThat(gauge(TinyCheckoutMetrics.OUTBOX_PENDING)).isEqualTo(7.0);
  }

  @Test
  void aRefreshThatIsNotPositiveIsRejectedNamingTheValue() {
    assertThatThrownBy(
            () ->
                TinyCheckoutMetrics.bindFulfilmentBacklog(
                    registry,
                    () -> new DeliveryBacklog(0, Optional.empty(), 0),
                    clock,
                    Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("but was PT0S");
  }

  // ---- product cache -------------------------------------------------------------------------

  @Test
  void theProductCacheCountsHitsMissesAndLoadsUnderMicrometersCacheNames() {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10, T0);
          return null;
        });
    ProductReadCache cache =
        ProductReadCache.builder().storage(storage).clock(clock).executor(Runnable::run).build();
    HttpMetrics.bindProductCache(registry, cache);

    cache.get(Sku.of("apple"));
    cache.get(Sku.of("apple"));
    cache.get(Sku.of("apple"));
    cache.get(Sku.of("pear"));
    cache.cleanUp();

    assertThat(
            registry
                .get(HttpMetrics.CACHE_GETS)
                .tag("cache", "products")
                .tag("result", "hit")
                .functionCounter()
                .count())
        .isEqualTo(2.0);
    assertThat(
            registry
                .get(HttpMetrics.CACHE_GETS)
                .tag("cache", "products")
                .tag("result", "miss")
                .functionCounter()
                .count())
        .isEqualTo(2.0);
    assertThat(
            registry
                .get(HttpMetrics.CACHE_LOADS)
                .tag("cache", "products")
                .functionCounter()
                .count())
        .isEqualTo(2.0);
    assertThat(registry.get(HttpMetrics.CACHE_SIZE).tag("cache", "products").gauge().value())
        .isEqualTo(2.0);
    assertThat(
            registry
                .get(HttpMetrics.CACHE_EVICTIONS)
                .tag("cache", "products")
                .functionCounter()
                .count())
        .isZero();
    assertThat(
            registry
                .get(HttpMetrics.CACHE_LOAD_FAILURES)
                .tag("cache", "products")
                .functionCounter()
                .count())
        .isZero();
  }

  @Test
  void aCacheOverItsSizeCountsEvictions() {
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> {
          for (int i = 0; i < 50; i++) {
            tx.products().upsert(Sku.of("sku-" + i), "Item " + i, Money.of(100, "USD"), 10, T0);
          }
          return null;
        });
    ProductReadCache cache =
        ProductReadCache.builder()
            .storage(storage)
            .config(ProductCacheConfig.builder().maximumSize(5).build())
            .clock(clock)
            .executor(Runnable::run)
            .build();
    HttpMetrics.bindProductCache(registry, cache);

    for (int i = 0; i < 50; i++) {
      cache.get(Sku.of("sku-" + i));
    }
    cache.cleanUp();

    double evictions =
        registry
            .get(HttpMetrics.CACHE_EVICTIONS)
            .tag("cache", "products")
            .functionCounter()
            .count();
    assertThat(evictions).isGreaterThanOrEqualTo(45.0);
    assertThat(evictions).isEqualTo((double) cache.stats().evictions());
  }

  // ---- fraud guard ---------------------------------------------------------------------------

  @Test
  void theFraudGuardCountsFlagsAndRefusalsPerRuleAndItsTrackedKeys() {
    FraudGuard guard =
        FraudGuard.builder()
            .rules(FraudRules.ofDefaults())
            .clock(clock)
            .executor(Runnable::run)
            .build();
    HttpMetrics.bindFraudGuard(registry, guard);
    assertThat(
            registry
                .get(HttpMetrics.FRAUD_FLAGS)
                .tag("rule", "declines_per_ip")
                .functionCounter()
                .count())
        .isZero();

    Attempt attempt = Attempt.of("203.0.113.7", "ann@example.com", "tok_1");
    for (int i = 0; i < 5; i++) {
      assertThat(guard.admit(attempt).allowed()).isTrue();
      guard.recordOutcome(attempt, Outcome.DECLINED);
    }
    assertThat(guard.admit(attempt).allowed()).isFalse();
    assertThat(guard.admit(attempt).allowed()).isFalse();

    assertThat(
            registry
                .get(HttpMetrics.FRAUD_FLAGS)
                .tag("rule", "declines_per_ip")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(
            registry
                .get(HttpMetrics.FRAUD_REFUSALS)
                .tag("rule", "declines_per_ip")
                .functionCounter()
                .count())
        .isEqualTo(2.0);
    assertThat(registry.get(HttpMetrics.FRAUD_FLAGS).functionCounters()).hasSize(5);
    assertThat(
            registry
                .get(HttpMetrics.FRAUD_FLAGS)
                .tag("rule", "decline_spike")
                .functionCounter()
                .count())
        .isZero();
    assertThat(gauge(HttpMetrics.FRAUD_TRACKED_KEYS)).isEqualTo((double) guard.trackedKeys());
    assertThat(guard.trackedKeys()).isPositive();
  }

  // ---- SLO monitor ---------------------------------------------------------------------------

  @Test
  void theSloGaugesFlipFromZeroToOneOnceTheMonitorFires() {
    SloMonitor monitor =
        SloMonitor.builder(ServiceLevelObjective.of("checkout-availability", 0.999))
            .clock(clock)
            .build();
    TinyCheckoutMetrics.bindSloMonitor(registry, monitor);

    assertThat(firing("page-fast", "page")).isZero();
    assertThat(firing("ticket-slow", "ticket")).isZero();
    assertThat(burnRate("page-fast", "long")).isZero();
    assertThat(
            registry
                .get(TinyCheckoutMetrics.SLO_TARGET)
                .tag("objective", "checkout-availability")
                .gauge()
                .value())
        .isEqualTo(0.999);

    for (int i = 0; i < 200; i++) {
      monitor.record(false);
    }
    // Recording alone changes nothing: the gauges read the last evaluation, never evaluate.
    assertThat(firing("page-fast", "page")).isZero();

    monitor.evaluate();

    assertThat(firing("page-fast", "page")).isEqualTo(1.0);
    assertThat(firing("page-slow", "page")).isEqualTo(1.0);
    assertThat(firing("ticket-fast", "ticket")).isZero(); // needs 400 events
    assertThat(burnRate("page-fast", "long")).isCloseTo(1000.0, offset(1e-6));
    assertThat(burnRate("page-fast", "short")).isCloseTo(1000.0, offset(1e-6));
    Collection<Gauge> all = registry.get(TinyCheckoutMetrics.SLO_BURN_RATE).gauges();
    assertThat(all).hasSize(8);
  }

  private double firing(String rule, String severity) {
    return registry
        .get(TinyCheckoutMetrics.SLO_ALERT_FIRING)
        .tag("objective", "checkout-availability")
        .tag("rule", rule)
        .tag("severity", severity)
        .gauge()
        .value();
  }

  private double burnRate(String rule, String window) {
    return registry
        .get(TinyCheckoutMetrics.SLO_BURN_RATE)
        .tag("objective", "checkout-availability")
        .tag("rule", rule)
        .tag("window", window)
        .gauge()
        .value();
  }
}

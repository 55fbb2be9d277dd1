package dev.tinycheckout.http.fraud;

import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The site-wide decline ratio in buckets of a fifth of the spike window: the current bucket and the
 * four before it make the short window, the buckets before those the baseline. Thread-safe: one
 * lock, taken once per payment outcome; {@link #spiking} reads volatile fields only.
 */
final class SpikeDetector {
  private static final int SHORT_BUCKETS = 5;

  private final FraudRules.Spike rule;
  private final long width;
  private final long windowNanos;
  private final int slots;
  private final long[] bucketOf;
  private final long[] payments;
  private final long[] declines;
  private final boolean[] tainted;

  private long baselineFor = Long.MIN_VALUE;
  private long baselinePayments;
  private long baselineDeclines;
  private long spikeStart;
  private volatile boolean spiking;
  private volatile long lastEvaluation;

  SpikeDetector(FraudRules.Spike rule) {
    this.rule = rule;
    this.windowNanos = rule.window().toNanos();
    this.width = windowNanos / SHORT_BUCKETS;
    long baselineBuckets = (rule.baseline().toNanos() + width - 1) / width;
    this.slots = Math.toIntExact(baselineBuckets + SHORT_BUCKETS);
    this.bucketOf = new long[slots];
    Arrays.fill(bucketOf, Long.MIN_VALUE);
    this.payments = new long[slots];
    this.declines = new long[slots];
    this.tainted = new boolean[slots];
  }

  /**
   * Whether a spike is on at {@code now}. A spike that no payment outcome has re-evaluated for a
   * whole window is taken as over.
   */
  boolean spiking(long now) {
    return spiking && now - lastEvaluation < windowNanos;
  }

  /** Whether the per-key limits are halved at {@code now}: a spike is on and the rule says so. */
  boolean tightening(long now) {
    return rule.tighten() && spiking(now);
  }

  /**
   * Counts one payment outcome and re-evaluates.
   *
   * @return the spike, if one started with this outcome
   */
  synchronized @Nullable DeclineSpike record(long now, boolean declined, Supplier<Instant> at) {
    long bucket = Math.floorDiv(now, width);
    int slot = slot(bucket);
    if (bucketOf[slot] != bucket) {
      bucketOf[slot] = bucket;
      payments[slot] = 0;
      declines[slot] = 0;
      tainted[slot] = false;
    }
    payments[slot]++;
    if (declined) {
      declines[slot]++;
    }
    if (spiking) {
      tainted[slot] = true;
    }
    long shortPayments = 0;
    long shortDeclines = 0;
    for (int i = 0; i < SHORT_BUCKETS; i++) {
      int s = slot(bucket - i);
      if (bucketOf[s] == bucket - i) {
        shortPayments += payments[s];
        shortDeclines += declines[s];
      }
    }
    if (baselineFor != bucket) {
      baselineFor = bucket;
      baselinePayments = 0;
      baselineDeclines = 0;
      for (int i = SHORT_BUCKETS; i < slots; i++) {
        int s = slot(bucket - i);
        if (bucketOf[s] == bucket - i && !tainted[s]) {
          baselinePayments += payments[s];
          baselineDeclines += declines[s];
        }
      }
    }
    double baselineRatio =
        baselinePayments == 0 ? 0.0 : (double) baselineDeclines / baselinePayments;
    double threshold = Math.max(rule.factor() * baselineRatio, rule.minRatio());
    boolean over = shortPayments >= rule.minAttempts() && shortDeclines > threshold * shortPayments;
    lastEvaluation = now;
    if (!spiking && over) {
      spiking = true;
      spikeStart = now;
      // The attack's first minutes must not become part of the baseline either.
      for (int i = 0; i < SHORT_BUCKETS; i++) {
        int s = slot(bucket - i);
        if (bucketOf[s] == bucket - i) {
          tainted[s] = true;
        }
      }
      return new DeclineSpike(at.get(), shortPayments, shortDeclines, baselineRatio, threshold);
    }
    if (spiking && !over && now - spikeStart >= windowNanos) {
      spiking = false;
    }
    return null;
  }

  private int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) slots);
  }
}

package dev.tinycheckout.observe;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one {@link ServiceLevelObjective} in process with multiwindow, multi-burn-rate alerts as
 * the SRE workbook describes them: {@linkplain #record(boolean) record} every event (a checkout) as
 * good or bad, {@linkplain #evaluate() evaluate} on a timer (every 10 to 60 seconds, for example
 * with {@link #evaluateEvery}), and {@link AlertListener listeners} hear once when a {@link
 * BurnRateRule} starts firing and once when it stops.
 *
 * <p><b>Windows.</b> Events are counted in buckets of fixed width ({@link Builder#bucket}, one
 * minute by default) aligned to the epoch; an event belongs to the bucket that contains its
 * instant. A window of length {@code w} evaluated at {@code now} is the {@code w / bucket} buckets
 * that end with the bucket containing {@code now}: it covers the instants from the start of the
 * bucket {@code w / bucket - 1} buckets before now's up to the end of now's bucket. So a window is
 * between {@code w - bucket} and {@code w} long, and it includes the current, partly elapsed
 * bucket, so that an outage shows at once. Every rule window must be a whole number of buckets.
 *
 * <p><b>Burn rate and firing.</b> The burn rate of a window is {@code (bad / events) /
 * slo.errorBudget()}, or 0 for a window without events. A rule fires at an evaluation when the long
 * and the short window both burn at or above the rule's threshold (compared with a relative
 * tolerance of 1e-9, so that an exact hit such as 1.44% for 14.4x of 0.1% is not lost to decimal
 * rounding) and the long window holds at least the rule's minimum events.
 *
 * <p><b>Memory and history.</b> The monitor keeps a ring of {@code longest window / bucket} buckets
 * (4320 for the default rules and bucket, at most {@link #MAX_BUCKETS}), each of a few dozen bytes,
 * allocated as buckets receive their first event; memory does not grow with traffic. An event
 * recorded with an instant older than the longest window behind the newest event ever recorded is
 * dropped, as it could not be in any window anyway. Events may be recorded out of order, and {@link
 * #evaluate(Instant)} at any instant not before the newest event counts every event in its windows
 * exactly; an evaluation at an earlier instant does not count events of later buckets and may miss
 * old buckets that newer ones have replaced.
 *
 * <p><b>Thread safety.</b> Thread-safe. Recording takes no lock: it is one atomic increment of the
 * current bucket's counter (and, once per bucket width, a compare-and-set that installs a fresh
 * bucket), so checkout threads never wait for each other or for an evaluation. Evaluation reads
 * every bucket once, under a lock that keeps alert changes in order; a concurrent event may or may
 * not be counted by it.
 */
public final class SloMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(SloMonitor.class);

  /** The most buckets one monitor keeps: 100,000, over 10 s buckets for 11 days. */
  public static final int MAX_BUCKETS = 100_000;

  /** The default bucket width: one minute. */
  public static final Duration DEFAULT_BUCKET = Duration.ofMinutes(1);

  /** The widest bucket: one day. */
  private static final Duration MAX_BUCKET = Duration.ofDays(1);

  /** The relative tolerance of "at or above the threshold". */
  private static final double TOLERANCE = 1e-9;

  /** The counts of one bucket; replaced, never reset, when its slot moves on to a newer bucket. */
  private static final class Bucket {
    static final AtomicLongFieldUpdater<Bucket> GOOD =
        AtomicLongFieldUpdater.newUpdater(Bucket.class, "good");
    static final AtomicLongFieldUpdater<Bucket> BAD =
        AtomicLongFieldUpdater.newUpdater(Bucket.class, "bad");

    final long index;
    volatile long good;
    volatile long bad;

    Bucket(long index) {
      this.index = index;
    }
  }

  private final ServiceLevelObjective slo;
  private final List<BurnRateRule> rules;
  private final Clock clock;
  private final Duration bucket;
  private final long bucketMillis;
  private final List<AlertListener> listeners;
  private final AtomicReferenceArray<@Nullable Bucket> ring;

  /** The distinct window lengths in buckets, ascending; the last one is the ring's length. */
  private final int[] lengths;

  /** Per rule, the positions of its long and short window in {@link #lengths}. */
  private final int[] longAt;

  private final int[] shortAt;

  private final ReentrantLock lock = new ReentrantLock();
  private final boolean[] firing; // guarded by lock
  private final Instant[] firingSince; // guarded by lock
  private volatile List<AlertEvent> open = List.of();
  private volatile SloStatus last;

  private SloMonitor(Builder b) {
    this.slo = b.slo;
    this.rules = List.copyOf(b.rules);
    this.clock = b.clock;
    this.bucket = b.bucket;
    this.bucketMillis = b.bucket.toMillis();
    this.listeners = List.copyOf(b.listeners);
    TreeSet<Integer> distinct = new TreeSet<>();
    for (BurnRateRule rule : rules) {
      distinct.add(buckets(rule.longWindow()));
      distinct.add(buckets(rule.shortWindow()));
    }
    this.lengths = distinct.stream().mapToInt(Integer::intValue).toArray();
    this.longAt = new int[rules.size()];
    this.shortAt = new int[rules.size()];
    for (int i = 0; i < rules.size(); i++) {
      longAt[i] = Arrays.binarySearch(lengths, buckets(rules.get(i).longWindow()));
      shortAt[i] = Arrays.binarySearch(lengths, buckets(rules.get(i).shortWindow()));
    }
    this.ring = new AtomicReferenceArray<>(lengths[lengths.length - 1]);
    this.firing = new boolean[rules.size()];
    this.firingSince = new Instant[rules.size()];
    this.last = snapshot(clock.instant());
  }

  private int buckets(Duration window) {
    return (int) (window.toMillis() / bucketMillis);
  }

  /**
   * A builder for a monitor of an objective, with the {@linkplain
   * BurnRateRule#sreWorkbookDefaults() workbook's rules}, one-minute buckets, the UTC system clock
   * and no listeners.
   *
   * @param slo the objective
   * @return a builder
   * @throws NullPointerException if slo is null
   */
  public static Builder builder(ServiceLevelObjective slo) {
    return new Builder(slo);
  }

  /**
   * The objective this monitor checks.
   *
   * @return the objective
   */
  public ServiceLevelObjective slo() {
    return slo;
  }

  /**
   * The rules this monitor evaluates.
   *
   * @return the rules, in the order given; unmodifiable
   */
  public List<BurnRateRule> rules() {
    return rules;
  }

  /**
   * The width of the buckets events are counted in.
   *
   * @return the bucket width
   */
  public Duration bucket() {
    return bucket;
  }

  /**
   * Records one event at the clock's current instant. Never blocks, never throws for a good or bad
   * value; call it once per checkout attempt that counts toward the objective.
   *
   * @param good {@code true} if the event meets the objective (the checkout succeeded, or finished
   *     in time), {@code false} if it spends error budget
   */
  public void record(boolean good) {
    add(clock.millis(), good);
  }

  /**
   * Records one event at a given instant, for events measured elsewhere or replayed. An instant
   * older than the longest window behind the newest recorded event is dropped; see the class
   * documentation.
   *
   * @param at when the event happened
   * @param good {@code true} if the event meets the objective, {@code false} if it spends error
   *     budget
   * @throws NullPointerException if at is null
   * @throws ArithmeticException if at is too far from the epoch for a millisecond count
   */
  public void record(Instant at, boolean good) {
    add(at.toEpochMilli(), good);
  }

  private void add(long epochMillis, boolean good) {
    long index = Math.floorDiv(epochMillis, bucketMillis);
    int slot = slot(index);
    Bucket b = ring.get(slot);
    while (b == null || b.index < index) {
      Bucket fresh = new Bucket(index);
      Bucket witness = ring.compareAndExchange(slot, b, fresh);
      if (witness == b) {
        b = fresh;
      } else {
        b = witness;
      }
    }
    if (b.index != index) {
      return; // a newer bucket holds the slot: the event is older than any window
    }
    if (good) {
      Bucket.GOOD.incrementAndGet(b);
    } else {
      Bucket.BAD.incrementAndGet(b);
    }
  }

  private int slot(long index) {
    return (int) Math.floorMod(index, (long) ring.length());
  }

  /**
   * Evaluates every rule at the clock's current instant; see {@link #evaluate(Instant)}.
   *
   * @return the status at this evaluation
   */
  public SloStatus evaluate() {
    return evaluate(clock.instant());
  }

  /**
   * Evaluates every rule with its windows ending at an instant, tells the listeners about each rule
   * that started or stopped firing since the previous evaluation (once per change, in rule order),
   * and keeps the result as the {@link #lastStatus()}. Cheap enough to run every few seconds: it
   * reads each bucket once. Evaluations are serialized; listener exceptions are logged and do not
   * stop the evaluation.
   *
   * @param now the instant the windows end at, normally the current time
   * @return the status at this evaluation
   * @throws NullPointerException if now is null
   */
  public SloStatus evaluate(Instant now) {
    Objects.requireNonNull(now, "now");
    lock.lock();
    try {
      SloStatus status = snapshot(now);
      last = status;
      List<AlertEvent> nowOpen = new ArrayList<>();
      for (int i = 0; i < firing.length; i++) {
        RuleStatus rule = status.rules().get(i);
        if (rule.firing() != firing[i]) {
          firing[i] = rule.firing();
          firingSince[i] = now;
          announce(new AlertEvent(slo, rule, now), rule.firing());
        }
        if (rule.firing()) {
          nowOpen.add(new AlertEvent(slo, rule, firingSince[i]));
        }
      }
      open = List.copyOf(nowOpen);
      for (AlertListener listener : listeners) {
        try {
          listener.evaluated(status);
        } catch (RuntimeException e) {
          LOG.warn(
              "alert listener {} failed after an evaluation of SLO {}",
              listener.getClass().getName(),
              slo.name(),
              e);
        }
      }
      return status;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The alerts open at the most recent evaluation, for a health report: one per rule that fires, in
   * rule order, each with the rule's status at that evaluation and, as its {@link AlertEvent#at()},
   * the evaluation at which it started firing. A volatile read; evaluates nothing.
   *
   * @return the open alerts, empty if none fires; an immutable list
   */
  public List<AlertEvent> openAlerts() {
    return open;
  }

  /**
   * The status of the most recent evaluation, for metrics: reading it is a volatile read and
   * evaluates nothing. Before the first evaluation it holds empty windows, nothing firing, at the
   * instant the monitor was built.
   *
   * @return the last status
   */
  public SloStatus lastStatus() {
    return last;
  }

  /**
   * Runs {@link #evaluate()} on a scheduler with a fixed delay between runs, starting one period
   * from now. An exception from an evaluation is logged and does not end the schedule. Cancel the
   * returned future to stop; the scheduler stays the caller's to shut down.
   *
   * @param scheduler the scheduler to run on
   * @param period the delay between evaluations, positive; 10 to 60 seconds suits the default rules
   * @return the scheduled task
   * @throws ValidationException if the period is not positive
   * @throws NullPointerException if an argument is null
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler refuses the task
   */
  public ScheduledFuture<?> evaluateEvery(ScheduledExecutorService scheduler, Duration period) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new ValidationException("period", "must be positive, but was " + period);
    }
    long nanos = period.toNanos();
    return scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            evaluate();
          } catch (RuntimeException e) {
            LOG.warn("evaluation of SLO {} failed; trying again in {}", slo.name(), period, e);
          }
        },
        nanos,
        nanos,
        TimeUnit.NANOSECONDS);
  }

  private SloStatus snapshot(Instant now) {
    long current = Math.floorDiv(now.toEpochMilli(), bucketMillis);
    long[] good = new long[lengths.length];
    long[] bad = new long[lengths.length];
    long g = 0;
    long x = 0;
    int next = 0;
    for (int back = 0; next < lengths.length; back++) {
      long index = current - back;
      Bucket b = ring.get(slot(index));
      if (b != null && b.index == index) {
        g += b.good;
        x += b.bad;
      }
      if (back + 1 == lengths[next]) {
        good[next] = g;
        bad[next] = x;
        next++;
      }
    }
    double budget = slo.errorBudget();
    List<RuleStatus> statuses = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      BurnRateRule rule = rules.get(i);
      WindowStatus longWindow = window(rule.longWindow(), good[longAt[i]], bad[longAt[i]], budget);
      WindowStatus shortWindow =
          window(rule.shortWindow(), good[shortAt[i]], bad[shortAt[i]], budget);
      boolean fires =
          reaches(longWindow.burnRate(), rule.threshold())
              && reaches(shortWindow.burnRate(), rule.threshold())
              && longWindow.events() >= rule.minEvents();
      statuses.add(new RuleStatus(rule, longWindow, shortWindow, fires));
    }
    return new SloStatus(slo, now, statuses);
  }

  private static WindowStatus window(Duration length, long good, long bad, double budget) {
    long events = good + bad;
    double burnRate = events == 0 ? 0 : ((double) bad / events) / budget;
    return new WindowStatus(length, events, bad, burnRate);
  }

  private static boolean reaches(double burnRate, double threshold) {
    return burnRate >= threshold * (1 - TOLERANCE);
  }

  private void announce(AlertEvent event, boolean fired) {
    if (fired) {
      LOG.warn("SLO alert fired: {}", event.summary());
    } else {
      LOG.info("SLO alert resolved: {}", event.summary());
    }
    for (AlertListener listener : listeners) {
      try {
        if (fired) {
          listener.fired(event);
        } else {
          listener.resolved(event);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "alert listener {} failed on {} of SLO {} rule {}; the alert state changed anyway",
            listener.getClass().getName(),
            fired ? "fired" : "resolved",
            slo.name(),
            event.rule().name(),
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "SloMonitor["
        + slo.name()
        + ", target "
        + slo.target()
        + ", "
        + rules.size()
        + " rules]";
  }

  /**
   * Builds a {@link SloMonitor}. Each setter validates its value at once; {@link #build()} checks
   * that the rules fit the bucket width and the objective. Not thread-safe.
   */
  public static final class Builder {
    private final ServiceLevelObjective slo;
    private List<BurnRateRule> rules = BurnRateRule.sreWorkbookDefaults();
    private Clock clock = Clock.systemUTC();
    private Duration bucket = DEFAULT_BUCKET;
    private final List<AlertListener> listeners = new ArrayList<>();

    private Builder(ServiceLevelObjective slo) {
      this.slo = Objects.requireNonNull(slo, "slo");
    }

    /**
     * Sets the rules, replacing the {@linkplain BurnRateRule#sreWorkbookDefaults() defaults}.
     *
     * @param rules at least one rule, with distinct names
     * @return this builder
     * @throws ValidationException if empty or if two rules share a name
     * @throws NullPointerException if the list or a rule is null
     */
    public Builder rules(List<BurnRateRule> rules) {
      List<BurnRateRule> copy = List.copyOf(rules);
      if (copy.isEmpty()) {
        throw new ValidationException("rules", "must hold at least one rule, but was empty");
      }
      Set<String> names = new HashSet<>();
      for (BurnRateRule rule : copy) {
        if (!names.add(rule.name())) {
          throw new ValidationException(
              "rules", "must have distinct names, but \"" + rule.name() + "\" appears twice");
        }
      }
      this.rules = copy;
      return this;
    }

    /**
     * Sets the rules, replacing the {@linkplain BurnRateRule#sreWorkbookDefaults() defaults}.
     *
     * @param rules at least one rule, with distinct names
     * @return this builder
     * @throws ValidationException if empty or if two rules share a name
     * @throws NullPointerException if a rule is null
     */
    public Builder rules(BurnRateRule... rules) {
      return rules(Arrays.asList(rules));
    }

    /**
     * Sets the clock that {@link SloMonitor#record(boolean)} and {@link SloMonitor#evaluate()}
     * read; inject a fixed or manual clock in tests.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if clock is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the width of the buckets events are counted in (default one minute). Narrower buckets
     * make windows more exact and use more memory: every rule window must be a whole number of
     * buckets, and the longest at most {@link SloMonitor#MAX_BUCKETS} of them.
     *
     * @param bucket positive, at most one day, a whole number of milliseconds
     * @return this builder
     * @throws ValidationException if not positive, longer than a day or not whole milliseconds
     * @throws NullPointerException if bucket is null
     */
    public Builder bucket(Duration bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (bucket.isNegative() || bucket.isZero()) {
        throw new ValidationException("bucket", "must be positive, but was " + bucket);
      }
      if (bucket.compareTo(MAX_BUCKET) > 0) {
        throw new ValidationException(
            "bucket", "must be at most " + MAX_BUCKET + ", but was " + bucket);
      }
      if (bucket.toNanos() % 1_000_000 != 0) {
        throw new ValidationException(
            "bucket", "must be a whole number of milliseconds, but was " + bucket);
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * Adds a listener that hears when rules start and stop firing. Listeners are called in the
     * order they were added.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if listener is null
     */
    public Builder listener(AlertListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Builds the monitor.
     *
     * @return a monitor with empty history, nothing firing
     * @throws ValidationException if a rule window is not a whole number of buckets, if the longest
     *     window needs more than {@link SloMonitor#MAX_BUCKETS} buckets, or if a rule's threshold
     *     is so high that even all events bad would not reach it for this objective
     */
    public SloMonitor build() {
      long bucketMillis = bucket.toMillis();
      double budget = slo.errorBudget();
      for (BurnRateRule rule : rules) {
        String field = "rules[" + rule.name() + "]";
        wholeBuckets(field + ".longWindow", rule.longWindow());
        wholeBuckets(field + ".shortWindow", rule.shortWindow());
        long needed = rule.longWindow().toMillis() / bucketMillis;
        if (needed > MAX_BUCKETS) {
          throw new ValidationException(
              "bucket",
              "is too narrow for rule "
                  + rule.name()
                  + ": its window "
                  + rule.longWindow()
                  + " needs "
                  + needed
                  + " buckets, at most "
                  + MAX_BUCKETS
                  + " are allowed; widen the bucket, but was "
                  + bucket);
        }
        if (!reaches(1 / budget, rule.threshold())) {
          throw new ValidationException(
              field + ".threshold",
              "can never be reached for objective "
                  + slo.target()
                  + ": even with every event bad the burn rate is only "
                  + 1 / budget
                  + "; lower the threshold or tighten the objective, but was "
                  + rule.threshold());
        }
      }
      return new SloMonitor(this);
    }

    private void wholeBuckets(String field, Duration window) {
      if (window.toNanos() % bucket.toNanos() != 0) {
        throw new ValidationException(
            field, "must be a whole number of buckets (" + bucket + "), but was " + window);
      }
    }
  }
}

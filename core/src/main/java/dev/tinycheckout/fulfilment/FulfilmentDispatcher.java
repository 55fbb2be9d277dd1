package dev.tinycheckout.fulfilment;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the deliveries of the transactional outbox: claims due deliveries in a short unit of
 * work, runs each {@link FulfilmentHook} outside any transaction on an executor, with its timeout,
 * and records the outcome in a later short unit of work, fenced by the claim so that a dispatcher
 * whose lease ran out can never overwrite a newer attempt.
 *
 * <p>The loop works in rounds of one unit of work each: it records every outcome that arrived since
 * the last round (all successes with one {@link DeliveryStore#completeAll}, each failure on its
 * own) and claims as many due deliveries as there are free places in the batch, then starts their
 * handlers. A finishing handler wakes the loop, so an outcome waits for no timer; after a round
 * that claimed, the loop waits (at most 10 ms) until half of the batch has finished, so that under
 * load a round carries many outcomes and claims rather than a few. A success is marked done only in
 * a round after its handler returned, and only if its claim still holds.
 *
 * <p>A failed or timed-out attempt is retried after an exponential backoff with full jitter (a
 * uniformly random delay between zero and {@link DispatchConfig#backoffCeiling}), and after {@link
 * DispatchConfig#maxAttempts()} it becomes a {@linkplain #deadLetters dead letter} that keeps the
 * last error until it is {@linkplain #replay replayed}. A storage failure never stops the loop: it
 * is logged and the loop tries again after a backoff; an outcome that could not be recorded is kept
 * and recorded later (or, if its lease runs out first, the delivery runs again).
 *
 * <p>The loop polls with a backoff from {@link DispatchConfig#minPollInterval()} to {@link
 * DispatchConfig#maxPollInterval()} while idle; {@link #wakeUp()} makes it look at once, so wire it
 * to the checkout ({@code Checkout.builder().afterEventsCommitted(dispatcher::wakeUp)}) and a new
 * delivery starts milliseconds after its commit. Several dispatchers, in one process or many, may
 * share one storage: the storage's claim never hands one delivery to two of them while its lease
 * runs.
 *
 * <p>Thread-safe. Logs carry delivery ids, hook names, attempt numbers and exception classes, never
 * event payloads or error messages (which may hold personal data; they are stored with the delivery
 * instead).
 */
public final class FulfilmentDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(FulfilmentDispatcher.class);
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  /** The longest the loop waits after a claiming round for half of the batch to finish. */
  private static final Duration GATHER = Duration.ofMillis(10);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED
  }

  /** The timer that abandons hung handlers; one daemon thread for every dispatcher. */
  private static final class Timeouts {
    static final ScheduledThreadPoolExecutor TIMER = timer();

    private static ScheduledThreadPoolExecutor timer() {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "tinycheckout-hook-timeouts");
                t.setDaemon(true);
                return t;
              });
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }

  private final CheckoutStorage storage;
  private final FulfilmentHooks hooks;
  private final Clock clock;
  private final Executor executor;
  private final @Nullable ExecutorService ownedExecutor;
  private final DispatchConfig config;
  private final String owner;
  private final RandomGenerator random;
  private final ThreadFactory threadFactory;
  private final CheckoutObserver observer;

  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final ReentrantLock pollLock = new ReentrantLock();
  private final Object signal = new Object();
  private boolean woken; // guarded by signal
  private volatile boolean gathering; // set by the loop while it waits in awaitRoom()
  private final Set<Attempt> inFlight = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Outcome> settled = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Report> reports = new ConcurrentLinkedQueue<>();
  private final List<Outcome> unrecorded = new ArrayList<>(); // guarded by pollLock
  private boolean recordApart; // guarded by pollLock; set while the last round has not committed
  private Instant nextPruneAt = Instant.MIN; // guarded by pollLock
  private volatile @Nullable Thread loop;

  private FulfilmentDispatcher(Builder b) {
    this.storage = Objects.requireNonNull(b.storage, "storage is required: call storage(...)");
    this.hooks = Objects.requireNonNull(b.hooks, "hooks are required: call hooks(...)");
    this.clock = b.clock;
    this.config = b.config;
    this.owner = b.owner != null ? b.owner : "dispatcher-" + UUID.randomUUID();
    this.observer = CheckoutObserver.of(b.observer);
    this.random = b.random != null ? b.random : new SplittableRandom();
    this.threadFactory = b.threadFactory != null ? b.threadFactory : daemonThreads(owner);
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      ExecutorService pool = Executors.newCachedThreadPool(handlerThreads(owner));
      this.executor = pool;
      this.ownedExecutor = pool;
    }
    Duration longest = hooks.longestTimeout();
    if (config.lease().compareTo(longest) <= 0) {
      throw new ValidationException(
          "lease",
          "must be longer than the longest hook timeout ("
              + longest
              + "), but was "
              + config.lease());
    }
  }

  private static ThreadFactory daemonThreads(String owner) {
    return r -> {
      Thread t = new Thread(r, "tinycheckout-dispatcher-" + owner);
      t.setDaemon(true);
      return t;
    };
  }

  private static ThreadFactory handlerThreads(String owner) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "tinycheckout-hook-" + owner + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A builder; {@code storage} and {@code hooks} are required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * This dispatcher's id, stored as the owner of its claims.
   *
   * @return the owner id
   */
  public String owner() {
    return owner;
  }

  /**
   * Starts the loop on a thread of the thread factory. Returns at once.
   *
   * @throws IllegalStateException if already started or stopped
   */
  public void start() {
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException("a dispatcher starts once, but this one is " + state.get());
    }
    Thread t = threadFactory.newThread(this::runLoop);
    loop = t;
    t.start();
    LOG.info("fulfilment dispatcher {} started with hooks {}", owner, hooks.names());
  }

  /**
   * Makes the loop look for due deliveries now instead of at its next poll. Cheap, never blocks,
   * safe to call from any thread at any time (also before {@link #start()} and after {@link
   * #stop}); call it after a commit that wrote deliveries.
   */
  public void wakeUp() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /**
   * Stops gracefully: stops claiming, lets the handlers that run finish within {@code grace} and
   * records their outcomes, then hands every delivery this dispatcher still holds back to the
   * storage ({@link DeliveryStore#release}), so another dispatcher picks it up at once. A handler
   * still running after the grace is abandoned (its thread is interrupted if the executor is the
   * dispatcher's own); its delivery will run again elsewhere. Idempotent.
   *
   * @param grace how long to wait for running handlers; zero releases them at once
   * @return {@code true} if no handler was still running when the grace ended
   */
  public boolean stop(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    State before = state.getAndUpdate(s -> s == State.STOPPED ? s : State.STOPPING);
    if (before == State.STOPPED) {
      return inFlight.isEmpty();
    }
    wakeUp();
    long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
    try {
      Thread t = loop;
      if (t != null && t != Thread.currentThread()) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
      synchronized (signal) {
        long left;
        while (!inFlight.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean drained = inFlight.isEmpty();
    pollLock.lock();
    try {
      try {
        recordOutcomes();
      } catch (RuntimeException e) {
        LOG.warn("could not record outcomes on shutdown; those deliveries will run again", e);
      }
      try {
        int released = storage.inTransaction(tx -> tx.deliveries().release(owner, clock.instant()));
        if (released > 0) {
          LOG.info("fulfilment dispatcher {} handed back {} deliveries", owner, released);
        }
      } catch (RuntimeException e) {
        LOG.warn("could not hand back claimed deliveries; their leases will run out", e);
      }
      state.set(State.STOPPED);
    } finally {
      pollLock.unlock();
      flushReports();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
    LOG.info("fulfilment dispatcher {} stopped", owner);
    return drained;
  }

  /**
   * The dead letters, earliest given up first, in a unit of work of their own.
   *
   * @param limit the most to return, at least 1
   * @return the dead letters; an immutable list
   * @throws dev.tinycheckout.StorageException if the storage fails
   */
  public List<DeadLetter> deadLetters(int limit) {
    if (limit < 1) {
      throw new ValidationException("limit", "must be at least 1, but was " + limit);
    }
    return storage.inTransaction(tx -> tx.deliveries().deadLetters(limit));
  }

  /**
   * Makes a dead letter pending again with a fresh set of attempts and the same delivery id, and
   * wakes the loop. Use it once the hook (or what it calls) is fixed.
   *
   * @param deliveryId the dead letter's delivery id
   * @return {@code true} if it was a dead letter and is pending now
   * @throws dev.tinycheckout.StorageException if the storage fails
   */
  public boolean replay(UUID deliveryId) {
    Objects.requireNonNull(deliveryId, "deliveryId");
    boolean replayed =
        storage.inTransaction(tx -> tx.deliveries().replay(deliveryId, clock.instant()));
    if (replayed) {
      LOG.info("dead letter {} replayed", deliveryId);
      wakeUp();
    }
    return replayed;
  }

  /**
   * How much delivery work waits, for health checks and metrics.
   *
   * @return the backlog
   * @throws dev.tinycheckout.StorageException if the storage fails
   */
  public DeliveryBacklog backlog() {
    return storage.inTransaction(tx -> tx.deliveries().backlog(clock.instant()));
  }

  // ---- the loop -------------------------------------------------------------------------------

  private void runLoop() {
    Duration idle = config.minPollInterval();
    Duration failureWait = config.minPollInterval();
    while (state.get() == State.RUNNING) {
      Duration wait;
      try {
        int claimed = round(false);
        failureWait = config.minPollInterval();
        if (claimed > 0) {
          idle = config.minPollInterval();
          wait = Duration.ZERO;
          awaitRoom();
        } else {
          wait = idle;
          idle = doubled(idle);
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "fulfilment dispatcher {}: storage failed ({}); trying again in {}",
            owner,
            e.getClass().getName(),
            failureWait,
            e);
        wait = failureWait;
        failureWait = doubled(failureWait);
      }
      if (await(wait)) {
        idle = config.minPollInterval();
      }
    }
  }

  private Duration doubled(Duration d) {
    Duration twice = d.multipliedBy(2);
    return twice.compareTo(config.maxPollInterval()) > 0 ? config.maxPollInterval() : twice;
  }

  /**
   * After a round that claimed: waits, at most {@link #GATHER}, until at most half of the batch is
   * still running, so the next round records the outcomes of many attempts and claims many
   * deliveries in its one unit of work, instead of a few of each right after the batch started.
   * Handlers that finish wake it; it does not consume a {@link #wakeUp()}.
   */
  private void awaitRoom() {
    int half = config.batchSize() / 2;
    synchronized (signal) {
      long deadline = System.nanoTime() + GATHER.toNanos();
      gathering = true;
      try {
        long left;
        while (inFlight.size() > half
            && state.get() == State.RUNNING
            && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        state.compareAndSet(State.RUNNING, State.STOPPING);
      } finally {
        gathering = false;
      }
    }
  }

  /** Waits until woken, stopped, or the wait is over; returns whether it was woken. */
  private boolean await(Duration wait) {
    synchronized (signal) {
      long deadline = System.nanoTime() + wait.toNanos();
      try {
        long left;
        while (!woken
            && state.get() == State.RUNNING
            && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        state.compareAndSet(State.RUNNING, State.STOPPING);
      }
      boolean was = woken;
      woken = false;
      return was;
    }
  }

  /**
   * One round, as the loop runs it, and then records the outcomes of handlers that finished at once
   * (with a direct executor: all of them). Tests call this to drive a dispatcher step by step.
   *
   * @return how many deliveries were claimed
   * @throws RuntimeException if the storage fails; nothing is lost, the next round tries again
   */
  int pollOnce() {
    return round(true);
  }

  /**
   * One round: prunes if due, then, in one unit of work, records the outcomes of the attempts that
   * finished since the last round (every success in one {@link DeliveryStore#completeAll}) and
   * claims as many deliveries as there is room for; then starts their handlers. One commit per
   * round, however many outcomes and claims it carries: outcomes that arrive while a round's unit
   * of work runs go into the next round, which follows at once (a finishing handler wakes the
   * loop), so nothing waits for a timer. After a round failed, the next one records in a unit of
   * work of its own before it claims, so a claim that keeps failing cannot hold outcomes back.
   *
   * @param recordAtOnce whether to record, in another unit of work, the outcomes of handlers that
   *     finished while this round started them; the loop leaves them to its next round
   * @return how many deliveries were claimed
   */
  private int round(boolean recordAtOnce) {
    pollLock.lock();
    try {
      takeSettled();
      prune();
      State s = state.get();
      int room = config.batchSize() - inFlight.size();
      if ((s != State.NEW && s != State.RUNNING) || room <= 0) {
        recordOutcomes();
        return 0;
      }
      boolean apart = recordApart;
      recordApart = true; // until this round has committed
      if (apart) {
        recordOutcomes();
      }
      List<Outcome> batch = List.copyOf(unrecorded);
      Recorded r =
          storage.inTransaction(
              tx -> {
                Instant now = clock.instant();
                DeliveryStore deliveries = tx.deliveries();
                Report report = batch.isEmpty() ? Report.EMPTY : record(deliveries, batch, now);
                return new Recorded(report, deliveries.claim(owner, now, config.lease(), room));
              });
      unrecorded.clear();
      recordApart = false;
      report(r.report());
      for (DeliveryClaim claim : r.claims()) {
        begin(claim);
      }
      if (recordAtOnce) {
        recordOutcomes();
      }
      return r.claims().size();
    } finally {
      pollLock.unlock();
      flushReports();
    }
  }

  /** What a round's unit of work did: lines to log after its commit, and the new claims. */
  private record Recorded(Report report, List<DeliveryClaim> claims) {}

  /** What recording outcomes did: lines to log and signals to observe, after the commit. */
  private record Report(List<String> lines, List<Observed> observed) {
    static final Report EMPTY = new Report(List.of(), List.of());
  }

  /** One committed outcome, for the observer. */
  private record Observed(String hook, DeliverySignal signal, long nanos) {}

  private void prune() {
    Instant now = clock.instant();
    if (now.isBefore(nextPruneAt)) {
      return;
    }
    try {
      int pruned =
          storage.inTransaction(
              tx ->
                  tx.deliveries()
                      .pruneDone(now.minus(config.doneRetention()), config.pruneBatch()));
      // A full batch means there may be more: prune again next round, not in a long loop here.
      nextPruneAt = pruned >= config.pruneBatch() ? now : now.plus(PRUNE_EVERY);
      if (pruned > 0) {
        LOG.debug("pruned {} done deliveries", pruned);
      }
    } catch (RuntimeException e) {
      nextPruneAt = now.plus(PRUNE_EVERY);
      LOG.warn("could not prune done deliveries ({}); trying later", e.getClass().getName(), e);
    }
  }

  private void begin(DeliveryClaim claim) {
    FulfilmentHook hook = hooks.find(claim.hook()).orElse(null);
    Attempt attempt = new Attempt(claim, hook);
    inFlight.add(attempt);
    if (hook == null) {
      LOG.warn(
          "delivery {} is for hook '{}', which this dispatcher does not have",
          claim.deliveryId(),
          claim.hook());
      attempt.settle(Outcome.failed(claim, "no hook named '" + claim.hook() + "' is registered"));
      return;
    }
    try {
      executor.execute(attempt);
    } catch (RejectedExecutionException e) {
      attempt.settle(Outcome.failed(claim, "the executor rejected the handler: " + e));
    }
  }

  /** Moves the outcomes that handlers and timeouts settled into {@link #unrecorded}. */
  private void takeSettled() {
    for (Outcome o; (o = settled.poll()) != null; ) {
      unrecorded.add(o);
    }
  }

  /** Records the outcomes not recorded yet in a unit of work of their own. */
  private void recordOutcomes() {
    takeSettled();
    if (unrecorded.isEmpty()) {
      return;
    }
    List<Outcome> batch = List.copyOf(unrecorded);
    Report report = storage.inTransaction(tx -> record(tx.deliveries(), batch, clock.instant()));
    unrecorded.clear();
    report(report);
  }

  /** Keeps a committed round's report until the poll lock is released. */
  private void report(Report report) {
    if (!report.lines().isEmpty() || !report.observed().isEmpty()) {
      reports.add(report);
    }
  }

  /**
   * Logs and observes the reports of committed rounds. Called after the poll lock is released, so a
   * slow log appender or observer never holds up the next round.
   */
  private void flushReports() {
    for (Report report; (report = reports.poll()) != null; ) {
      for (String line : report.lines()) {
        LOG.info(line);
      }
      for (Observed o : report.observed()) {
        observer.deliveryFinished(o.hook(), o.signal(), o.nanos());
      }
    }
  }

  /**
   * Records outcomes: every success with one {@link DeliveryStore#completeAll}, each failure with
   * its own fenced update. Returns what to log after the commit (nothing for a plain success).
   */
  private Report record(DeliveryStore deliveries, List<Outcome> batch, Instant now) {
    List<DeliveryClaim> succeeded = new ArrayList<>(batch.size());
    List<String> lines = new ArrayList<>();
    List<Observed> observed = new ArrayList<>(batch.size());
    for (Outcome o : batch) {
      if (o.error == null) {
        succeeded.add(o.claim);
      }
    }
    if (!succeeded.isEmpty()) {
      Set<UUID> lost = new HashSet<>();
      for (DeliveryClaim c : deliveries.completeAll(succeeded, now)) {
        lines.add(describe(c) + ": succeeded, but its claim was lost");
        lost.add(c.deliveryId());
      }
      for (Outcome o : batch) {
        if (o.error == null && !lost.contains(o.claim.deliveryId())) {
          observed.add(new Observed(o.claim.hook(), DeliverySignal.SUCCEEDED, o.nanos));
        }
      }
    }
    for (Outcome o : batch) {
      String error = o.error;
      if (error != null) {
        lines.add(recordFailure(deliveries, o, error, now, observed));
      }
    }
    return new Report(lines, observed);
  }

  private static String describe(DeliveryClaim c) {
    return "delivery " + c.deliveryId() + " to hook '" + c.hook() + "', attempt " + c.attempt();
  }

  /** Records one failed attempt: a retry after the backoff, or a dead letter; returns the line. */
  private String recordFailure(
      DeliveryStore deliveries, Outcome o, String error, Instant now, List<Observed> observed) {
    DeliveryClaim c = o.claim;
    String what = describe(c);
    if (c.attempt() >= config.maxAttempts()) {
      if (!deliveries.deadLetter(c, now, error)) {
        return what + " failed, and its claim was lost";
      }
      observed.add(new Observed(c.hook(), DeliverySignal.DEAD_LETTERED, o.nanos));
      return what + " failed (" + o.kind + "); no attempts left, now a dead letter";
    }
    Duration ceiling = config.backoffCeiling(c.attempt());
    Duration delay = Duration.ofMillis(random.nextLong(ceiling.toMillis() + 1));
    Instant next = now.plus(delay);
    if (!deliveries.retryLater(c, next, error)) {
      return what + " failed, and its claim was lost";
    }
    observed.add(new Observed(c.hook(), DeliverySignal.RETRYING, o.nanos));
    return what + " failed (" + o.kind + "); next attempt at " + next;
  }

  private void settledOne(Attempt attempt, Outcome outcome) {
    settled.add(outcome);
    inFlight.remove(attempt);
    // While the loop gathers a batch's outcomes, only the one that frees half the batch wakes it;
    // otherwise every outcome does, so it is recorded at once.
    if (!gathering || inFlight.size() <= config.batchSize() / 2) {
      wakeUp();
    }
  }

  /** What became of one attempt; error is null on success. */
  private static final class Outcome {
    final DeliveryClaim claim;
    final @Nullable String error;
    final String kind;
    final long nanos;

    private Outcome(DeliveryClaim claim, @Nullable String error, String kind, long nanos) {
      this.claim = claim;
      this.error = error;
      this.kind = kind;
      this.nanos = nanos;
    }

    static Outcome succeeded(DeliveryClaim claim, long nanos) {
      return new Outcome(claim, null, "", nanos);
    }

    static Outcome failed(DeliveryClaim claim, String error) {
      return new Outcome(claim, error, "not run", 0);
    }

    static Outcome threw(DeliveryClaim claim, Throwable t, long nanos) {
      String message = t.getMessage();
      String text = t.getClass().getName() + (message == null ? "" : ": " + message);
      return new Outcome(claim, text, t.getClass().getName(), nanos);
    }

    static Outcome timedOut(DeliveryClaim claim, Duration timeout) {
      return new Outcome(
          claim, "the handler timed out after " + timeout, "timed out", timeout.toNanos());
    }
  }

  /** One run of one handler, settled exactly once: by the handler, or by its timeout. */
  private final class Attempt implements Runnable {
    private final DeliveryClaim claim;
    private final @Nullable FulfilmentHook hook;
    private final AtomicBoolean done = new AtomicBoolean();
    private @Nullable Thread runner; // guarded by this
    private volatile boolean interrupted;
    private volatile @Nullable ScheduledFuture<?> timer;

    Attempt(DeliveryClaim claim, @Nullable FulfilmentHook hook) {
      this.claim = claim;
      this.hook = hook;
    }

    boolean settle(Outcome outcome) {
      if (!done.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      settledOne(this, outcome);
      return true;
    }

    @Override
    public void run() {
      FulfilmentHook h = hook;
      if (h == null || done.get()) {
        return;
      }
      synchronized (this) {
        runner = Thread.currentThread();
      }
      Duration timeout = h.timeout();
      long start = System.nanoTime();
      try {
        timer =
            Timeouts.TIMER.schedule(
                () -> timeOut(timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
        h.handle(new Delivery(claim.deliveryId(), claim.hook(), claim.attempt(), claim.event()));
        settle(Outcome.succeeded(claim, System.nanoTime() - start));
      } catch (Exception | LinkageError | AssertionError e) {
        settle(Outcome.threw(claim, e, System.nanoTime() - start));
      } catch (Error e) {
        settle(Outcome.threw(claim, e, System.nanoTime() - start));
        throw e;
      } finally {
        synchronized (this) {
          runner = null;
        }
        if (interrupted) {
          // Our timeout interrupted this thread; do not leak that to the executor's next task.
          Thread.interrupted();
        }
      }
    }

    private void timeOut(Duration timeout) {
      if (settle(Outcome.timedOut(claim, timeout))) {
        LOG.warn(
            "delivery {} to hook '{}' timed out after {}; abandoning it",
            claim.deliveryId(),
            claim.hook(),
            timeout);
        synchronized (this) {
          Thread t = runner;
          if (t != null) {
            interrupted = true;
            t.interrupt();
          }
        }
      }
    }
  }

  /** Builds a {@link FulfilmentDispatcher}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CheckoutStorage storage;
    private CheckoutObserver observer = CheckoutObserver.NONE;
    private @Nullable FulfilmentHooks hooks;
    private Clock clock = Clock.systemUTC();
    private @Nullable Executor executor;
    private DispatchConfig config = DispatchConfig.ofDefaults();
    private @Nullable String owner;
    private @Nullable RandomGenerator random;
    private @Nullable ThreadFactory threadFactory;

    private Builder() {}

    /**
     * Hears the committed outcome of every hook run (succeeded, retrying, dead-lettered) and how
     * long the handler took: for metrics. Default {@link CheckoutObserver#NONE}.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(CheckoutObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Sets the storage (required): the same one the checkout writes to.
     *
     * @param storage the storage
     * @return this builder
     */
    public Builder storage(CheckoutStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets the hooks (required): the same ones the checkout fans events out to.
     *
     * @param hooks the hooks
     * @return this builder
     */
    public Builder hooks(FulfilmentHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * Sets the clock for claims, leases, backoff and pruning (default {@link Clock#systemUTC()}).
     * Poll intervals and hook timeouts are waited in real time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor that runs handlers (default: a pool of daemon threads owned, and shut down,
     * by the dispatcher). At most {@link DispatchConfig#batchSize()} handlers are given to it at
     * once, plus hung ones that were abandoned after their timeout.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the configuration (default {@link DispatchConfig#ofDefaults()}).
     *
     * @param config backoff, attempts, lease, batches, polling, pruning
     * @return this builder
     */
    public Builder config(DispatchConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets this dispatcher's id (default {@code dispatcher-} and a random UUID). Two running
     * dispatchers must never share one.
     *
     * @param owner 1-128 characters
     * @return this builder
     * @throws ValidationException if empty or too long
     */
    public Builder owner(String owner) {
      Objects.requireNonNull(owner, "owner");
      if (owner.isEmpty() || owner.length() > 128) {
        throw new ValidationException(
            "owner", "must be 1-128 characters, but was " + owner.length());
      }
      this.owner = owner;
      return this;
    }

    /**
     * Sets the randomness for the backoff jitter (default a fresh {@link SplittableRandom}). Used
     * by one thread at a time.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the factory of the loop's thread (default: a daemon thread named after the owner).
     *
     * @param threadFactory the factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * Builds the dispatcher; it does nothing until {@link FulfilmentDispatcher#start()}.
     *
     * @return the dispatcher
     * @throws NullPointerException if storage or hooks are missing
     * @throws ValidationException if the lease is not longer than the longest hook timeout
     */
    public FulfilmentDispatcher build() {
      return new FulfilmentDispatcher(this);
    }
  }
}

package dev.tinycheckout.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher's failure scenarios, on the in-memory storage. */
class FulfilmentDispatcherTest {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Executor DIRECT = Runnable::run;

  private final ManualClock clock = new ManualClock(T0);
  private final FaultyStorage storage = new FaultyStorage();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<FulfilmentDispatcher> started = new ArrayList<>();

  @AfterEach
  void tearDown() {
    for (FulfilmentDispatcher d : started) {
      d.stop(Duration.ZERO);
    }
    pool.shutdownNow();
  }

  private static DispatchConfig.Builder config() {
    return DispatchConfig.builder().lease(Duration.ofSeconds(60));
  }

  private FulfilmentDispatcher.Builder dispatcher(FulfilmentHooks hooks) {
    return FulfilmentDispatcher.builder()
        .storage(storage)
        .hooks(hooks)
        .clock(clock)
        .executor(DIRECT)
        .config(config().build());
  }

  private FulfilmentDispatcher start(FulfilmentDispatcher d) {
    started.add(d);
    d.start();
    return d;
  }

  private List<PendingDelivery> write(FulfilmentHooks hooks, String aggregateId) {
    OutboxEvent event =
        new OutboxEvent(
            UUID.randomUUID(), OutboxEvent.ORDER_PLACED, aggregateId, "{}", clock.instant());
    return storage.inTransaction(
        tx -> {
          tx.outbox().enqueue(event);
          List<PendingDelivery> ds = hooks.deliveriesFor(event, clock.instant());
          ds.forEach(tx.deliveries()::enqueue);
          return ds;
        });
  }

  /** Always draws the top of the range, so the next attempt waits for the whole ceiling. */
  private static final RandomGenerator HIGHEST =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  @Test
  void aFailingHandlerIsRetriedWithinTheFullJitterWindowThenDeadLetteredWithItsLastError() {
    ScriptedHook hook = new ScriptedHook("shipping");
    hook.fails = d -> true;
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    DispatchConfig cfg =
        config()
            .baseBackoff(Duration.ofSeconds(2))
            .maxBackoff(Duration.ofSeconds(20))
            .maxAttempts(6)
            .build();
    FulfilmentDispatcher d = dispatcher(hooks).config(cfg).random(new SplittableRandom(42)).build();
    UUID id = write(hooks, "order-1").get(0).deliveryId();

    for (int attempt = 1; attempt <= 5; attempt++) {
      Instant before = clock.instant();
      assertThat(d.pollOnce()).isEqualTo(1);
      FaultyStorage.Recorded retry = storage.applied("retry").get(attempt - 1);
      Duration ceiling = Duration.ofSeconds(Math.min(20, 2L << (attempt - 1)));
      assertThat(ceiling).isEqualTo(cfg.backoffCeiling(attempt));
      assertThat(retry.availableAt()).isBetween(before, before.plus(ceiling));
      assertThat(retry.error()).contains("IllegalStateException", "attempt " + attempt);
      clock.advance(Duration.between(before, retry.availableAt()));
      assertThat(hook.runs).hasSize(attempt);
    }
    assertThat(d.pollOnce()).isEqualTo(1);
    assertThat(storage.applied("dead")).hasSize(1);
    List<DeadLetter> dead = d.deadLetters(10);
    assertThat(dead)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.deliveryId()).isEqualTo(id);
              assertThat(l.attempts()).isEqualTo(6);
              assertThat(l.lastError()).contains("attempt 6");
            });
    clock.advance(Duration.ofDays(1));
    assertThat(d.pollOnce()).isZero();
    assertThat(d.backlog()).isEqualTo(new DeliveryBacklog(0, Optional.empty(), 1));
  }

  @Test
  void theNextAttemptWaitsForTheDrawnBackoffAndNotLonger() {
    ScriptedHook hook = new ScriptedHook("shipping");
    hook.fails = d -> d.attempt() == 1;
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher d = dispatcher(hooks).random(HIGHEST).build();
    write(hooks, "order-1");

    d.pollOnce();
    clock.advance(Duration.ofSeconds(2).minusMillis(1));
    assertThat(d.pollOnce()).isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(d.pollOnce()).isEqualTo(1);
    assertThat(hook.successes).singleElement().extracting(Delivery::attempt).isEqualTo(2);
  }

  @Test
  void aReplayedDeadLetterIsDeliveredOnceTheHookIsFixedWithTheSameDeliveryId() {
    ScriptedHook hook = new ScriptedHook("email");
    hook.fails = d -> true;
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher d =
        dispatcher(hooks).config(config().maxAttempts(2).build()).random(HIGHEST).build();
    UUID id = write(hooks, "order-1").get(0).deliveryId();
    d.pollOnce();
    clock.advance(Duration.ofSeconds(2));
    d.pollOnce();
    assertThat(d.deadLetters(10)).extracting(DeadLetter::deliveryId).containsExactly(id);

    hook.fails = x -> false;
    assertThat(d.replay(id)).isTrue();
    assertThat(d.replay(id)).isFalse();
    assertThat(d.pollOnce()).isEqualTo(1);

    assertThat(hook.successes)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.deliveryId()).isEqualTo(id);
              assertThat(s.attempt()).isEqualTo(1);
            });
    assertThat(d.deadLetters(10)).isEmpty();
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void aHandlerHungPastItsTimeoutFailsItsAttemptAndTheLoopGoesOn() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    FulfilmentHook hung =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "hangs";
          }

          @Override
          public Duration timeout() {
            return Duration.ofMillis(100);
          }

          @Override
          public void handle(Delivery delivery) {
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              interrupted.countDown();
            }
          }
        };
    CountDownLatch healthyRan = new CountDownLatch(2);
    FulfilmentHook healthy =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "healthy";
          }

          @Override
          public void handle(Delivery delivery) {
            healthyRan.countDown();
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(hung, healthy);
    start(
        dispatcher(hooks)
            .executor(pool)
            .config(
                config()
                    .minPollInterval(Duration.ofMillis(5))
                    .maxPollInterval(Duration.ofMillis(20))
                    .build())
            .build());
    write(hooks, "order-1");

    assertThat(storage.applied.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.applied("retry"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.claim().hook()).isEqualTo("hangs");
              assertThat(r.error()).contains("timed out after PT0.1S");
            });
    write(hooks, "order-2");
    assertThat(healthyRan.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aWorkerKilledMidHandlerIsRedeliveredWithTheSameIdAndItsLateCompletionIsFenced() {
    ScriptedHook hook = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    QueuedExecutor dying = new QueuedExecutor();
    QueuedExecutor takingOver = new QueuedExecutor();
    FulfilmentDispatcher a = dispatcher(hooks).executor(dying).owner("a").build();
    FulfilmentDispatcher b = dispatcher(hooks).executor(takingOver).owner("b").build();
    UUID id = write(hooks, "order-1").get(0).deliveryId();

    assertThat(a.pollOnce()).isEqualTo(1);
    assertThat(b.pollOnce()).isZero();
    clock.advance(Duration.ofSeconds(59));
    assertThat(b.pollOnce()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(b.pollOnce()).isEqualTo(1);

    // The presumed-dead worker wakes up and finishes while the takeover's attempt still runs.
    dying.runAll();
    a.pollOnce();
    takingOver.runAll();
    b.pollOnce();

    assertThat(hook.runs)
        .extracting(Delivery::deliveryId, Delivery::attempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(id, 1), org.assertj.core.groups.Tuple.tuple(id, 2));
    assertThat(storage.recorded)
        .filteredOn(r -> r.kind().equals("complete"))
        .extracting(r -> r.claim().owner(), FaultyStorage.Recorded::applied)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", false),
            org.assertj.core.groups.Tuple.tuple("b", true));
    assertThat(b.backlog().pending()).isZero();
  }

  @Test
  void outcomesThatCouldNotBeRecordedWhileStorageWasDownAreRecordedWhenItIsBack() {
    ScriptedHook hook = new ScriptedHook("shipping");
    AtomicBoolean first = new AtomicBoolean(true);
    hook.fails =
        x -> {
          if (first.getAndSet(false)) {
            storage.down = true;
          }
          return false;
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher d = dispatcher(hooks).build();
    write(hooks, "order-1");
    write(hooks, "order-2");
    write(hooks, "order-3");

    assertThatThrownBy(d::pollOnce).isInstanceOf(StorageException.class);
    assertThatThrownBy(d::pollOnce).isInstanceOf(StorageException.class);
    storage.down = false;
    assertThat(d.pollOnce()).isZero();

    assertThat(hook.runs).hasSize(3);
    assertThat(storage.applied("complete")).hasSize(3);
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void theLoopSurvivesStorageOutagesAndDeliversEverythingOnceStorageIsBack() throws Exception {
    CountDownLatch delivered = new CountDownLatch(5);
    FulfilmentHook hook =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "shipping";
          }

          @Override
          public void handle(Delivery delivery) {
            delivered.countDown();
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    for (int i = 0; i < 5; i++) {
      write(hooks, "order-" + i);
    }
    storage.down = true;
    FulfilmentDispatcher d =
        start(
            dispatcher(hooks)
                .config(
                    config()
                        .minPollInterval(Duration.ofMillis(1))
                        .maxPollInterval(Duration.ofMillis(10))
                        .build())
                .build());
    int before = storage.claimCalls.get();
    storage.down = false;
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.applied.tryAcquire(5, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.claimCalls.get()).isGreaterThan(before);
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void shutdownWithWorkPendingLosesNothingAndANewDispatcherPicksItUp() {
    ScriptedHook hook = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    QueuedExecutor stuck = new QueuedExecutor();
    FulfilmentDispatcher a =
        dispatcher(hooks).executor(stuck).config(config().batchSize(3).build()).build();
    for (int i = 0; i < 5; i++) {
      write(hooks, "order-" + i);
    }
    assertThat(a.pollOnce()).isEqualTo(3);

    assertThat(a.stop(Duration.ZERO)).isFalse();
    assertThat(a.pollOnce()).isZero();
    assertThat(a.backlog().pending()).isEqualTo(5);

    FulfilmentDispatcher b = dispatcher(hooks).build();
    while (b.pollOnce() > 0) {
      // drain
    }
    assertThat(hook.successes).hasSize(5).allSatisfy(s -> assertThat(s.attempt()).isEqualTo(1));
    assertThat(b.backlog().pending()).isZero();
  }

  @Test
  void shutdownLetsARunningHandlerFinishWithinTheGrace() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    FulfilmentHook slow =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "slow";
          }

          @Override
          public void handle(Delivery delivery) throws InterruptedException {
            running.countDown();
            proceed.await();
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(slow);
    FulfilmentDispatcher d = dispatcher(hooks).executor(pool).build();
    write(hooks, "order-1");
    d.pollOnce();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    var stopped = pool.submit(() -> d.stop(Duration.ofSeconds(30)));
    proceed.countDown();

    assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.applied("complete")).hasSize(1);
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void anOrderedHookSeesOneOrdersEventsInOrderAcrossRetries() {
    ScriptedHook hook = new ScriptedHook("ledger", true, Duration.ofSeconds(1));
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher d = dispatcher(hooks).random(HIGHEST).build();
    UUID a1 = write(hooks, "order-a").get(0).deliveryId();
    UUID a2 = write(hooks, "order-a").get(0).deliveryId();
    UUID a3 = write(hooks, "order-a").get(0).deliveryId();
    UUID b1 = write(hooks, "order-b").get(0).deliveryId();
    hook.fails =
        x ->
            (x.deliveryId().equals(a1) && x.attempt() < 3)
                || (x.deliveryId().equals(a2) && x.attempt() < 2);

    for (int round = 0; round < 20; round++) {
      d.pollOnce();
      clock.advance(Duration.ofSeconds(10));
    }

    assertThat(hook.succeededIds()).containsExactlyInAnyOrder(a1, a2, a3, b1);
    assertThat(hook.succeededIds()).filteredOn(x -> !x.equals(b1)).containsExactly(a1, a2, a3);
    List<UUID> runs = hook.runs.stream().map(Delivery::deliveryId).toList();
    assertThat(runs.lastIndexOf(a1)).isLessThan(runs.indexOf(a2));
    assertThat(runs.lastIndexOf(a2)).isLessThan(runs.indexOf(a3));
    assertThat(runs.indexOf(b1)).isLessThan(runs.indexOf(a2));
  }

  @Test
  void twoDispatchersOnOneStorageNeverRunADeliveryTwiceAtOnceAndDeliverEverything()
      throws Exception {
    int events = 300;
    Set<UUID> running = ConcurrentHashMap.newKeySet();
    Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(events);
    FulfilmentHook hook =
        new FulfilmentHook() {
          @Override
          public String name() {
            return "shipping";
          }

          @Override
          public void handle(Delivery delivery) {
            if (!running.add(delivery.deliveryId())) {
              overlaps.incrementAndGet();
            }
            Thread.onSpinWait();
            running.remove(delivery.deliveryId());
            if (runs.computeIfAbsent(delivery.deliveryId(), k -> new AtomicInteger())
                    .incrementAndGet()
                == 1) {
              all.countDown();
            }
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    for (int i = 0; i < events; i++) {
      write(hooks, "order-" + i);
    }
    DispatchConfig cfg =
        config()
            .batchSize(8)
            .minPollInterval(Duration.ofMillis(1))
            .maxPollInterval(Duration.ofMillis(5))
            .build();
    ExecutorService pool2 = Executors.newFixedThreadPool(4);
    try {
      start(dispatcher(hooks).executor(pool).config(cfg).owner("one").build());
      start(dispatcher(hooks).executor(pool2).config(cfg).owner("two").build());
      assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      for (FulfilmentDispatcher d : started) {
        d.stop(Duration.ofSeconds(5));
      }
      pool2.shutdownNow();
    }
    assertThat(overlaps).hasValue(0);
    assertThat(runs).hasSize(events);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    assertThat(storage.applied("complete")).hasSize(events);
  }

  @Test
  void aRoundMarksEverySuccessDoneWithOneCompleteAllInTheUnitOfWorkThatClaimsTheNextBatch() {
    ScriptedHook hook = new ScriptedHook("shipping");
    hook.fails = x -> x.event().aggregateId().equals("order-1") && x.attempt() == 1;
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    QueuedExecutor workers = new QueuedExecutor();
    FulfilmentDispatcher d =
        dispatcher(hooks)
            .executor(workers)
            .config(config().batchSize(4).build())
            .random(HIGHEST)
            .build();
    for (int i = 0; i < 6; i++) {
      write(hooks, "order-" + i);
    }
    assertThat(d.pollOnce()).isEqualTo(4);
    workers.runAll();
    storage.units.clear();

    assertThat(d.pollOnce()).isEqualTo(2);

    assertThat(storage.units)
        .as("three successes, one retry (its backoff has not passed), the next batch, one commit")
        .containsExactly(List.of("completeAll 3", "retry", "claim"));
    assertThat(storage.applied("complete")).hasSize(3);
    assertThat(hook.runs).hasSize(4);
    assertThat(workers.size()).as("started, not run yet").isEqualTo(2);
    workers.runAll();
    clock.advance(Duration.ofSeconds(30)); // past the retry's 2 s, before the next prune
    storage.units.clear();
    assertThat(d.pollOnce()).isEqualTo(1);
    workers.runAll();
    assertThat(d.pollOnce()).isZero();
    assertThat(storage.units)
        .containsExactly(List.of("completeAll 2", "claim"), List.of("completeAll 1", "claim"));
    assertThat(hook.successes).hasSize(6);
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void aSuccessWhoseClaimWasLostIsReportedAndTheRestOfItsBatchIsStillDone() {
    ScriptedHook hook = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    QueuedExecutor slow = new QueuedExecutor();
    FulfilmentDispatcher a = dispatcher(hooks).executor(slow).owner("a").build();
    FulfilmentDispatcher b = dispatcher(hooks).owner("b").build();
    write(hooks, "order-1");
    assertThat(a.pollOnce()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    write(hooks, "order-2");
    write(hooks, "order-3");
    assertThat(a.pollOnce()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(b.pollOnce()).as("only the first lease ran out").isEqualTo(1);
    slow.runAll();

    a.pollOnce();

    assertThat(storage.recorded)
        .filteredOn(r -> r.kind().equals("complete") && r.claim().owner().equals("a"))
        .extracting(r -> r.claim().event().aggregateId(), FaultyStorage.Recorded::applied)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("order-1", false),
            org.assertj.core.groups.Tuple.tuple("order-2", true),
            org.assertj.core.groups.Tuple.tuple("order-3", true));
    assertThat(hook.successes).hasSize(4);
    assertThat(a.backlog().pending()).isZero();
  }

  @Test
  void aDeliveryForAHookThisDispatcherDoesNotHaveIsRetriedNotLost() {
    FulfilmentHooks writer = FulfilmentHooks.of(new ScriptedHook("legacy"));
    FulfilmentDispatcher d = dispatcher(FulfilmentHooks.of(new ScriptedHook("other"))).build();
    write(writer, "order-1");
    d.pollOnce();
    assertThat(storage.applied("retry"))
        .singleElement()
        .extracting(FaultyStorage.Recorded::error)
        .asString()
        .contains("no hook named 'legacy'");
  }

  @Test
  void doneDeliveriesArePrunedInBoundedBatchesAfterTheRetention() {
    ScriptedHook hook = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(hook);
    FulfilmentDispatcher d =
        dispatcher(hooks)
            .config(config().doneRetention(Duration.ofHours(1)).pruneBatch(2).build())
            .build();
    for (int i = 0; i < 5; i++) {
      write(hooks, "order-" + i);
    }
    d.pollOnce();
    assertThat(storage.applied("complete")).hasSize(5);
    clock.advance(Duration.ofHours(2));
    int[] pruned = new int[3];
    for (int i = 0; i < 3; i++) {
      int n = i;
      pruned[i] =
          storage.inner.inTransaction(tx -> tx.deliveries().pruneDone(T0.plusSeconds(1), 2));
      assertThat(pruned[n]).isLessThanOrEqualTo(2);
    }
    assertThat(pruned[0] + pruned[1] + pruned[2]).isEqualTo(5);
    // The dispatcher prunes by itself, too: nothing is left to prune after its rounds.
    write(hooks, "order-x");
    d.pollOnce();
    clock.advance(Duration.ofHours(2));
    d.pollOnce();
    d.pollOnce();
    int left = storage.inner.inTransaction(tx -> tx.deliveries().pruneDone(clock.instant(), 10));
    assertThat(left).isZero();
  }

  @Test
  void theLeaseMustOutlastTheLongestHookTimeout() {
    FulfilmentHooks hooks =
        FulfilmentHooks.of(new ScriptedHook("slow", false, Duration.ofMinutes(1)));
    assertThatThrownBy(
            () -> dispatcher(hooks).config(config().lease(Duration.ofMinutes(1)).build()).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT1M");
  }

  @Test
  void startingTwiceIsRefused() {
    FulfilmentDispatcher d = start(dispatcher(FulfilmentHooks.none()).build());
    assertThatThrownBy(d::start).isInstanceOf(IllegalStateException.class);
  }
}

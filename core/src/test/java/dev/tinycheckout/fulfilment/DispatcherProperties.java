package dev.tinycheckout.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The outbox's law under random schedules of handler failures, crashed workers (claims abandoned,
 * some resumed late like a paused process), graceful restarts and time passing: every delivery ends
 * done or dead, none is lost, none is marked done without a successful run of that attempt, and no
 * delivery is completed twice.
 */
class DispatcherProperties {
  private static final int MAX_ATTEMPTS = 4;
  private static final DispatchConfig CONFIG =
      DispatchConfig.builder()
          .lease(Duration.ofSeconds(60))
          .baseBackoff(Duration.ofSeconds(1))
          .maxBackoff(Duration.ofSeconds(8))
          .maxAttempts(MAX_ATTEMPTS)
          .batchSize(3)
          .build();

  /** A dispatcher with the executor it hands handlers to. */
  private record Worker(FulfilmentDispatcher dispatcher, QueuedExecutor executor) {}

  @Property(tries = 300)
  void everyDeliveryEndsDoneOrDeadAndIsDoneOnlyAfterASuccessfulRunOfThatAttempt(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 5) Integer> failures,
      @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 6) Integer> actions,
      @ForAll long seed) {
    Random random = new Random(seed);
    ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    FaultyStorage storage = new FaultyStorage();
    Map<UUID, Integer> failFirst = new ConcurrentHashMap<>();
    Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    Set<List<Object>> successfulAttempts = ConcurrentHashMap.newKeySet();
    FulfilmentHook ship = hook("ship", true, failFirst, runs, successfulAttempts);
    FulfilmentHook mail = hook("mail", false, failFirst, runs, successfulAttempts);
    FulfilmentHooks hooks = FulfilmentHooks.of(ship, mail);

    List<UUID> written = new ArrayList<>();
    for (int i = 0; i < failures.size(); i++) {
      OutboxEvent event =
          new OutboxEvent(
              UUID.randomUUID(),
              OutboxEvent.ORDER_PLACED,
              "order-" + (i % 3),
              "{}",
              clock.instant());
      int f = failures.get(i);
      List<PendingDelivery> ds =
          storage.inTransaction(
              tx -> {
                tx.outbox().enqueue(event);
                List<PendingDelivery> out = hooks.deliveriesFor(event, clock.instant());
                out.forEach(tx.deliveries()::enqueue);
                return out;
              });
      for (PendingDelivery d : ds) {
        failFirst.put(d.deliveryId(), d.hook().equals("ship") ? f : (f + 2) % 6);
        written.add(d.deliveryId());
      }
    }

    AtomicInteger generation = new AtomicInteger();
    java.util.function.Supplier<Worker> newWorker =
        () -> {
          QueuedExecutor executor = new QueuedExecutor();
          FulfilmentDispatcher d =
              FulfilmentDispatcher.builder()
                  .storage(storage)
                  .hooks(hooks)
                  .clock(clock)
                  .executor(executor)
                  .config(CONFIG)
                  .owner("worker-" + generation.incrementAndGet())
                  .random(new SplittableRandom(random.nextLong()))
                  .build();
          return new Worker(d, executor);
        };
    Worker[] live = {newWorker.get(), newWorker.get()};
    List<Worker> paused = new ArrayList<>();

    for (int action : actions) {
      int slot = random.nextInt(live.length);
      Worker w = live[slot];
      switch (action) {
        case 0, 1 -> w.dispatcher().pollOnce();
        case 2 -> w.executor().runAll();
        case 3 -> {
          // Killed or paused mid-handler: its claims are abandoned; it may wake up later.
          paused.add(w);
          live[slot] = newWorker.get();
        }
        case 4 -> {
          w.dispatcher().stop(Duration.ZERO);
          w.executor().dropAll();
          live[slot] = newWorker.get();
        }
        case 5 -> clock.advance(Duration.ofSeconds(random.nextInt(90)));
        default -> {
          if (!paused.isEmpty()) {
            Worker z = paused.remove(random.nextInt(paused.size()));
            z.executor().runAll();
            z.dispatcher().pollOnce();
            z.executor().dropAll();
          }
        }
      }
    }

    for (int round = 0; round < 400; round++) {
      for (Worker w : live) {
        w.dispatcher().pollOnce();
        w.executor().runAll();
        w.dispatcher().pollOnce();
      }
      if (live[0].dispatcher().backlog().pending() == 0) {
        break;
      }
      clock.advance(Duration.ofSeconds(61));
    }

    assertThat(live[0].dispatcher().backlog().pending()).as("nothing is left pending").isZero();
    assertThat(storage.recorded)
        .as("only the attempt holding the newest claim changes a delivery (the fence)")
        .filteredOn(FaultyStorage.Recorded::applied)
        .allMatch(FaultyStorage.Recorded::current);
    Map<UUID, Integer> completions = new HashMap<>();
    for (FaultyStorage.Recorded r : storage.applied("complete")) {
      completions.merge(r.claim().deliveryId(), 1, Integer::sum);
      assertThat(successfulAttempts)
          .as("a completed attempt ran successfully")
          .contains(List.of(r.claim().deliveryId(), r.claim().attempt()));
    }
    assertThat(completions.values()).as("each delivery is completed once").allMatch(n -> n == 1);
    Set<UUID> dead = new HashSet<>();
    for (DeadLetter l : live[0].dispatcher().deadLetters(1000)) {
      dead.add(l.deliveryId());
      assertThat(l.lastError()).contains("scripted failure");
    }
    Set<UUID> both = new HashSet<>(dead);
    both.retainAll(completions.keySet());
    assertThat(both).as("done and dead are exclusive").isEmpty();
    Set<UUID> ended = new HashSet<>(dead);
    ended.addAll(completions.keySet());
    assertThat(ended)
        .as("every delivery ends done or dead")
        .containsExactlyInAnyOrderElementsOf(written);
  }

  private static FulfilmentHook hook(
      String name,
      boolean ordered,
      Map<UUID, Integer> failFirst,
      Map<UUID, AtomicInteger> runs,
      Set<List<Object>> successfulAttempts) {
    return new FulfilmentHook() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean ordered() {
        return ordered;
      }

      @Override
      public void handle(Delivery delivery) {
        int run =
            runs.computeIfAbsent(delivery.deliveryId(), k -> new AtomicInteger()).incrementAndGet();
        if (run <= failFirst.getOrDefault(delivery.deliveryId(), 0)) {
          throw new IllegalStateException("scripted failure on run " + run);
        }
        successfulAttempts.add(List.of(delivery.deliveryId(), delivery.attempt()));
      }
    };
  }
}

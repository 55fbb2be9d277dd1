package dev.tinycheckout.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.observe.RecordingObserver;
import dev.tinycheckout.observe.RecordingObserver.Finished;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's signals to its observer: one {@code deliveryFinished} per attempt whose outcome
 * committed, never before the commit and never for an outcome that did not commit.
 */
class DispatcherObserverTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Executor DIRECT = Runnable::run;
  private static final Duration LEASE = Duration.ofSeconds(60);

  private final ManualClock clock = new ManualClock(T0);
  private final FaultyStorage storage = new FaultyStorage();
  private final RecordingObserver observer = new RecordingObserver();

  private FulfilmentDispatcher.Builder dispatcher(FulfilmentHooks hooks) {
    return FulfilmentDispatcher.builder()
        .storage(storage)
        .hooks(hooks)
        .clock(clock)
        .executor(DIRECT)
        .observer(observer)
        .config(DispatchConfig.builder().lease(LEASE).build());
  }

  private void write(FulfilmentHooks hooks, String aggregateId) {
    OutboxEvent event =
        new OutboxEvent(
            UUID.randomUUID(), OutboxEvent.ORDER_PLACED, aggregateId, "{}", clock.instant());
    storage.inTransaction(
        tx -> {
          tx.outbox().enqueue(event);
          hooks.deliveriesFor(event, clock.instant()).forEach(tx.deliveries()::enqueue);
          return null;
        });
  }

  @Test
  void aHookThatSucceedsSignalsSucceededOnceWithHowLongItRan() {
    ScriptedHook shipping = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    FulfilmentDispatcher d = dispatcher(hooks).build();
    write(hooks, "order-1");

    assertThat(d.pollOnce()).isEqualTo(1);

    assertThat(observer.deliveries)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.hook()).isEqualTo("shipping");
              assertThat(f.signal()).isEqualTo(DeliverySignal.SUCCEEDED);
              assertThat(f.nanos()).isPositive();
            });
    assertThat(d.pollOnce()).isZero();
    assertThat(observer.deliveries).as("nothing new to report").hasSize(1);
    assertThat(observer.checkouts).isEmpty();
  }

  @Test
  void aHookThatAlwaysFailsSignalsRetryingThenDeadLetteredOnItsLastAttempt() {
    ScriptedHook email = new ScriptedHook("email");
    email.fails = delivery -> true;
    FulfilmentHooks hooks = FulfilmentHooks.of(email);
    DispatchConfig config = DispatchConfig.builder().lease(LEASE).maxAttempts(2).build();
    FulfilmentDispatcher d = dispatcher(hooks).config(config).build();
    write(hooks, "order-1");

    assertThat(d.pollOnce()).isEqualTo(1);
    assertThat(observer.deliveries)
        .extracting(Finished::hook, Finished::signal)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("email", DeliverySignal.RETRYING));
    clock.advance(config.backoffCeiling(1).plusMillis(1));
    assertThat(d.pollOnce()).isEqualTo(1);

    assertThat(observer.deliveries)
        .extracting(Finished::hook, Finished::signal)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("email", DeliverySignal.RETRYING),
            org.assertj.core.groups.Tuple.tuple("email", DeliverySignal.DEAD_LETTERED));
    assertThat(observer.deliveries).allSatisfy(f -> assertThat(f.nanos()).isPositive());
    assertThat(email.runs).hasSize(2);
    clock.advance(Duration.ofDays(1));
    assertThat(d.pollOnce()).isZero();
    assertThat(observer.deliveries).hasSize(2);
  }

  @Test
  void eachSignalComesAfterItsOutcomeIsCommittedAndVisible() {
    ScriptedHook shipping = new ScriptedHook("shipping");
    ScriptedHook email = new ScriptedHook("email");
    email.fails = delivery -> true;
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping, email);
    AtomicReference<FulfilmentDispatcher> self = new AtomicReference<>();
    List<String> seenAtSignal = new CopyOnWriteArrayList<>();
    CheckoutObserver probing =
        new CheckoutObserver() {
          @Override
          public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
            // Reads the storage in a unit of work of its own: only committed state is visible.
            DeliveryBacklog backlog = self.get().backlog();
            seenAtSignal.add(
                hook
                    + " "
                    + signal
                    + ": pending "
                    + backlog.pending()
                    + ", dead "
                    + backlog.dead());
          }
        };
    DispatchConfig config = DispatchConfig.builder().lease(LEASE).maxAttempts(1).build();
    FulfilmentDispatcher d = dispatcher(hooks).config(config).observer(probing).build();
    self.set(d);
    write(hooks, "order-1");

    assertThat(d.pollOnce()).isEqualTo(2);

    assertThat(seenAtSignal)
        .containsExactlyInAnyOrder(
            "shipping SUCCEEDED: pending 0, dead 1", "email DEAD_LETTERED: pending 0, dead 1");
  }

  @Test
  void anOutcomeWhoseCommitFailedIsSignalledOnlyOnceALaterRoundCommitsIt() {
    ScriptedHook shipping =
        new ScriptedHook("shipping") {
          @Override
          public void handle(Delivery delivery) {
            super.handle(delivery);
            storage.down = true; // the database goes away while the handler runs
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    FulfilmentDispatcher d = dispatcher(hooks).build();
    write(hooks, "order-1");

    assertThatThrownBy(d::pollOnce).isInstanceOf(StorageException.class);
    assertThat(shipping.runs).hasSize(1);
    assertThat(observer.deliveries).as("nothing committed, nothing signalled").isEmpty();
    storage.down = false;
    assertThat(d.pollOnce()).isZero();

    assertThat(observer.deliveries)
        .extracting(Finished::hook, Finished::signal)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shipping", DeliverySignal.SUCCEEDED));
    assertThat(shipping.runs).as("recorded, not run again").hasSize(1);
    assertThat(d.backlog().pending()).isZero();
  }

  @Test
  void aSuccessWhoseClaimWasLostIsNotSignalled() {
    AtomicReference<FulfilmentDispatcher> other = new AtomicReference<>();
    ScriptedHook shipping =
        new ScriptedHook("shipping") {
          @Override
          public void handle(Delivery delivery) {
            super.handle(delivery);
            if (runs.size() == 1) {
              // The first attempt overruns its lease; another dispatcher takes over and finishes.
              clock.advance(LEASE.plusSeconds(1));
              assertThat(other.get().pollOnce()).isEqualTo(1);
            }
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    FulfilmentDispatcher first = dispatcher(hooks).owner("first").build();
    other.set(dispatcher(hooks).owner("second").build());
    write(hooks, "order-1");

    assertThat(first.pollOnce()).isEqualTo(1);

    assertThat(shipping.runs).hasSize(2);
    assertThat(observer.deliveries)
        .as("only the attempt whose success committed")
        .extracting(Finished::hook, Finished::signal)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("shipping", DeliverySignal.SUCCEEDED));
  }

  @Test
  void aDeliveryForAHookTheDispatcherLacksIsSignalledRetryingWithZeroDuration() {
    ScriptedHook shipping = new ScriptedHook("shipping");
    FulfilmentHooks written = FulfilmentHooks.of(shipping, new ScriptedHook("email"));
    FulfilmentDispatcher d = dispatcher(FulfilmentHooks.of(shipping)).build();
    write(written, "order-1");

    assertThat(d.pollOnce()).isEqualTo(2);

    assertThat(observer.deliveries)
        .filteredOn(f -> f.hook().equals("email"))
        .containsExactly(new Finished("email", DeliverySignal.RETRYING, 0));
    assertThat(observer.deliveries)
        .filteredOn(f -> f.hook().equals("shipping"))
        .extracting(Finished::signal)
        .containsExactly(DeliverySignal.SUCCEEDED);
  }

  @Test
  void anObserverThatThrowsNeverStopsTheDispatcherFromRecordingOutcomes() {
    ScriptedHook shipping = new ScriptedHook("shipping");
    FulfilmentHooks hooks = FulfilmentHooks.of(shipping);
    CheckoutObserver throwing =
        new CheckoutObserver() {
          @Override
          public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
            throw new IllegalStateException("broken metrics");
          }
        };
    FulfilmentDispatcher d = dispatcher(hooks).observer(throwing).build();
    write(hooks, "order-1");
    write(hooks, "order-2");

    assertThat(d.pollOnce()).isEqualTo(2);

    assertThat(shipping.successes).hasSize(2);
    assertThat(d.backlog().pending()).isZero();
    assertThat(d.deadLetters(10)).isEmpty();
  }
}

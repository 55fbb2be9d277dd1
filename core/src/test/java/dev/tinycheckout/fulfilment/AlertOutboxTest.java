package dev.tinycheckout.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.observe.AlertEvent;
import dev.tinycheckout.observe.AlertListener;
import dev.tinycheckout.observe.BurnRateRule;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The alert hook: alert changes of an {@link SloMonitor} go through the transactional outbox to the
 * hooks that subscribe to them, delivered by a running {@link FulfilmentDispatcher}.
 */
class AlertOutboxTest {
  /** Midnight UTC, so that minute buckets start on whole minutes. */
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private static final ServiceLevelObjective AVAILABILITY =
      new ServiceLevelObjective(
          "checkout-availability", 0.999, "99.9% of checkouts succeed without a server error");
  private static final BurnRateRule PAGE_FAST = BurnRateRule.sreWorkbookDefaults().get(0);

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final RecordingHook pager =
      new RecordingHook("pager", Set.of(AlertOutbox.ALERT_FIRED, AlertOutbox.ALERT_RESOLVED));
  private final RecordingHook shipping =
      new RecordingHook("shipping", Set.of(OutboxEvent.ORDER_PLACED));
  private final FulfilmentHooks hooks = FulfilmentHooks.of(pager, shipping);
  private final FulfilmentDispatcher dispatcher =
      FulfilmentDispatcher.builder()
          .storage(storage)
          .hooks(hooks)
          .clock(clock)
          .config(DispatchConfig.builder().lease(Duration.ofSeconds(60)).build())
          .build();

  @AfterEach
  void stopDispatcher() {
    dispatcher.stop(Duration.ofSeconds(5));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Waits until the dispatcher delivered {@code n} deliveries to the pager and has none left. */
  private void awaitDelivered(int n) throws InterruptedException {
    await(
        n + " pager deliveries, none pending",
        () -> pager.deliveries.size() >= n && dispatcher.backlog().pending() == 0);
  }

  private SloMonitor monitor(AlertListener listener) {
    return SloMonitor.builder(AVAILABILITY)
        .clock(clock)
        .rules(PAGE_FAST)
        .listener(listener)
        .build();
  }

  private static void record(SloMonitor monitor, int n, boolean good) {
    for (int i = 0; i < n; i++) {
      monitor.record(good);
    }
  }

  private static String payload(Delivery d) {
    return d.event().payload();
  }

  @Test
  void aFiredAndAResolvedAlertAreEachDeliveredOnceToTheSubscribedHookOnly() throws Exception {
    AtomicInteger afterCommit = new AtomicInteger();
    AlertOutbox outbox =
        AlertOutbox.builder()
            .storage(storage)
            .hooks(hooks)
            .afterCommit(
                () -> {
                  afterCommit.incrementAndGet();
                  dispatcher.wakeUp();
                })
            .build();
    SloMonitor monitor = monitor(outbox);
    dispatcher.start();

    record(monitor, 150, false);
    assertThat(monitor.evaluate().firing()).hasSize(1);
    awaitDelivered(1);

    assertThat(pager.deliveries)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.event().type()).isEqualTo(AlertOutbox.ALERT_FIRED);
              assertThat(d.event().aggregateId()).isEqualTo("checkout-availability/page-fast");
              assertThat(payload(d))
                  .startsWith("{")
                  .endsWith("}")
                  .contains("\"objective\":\"checkout-availability\"")
                  .contains("\"rule\":\"page-fast\"")
                  .contains("\"severity\":\"PAGE\"")
                  .contains("\"firing\":true")
                  .contains("\"longEvents\":150")
                  .contains("\"longBadEvents\":150")
                  .containsPattern(
                      "\"summary\":\"checkout-availability page-fast \\(PAGE\\): [^\"]+\"")
                  .contains("\"at\":\"2026-11-25T00:00:00Z\"")
                  .doesNotContain("@");
            });
    assertThat(afterCommit).hasValue(1);

    monitor.evaluate();
    clock.advance(Duration.ofMinutes(6));
    record(monitor, 300, true);
    assertThat(monitor.evaluate().firing()).isEmpty();
    awaitDelivered(2);

    assertThat(pager.deliveries)
        .extracting(d -> d.event().type())
        .containsExactly(AlertOutbox.ALERT_FIRED, AlertOutbox.ALERT_RESOLVED);
    Delivery resolved = pager.deliveries.get(1);
    assertThat(payload(resolved))
        .contains("\"rule\":\"page-fast\"")
        .contains("\"firing\":false")
        .contains("\"longEvents\":450")
        .contains("\"longBadEvents\":150")
        .doesNotContain("@");
    assertThat(resolved.event().aggregateId()).isEqualTo("checkout-availability/page-fast");
    assertThat(afterCommit).as("one write per change, none per evaluation").hasValue(2);
    assertThat(shipping.deliveries).as("subscribes to orders only").isEmpty();
    assertThat(dispatcher.deadLetters(10)).isEmpty();
  }

  @Test
  void anAlertWrittenWithoutWakingTheDispatcherIsFoundByItsPoll() throws Exception {
    AlertOutbox outbox = AlertOutbox.builder().storage(storage).hooks(hooks).build();
    SloMonitor monitor = monitor(outbox);
    record(monitor, 150, false);
    monitor.evaluate();
    assertThat(dispatcher.backlog().pending())
        .as("written before the dispatcher runs")
        .isEqualTo(1);

    dispatcher.start();
    awaitDelivered(1);

    assertThat(pager.deliveries)
        .extracting(d -> d.event().type())
        .containsExactly(AlertOutbox.ALERT_FIRED);
    assertThat(shipping.deliveries).isEmpty();
  }

  @Test
  void aStorageThatFailsKeepsTheAlertsAndNeverThrowsAtTheMonitor() {
    AtomicInteger afterCommit = new AtomicInteger();
    AtomicInteger units = new AtomicInteger();
    CheckoutStorage failing =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            units.incrementAndGet();
            throw new StorageException("the database is gone", true, null);
          }
        };
    AlertOutbox outbox =
        AlertOutbox.builder()
            .storage(failing)
            .hooks(hooks)
            .afterCommit(afterCommit::incrementAndGet)
            .build();
    SloMonitor probe = SloMonitor.builder(AVAILABILITY).clock(clock).rules(PAGE_FAST).build();
    record(probe, 150, false);
    AlertEvent event = new AlertEvent(AVAILABILITY, probe.evaluate().rules().get(0), T0);

    assertThatCode(() -> outbox.fired(event)).doesNotThrowAnyException();
    assertThatCode(() -> outbox.resolved(event)).doesNotThrowAnyException();

    // fired: one try; resolved: one retry of fired, then kept behind it, in order.
    assertThat(units).hasValue(2);
    assertThat(outbox.unwritten()).isEqualTo(2);
    assertThat(afterCommit).as("nothing committed, nothing to wake").hasValue(0);
  }

  @Test
  void anAlertThatFiredWhileTheDatabaseWasDownIsDeliveredOnceItIsBack() throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    CheckoutStorage flaky =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            if (down.get()) {
              throw new StorageException("the database is gone", true, null);
            }
            return storage.inTransaction(work);
          }
        };
    AlertOutbox outbox =
        AlertOutbox.builder().storage(flaky).hooks(hooks).afterCommit(dispatcher::wakeUp).build();
    SloMonitor monitor = monitor(outbox);
    dispatcher.start();

    record(monitor, 150, false);
    assertThat(monitor.evaluate().firing()).hasSize(1);
    monitor.evaluate(); // still down: the retry fails too
    assertThat(outbox.unwritten()).isEqualTo(1);
    down.set(false);
    monitor.evaluate(); // no change of state, but the kept alert is written now
    awaitDelivered(1);

    assertThat(outbox.unwritten()).isZero();
    assertThat(pager.deliveries)
        .singleElement()
        .satisfies(d -> assertThat(d.event().type()).isEqualTo(AlertOutbox.ALERT_FIRED));
  }

  @Test
  void aFailingAfterCommitCallbackDoesNotUndoOrFailTheWrite() {
    AlertOutbox outbox =
        AlertOutbox.builder()
            .storage(storage)
            .hooks(hooks)
            .afterCommit(
                () -> {
                  throw new IllegalStateException("broken wake-up");
                })
            .build();
    SloMonitor monitor = monitor(outbox);
    record(monitor, 150, false);

    assertThatCode(monitor::evaluate).doesNotThrowAnyException();

    assertThat(dispatcher.backlog().pending()).isEqualTo(1);
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> AlertOutbox.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("storage")
        .hasMessageContaining("hooks");
    assertThatThrownBy(() -> AlertOutbox.builder().storage(storage).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hooks");
    assertThatThrownBy(() -> AlertOutbox.builder().hooks(hooks).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("storage");
    assertThatThrownBy(() -> AlertOutbox.builder().storage(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void itsNameListsTheHooksItWritesFor() {
    assertThat(AlertOutbox.builder().storage(storage).hooks(hooks).build())
        .hasToString("AlertOutbox" + List.of("pager", "shipping"));
  }
}

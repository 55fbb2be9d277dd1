package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The monitor's scenarios: outages, quiet shops, slow burns, and its contracts. */
class SloMonitorTest {
  /** Midnight UTC, so that minute buckets start on whole minutes. */
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private static final ServiceLevelObjective AVAILABILITY =
      new ServiceLevelObjective(
          "checkout-availability", 0.999, "99.9% of checkouts succeed without a server error");

  private final ManualClock clock = new ManualClock(T0);
  private final RecordingListener listener = new RecordingListener();

  private SloMonitor.Builder monitor() {
    return SloMonitor.builder(AVAILABILITY).clock(clock).listener(listener);
  }

  /**
   * Runs a shop for a while: a checkout every {@code every}, each good unless {@code bad} says so,
   * and an evaluation every {@code evaluateEvery}.
   */
  private void run(
      SloMonitor monitor,
      Duration length,
      Duration every,
      Duration evaluateEvery,
      java.util.function.Predicate<Instant> bad) {
    Instant end = clock.instant().plus(length);
    Instant nextEvaluation = clock.instant().plus(evaluateEvery);
    while (clock.instant().isBefore(end)) {
      clock.advance(every);
      monitor.record(!bad.test(clock.instant()));
      while (!nextEvaluation.isAfter(clock.instant())) {
        monitor.evaluate(nextEvaluation);
        nextEvaluation = nextEvaluation.plus(evaluateEvery);
      }
    }
  }

  private static BurnRateRule rule(
      String name, double threshold, Duration longWindow, Duration shortWindow, long minEvents) {
    return new BurnRateRule(
        name, AlertSeverity.PAGE, threshold, longWindow, shortWindow, minEvents);
  }

  @Test
  void aPaymentProviderOutageFiresEachAlertOnceAndRecoveryResolvesEachOnce() {
    SloMonitor monitor = monitor().build();
    Duration every = Duration.ofSeconds(3); // 1200 checkouts an hour
    run(monitor, Duration.ofDays(3), every, Duration.ofMinutes(10), t -> false);
    assertThat(listener.changes).as("three healthy days").isEmpty();

    Instant outageStart = clock.instant();
    Instant outageEnd = outageStart.plus(Duration.ofMinutes(15));
    run(
        monitor,
        Duration.ofHours(7).plusMinutes(15),
        every,
        Duration.ofSeconds(30),
        t -> t.isAfter(outageStart) && !t.isAfter(outageEnd));

    // 300 failed checkouts and 30 evaluations during the outage, yet one page per rule.
    assertThat(listener.of("page-fast"))
        .extracting(RecordingListener.Change::fired)
        .containsExactly(true, false);
    RecordingListener.Change paged = listener.of("page-fast").get(0);
    assertThat(paged.event().severity()).isEqualTo(AlertSeverity.PAGE);
    assertThat(paged.event().at()).isBetween(outageStart, outageStart.plus(Duration.ofMinutes(2)));
    assertThat(paged.event().status().longWindow().burnRate()).isGreaterThanOrEqualTo(14.4);
    assertThat(paged.event().status().shortWindow().burnRate()).isGreaterThanOrEqualTo(14.4);
    assertThat(paged.event().status().longWindow().events()).isGreaterThanOrEqualTo(100);

    // Page-fast clears when the last bad minute leaves the five-minute confirmation window.
    RecordingListener.Change cleared = listener.of("page-fast").get(1);
    assertThat(cleared.event().at()).isEqualTo(outageEnd.plus(Duration.ofMinutes(4)));
    assertThat(cleared.event().status().shortWindow().burnRate()).isLessThan(14.4);
    assertThat(cleared.event().status().longWindow().burnRate()).isGreaterThan(14.4);

    // The slower rules fire too (15 bad minutes spend 34% of a 30-day budget) and clear later.
    for (String rule : List.of("page-slow", "ticket-fast", "ticket-slow")) {
      assertThat(listener.of(rule))
          .as(rule)
          .extracting(RecordingListener.Change::fired)
          .containsExactly(true, false);
    }
    assertThat(listener.resolved())
        .extracting(RecordingListener.Change::rule)
        .containsExactly("page-fast", "page-slow", "ticket-fast", "ticket-slow");
    assertThat(listener.of("ticket-slow").get(1).event().at())
        .isAfter(outageStart.plus(Duration.ofHours(6)));
    assertThat(monitor.lastStatus().firing()).isEmpty();
  }

  @Test
  void aShopWithEightCheckoutsAnHourIsNotPagedForOneFailure() {
    SloMonitor monitor = monitor().build();
    Duration every = Duration.ofSeconds(450);
    run(monitor, Duration.ofDays(3), every, Duration.ofMinutes(1), t -> false);
    Instant failure = clock.instant().plus(every);

    run(monitor, Duration.ofHours(6), every, Duration.ofMinutes(1), t -> t.equals(failure));

    assertThat(listener.changes).isEmpty();
    assertThat(monitor.lastStatus().rule("page-fast").orElseThrow().longWindow().events())
        .isBetween(7L, 8L);
  }

  @Test
  void withoutTheLowTrafficGuardTheSameOneFailureWouldPage() {
    List<BurnRateRule> unguarded =
        BurnRateRule.sreWorkbookDefaults().stream().map(r -> r.withMinEvents(0)).toList();
    SloMonitor monitor = monitor().rules(unguarded).build();
    Duration every = Duration.ofSeconds(450);
    run(monitor, Duration.ofDays(3), every, Duration.ofMinutes(1), t -> false);
    Instant failure = clock.instant().plus(every);

    run(monitor, Duration.ofHours(6), every, Duration.ofMinutes(1), t -> t.equals(failure));

    assertThat(listener.fired()).extracting(RecordingListener.Change::rule).contains("page-fast");
  }

  @Test
  void aSlowSteadyBurnOpensTicketsButPagesNoOne() {
    SloMonitor monitor = monitor().build();
    AtomicLong n = new AtomicLong();
    // 1200 checkouts an hour, one in 200 fails: 0.5% bad is a burn rate of 5.
    run(
        monitor,
        Duration.ofDays(2),
        Duration.ofSeconds(3),
        Duration.ofMinutes(1),
        t -> n.incrementAndGet() % 200 == 0);

    assertThat(listener.fired())
        .extracting(RecordingListener.Change::rule)
        .containsExactly("ticket-fast", "ticket-slow");
    assertThat(listener.resolved()).isEmpty();
    SloStatus status = monitor.lastStatus();
    assertThat(status.isFiring(AlertSeverity.TICKET)).isTrue();
    assertThat(status.isFiring(AlertSeverity.PAGE)).isFalse();
    assertThat(status.rule("ticket-fast").orElseThrow().longWindow().burnRate())
        .isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void windowsEndWithTheBucketThatHoldsNowAndStartOnABucketBoundary() {
    SloMonitor monitor =
        monitor()
            .rules(rule("r", 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0))
            .bucket(Duration.ofMinutes(1))
            .build();
    Instant now = Instant.parse("2026-11-25T10:04:30Z");

    monitor.record(Instant.parse("2026-11-25T09:59:59.999Z"), false); // before the window
    monitor.record(Instant.parse("2026-11-25T10:00:00Z"), false); // first instant of the window
    monitor.record(Instant.parse("2026-11-25T10:03:59.999Z"), true); // long window only
    monitor.record(Instant.parse("2026-11-25T10:04:00Z"), true); // short window starts here
    monitor.record(Instant.parse("2026-11-25T10:04:59.999Z"), false); // now's bucket, after now

    RuleStatus status = monitor.evaluate(now).rules().get(0);

    assertThat(status.longWindow().events()).isEqualTo(4);
    assertThat(status.longWindow().badEvents()).isEqualTo(2);
    assertThat(status.shortWindow().events()).isEqualTo(2);
    assertThat(status.shortWindow().badEvents()).isEqualTo(1);
    assertThat(status.shortWindow().errorRatio()).isEqualTo(0.5);
    assertThat(status.shortWindow().burnRate()).isEqualTo(500.0);
  }

  @Test
  void anEventOfALaterBucketThanNowIsNotCounted() {
    SloMonitor monitor =
        monitor().rules(rule("r", 1, Duration.ofMinutes(10), Duration.ofMinutes(5), 0)).build();

    monitor.record(Instant.parse("2026-11-25T10:04:00Z"), true);
    monitor.record(Instant.parse("2026-11-25T10:05:00Z"), false);

    RuleStatus status = monitor.evaluate(Instant.parse("2026-11-25T10:04:30Z")).rules().get(0);
    assertThat(status.longWindow().events()).isEqualTo(1);
    assertThat(status.longWindow().badEvents()).isZero();
    assertThat(status.firing()).isFalse();
  }

  @Test
  void anEventOlderThanTheLongestWindowIsDroppedAndDisplacesNothing() {
    SloMonitor monitor =
        monitor().rules(rule("r", 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0)).build();
    Instant old = Instant.parse("2026-11-25T10:00:00Z");
    Instant fiveMinutesLater = old.plus(Duration.ofMinutes(5)); // the same slot of the ring

    monitor.record(old, true);
    monitor.record(fiveMinutesLater, true);
    monitor.record(old, false);

    WindowStatus window = monitor.evaluate(fiveMinutesLater).rules().get(0).longWindow();
    assertThat(window.events()).isEqualTo(1);
    assertThat(window.badEvents()).isZero();
  }

  @Test
  void eventsMayArriveOutOfOrder() {
    SloMonitor monitor =
        monitor().rules(rule("r", 1, Duration.ofHours(1), Duration.ofMinutes(5), 0)).build();
    Instant now = Instant.parse("2026-11-25T10:00:00Z");

    monitor.record(now.minusSeconds(10), true);
    monitor.record(now.minus(Duration.ofMinutes(50)), false);
    monitor.record(now.minusSeconds(20), false);
    monitor.record(now.minus(Duration.ofMinutes(30)), true);

    RuleStatus status = monitor.evaluate(now).rules().get(0);
    assertThat(status.longWindow().events()).isEqualTo(4);
    assertThat(status.longWindow().badEvents()).isEqualTo(2);
    assertThat(status.shortWindow().events()).isEqualTo(2);
  }

  @Test
  void theFirstStatusHasEmptyWindowsAndNothingFiring() {
    SloMonitor monitor = monitor().build();

    SloStatus status = monitor.lastStatus();

    assertThat(status.at()).isEqualTo(T0);
    assertThat(status.slo()).isEqualTo(AVAILABILITY);
    assertThat(status.rules()).hasSize(4).noneMatch(RuleStatus::firing);
    assertThat(status.rules())
        .allSatisfy(
            r -> {
              assertThat(r.longWindow().events()).isZero();
              assertThat(r.longWindow().burnRate()).isZero();
              assertThat(r.longWindow().errorRatio()).isZero();
            });
  }

  @Test
  void lastStatusIsTheLatestEvaluationAndItsHelpersFindRules() {
    SloMonitor monitor =
        monitor()
            .rules(
                rule("fast", 10, Duration.ofMinutes(10), Duration.ofMinutes(1), 0),
                new BurnRateRule(
                    "slow",
                    AlertSeverity.TICKET,
                    900,
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(1),
                    0))
            .build();
    monitor.record(false);
    monitor.record(true);

    SloStatus status = monitor.evaluate();

    assertThat(monitor.lastStatus()).isSameAs(status);
    assertThat(status.firing()).extracting(r -> r.rule().name()).containsExactly("fast");
    assertThat(status.isFiring(AlertSeverity.PAGE)).isTrue();
    assertThat(status.isFiring(AlertSeverity.TICKET)).isFalse();
    assertThat(status.rule("slow").orElseThrow().longWindow().burnRate()).isEqualTo(500.0);
    assertThat(status.rule("missing")).isEmpty();
    assertThatThrownBy(() -> status.rules().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anAlertThatKeepsFiringIsAnnouncedOnceAndItsEventSummarisesIt() {
    SloMonitor monitor =
        monitor().rules(rule("fast", 14.4, Duration.ofHours(1), Duration.ofMinutes(5), 10)).build();
    for (int i = 0; i < 50; i++) {
      monitor.record(i % 5 != 0);
      monitor.evaluate();
    }

    assertThat(listener.changes).hasSize(1);
    AlertEvent event = listener.changes.get(0).event();
    assertThat(event.slo()).isEqualTo(AVAILABILITY);
    assertThat(event.at()).isEqualTo(T0);
    assertThat(event.status().longWindow().events()).isEqualTo(10);
    assertThat(event.summary())
        .isEqualTo(
            "checkout-availability fast (PAGE): burn rate 200.0x over PT1H and 200.0x over PT5M,"
                + " threshold 14.4x; 2 of 10 events bad in PT1H, at 2026-11-25T00:00:00Z");
  }

  @Test
  void aFailingListenerIsLoggedAndTheOthersStillHearTheAlertOnce() {
    AtomicInteger thrown = new AtomicInteger();
    AlertListener failing =
        new AlertListener() {
          @Override
          public void fired(AlertEvent event) {
            thrown.incrementAndGet();
            throw new IllegalStateException("pager down");
          }
        };
    SloMonitor monitor =
        SloMonitor.builder(AVAILABILITY)
            .clock(clock)
            .rules(rule("r", 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0))
            .listener(failing)
            .listener(listener)
            .build();
    monitor.record(false);

    SloStatus first = monitor.evaluate();
    SloStatus second = monitor.evaluate();

    assertThat(first.firing()).hasSize(1);
    assertThat(second.firing()).hasSize(1);
    assertThat(thrown).hasValue(1);
    assertThat(listener.fired()).hasSize(1);

    clock.advance(Duration.ofMinutes(5));
    monitor.evaluate();
    assertThat(listener.resolved()).hasSize(1);
  }

  @Test
  void aListenerWithoutOverridesIgnoresAlerts() {
    SloMonitor monitor =
        SloMonitor.builder(AVAILABILITY)
            .clock(clock)
            .rules(rule("r", 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0))
            .listener(new AlertListener() {})
            .build();
    monitor.record(false);

    assertThat(monitor.evaluate().firing()).hasSize(1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(monitor.evaluate().firing()).isEmpty();
  }

  @Test
  void evaluateEveryRunsOnTheSchedulerAndSurvivesAFailedEvaluation() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger(0);
    Clock flaky =
        new Clock() {
          @Override
          public Instant instant() {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              throw new IllegalStateException("clock unavailable");
            }
            return T0;
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }
        };
    CountDownLatch fired = new CountDownLatch(1);
    SloMonitor monitor =
        SloMonitor.builder(AVAILABILITY)
            .clock(flaky)
            .rules(rule("r", 1, Duration.ofMinutes(5), Duration.ofMinutes(1), 0))
            .listener(
                new AlertListener() {
                  @Override
                  public void fired(AlertEvent event) {
                    fired.countDown();
                  }
                })
            .build();
    monitor.record(T0, false);
    failuresLeft.set(2);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      ScheduledFuture<?> task = monitor.evaluateEvery(scheduler, Duration.ofMillis(1));

      assertThat(fired.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failuresLeft).hasValue(0);
      assertThat(task.isDone()).isFalse();
      task.cancel(false);
      assertThat(task.isCancelled()).isTrue();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void recordingFromManyThreadsAcrossBucketBoundariesLosesNoEvent() throws Exception {
    AtomicLong ticks = new AtomicLong();
    Clock ticking =
        new Clock() {
          @Override
          public long millis() {
            return T0.toEpochMilli() + ticks.getAndIncrement(); // each read is a new millisecond
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(T0.toEpochMilli() + ticks.get());
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }
        };
    SloMonitor monitor =
        SloMonitor.builder(AVAILABILITY)
            .clock(ticking)
            .bucket(Duration.ofSeconds(1))
            .rules(rule("r", 1, Duration.ofHours(1), Duration.ofMinutes(5), 0))
            .build();
    int threads = 8;
    int perThread = 25_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  monitor.record(i % 7 != 0);
                  if (i % 1000 == 0) {
                    monitor.evaluate(); // evaluations run alongside and must not disturb counts
                  }
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    WindowStatus window = monitor.evaluate().rules().get(0).longWindow();

    long badPerThread = (perThread + 6L) / 7;
    assertThat(window.events()).isEqualTo((long) threads * perThread);
    assertThat(window.badEvents()).isEqualTo(threads * badPerThread);
  }

  @Test
  void theBuilderRefusesEmptyOrDuplicateRules() {
    BurnRateRule r = rule("r", 1, Duration.ofHours(1), Duration.ofMinutes(5), 0);
    assertThatThrownBy(() -> monitor().rules(List.of()))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("rules"));
    assertThatThrownBy(() -> monitor().rules(r, r.withMinEvents(5)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo("must have distinct names, but \"r\" appears twice"));
  }

  @Test
  void everyWindowMustBeAWholeNumberOfBuckets() {
    SloMonitor.Builder builder =
        monitor()
            .bucket(Duration.ofMinutes(1))
            .rules(rule("odd", 1, Duration.ofHours(1), Duration.ofSeconds(90), 0));

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("rules[odd].shortWindow");
              assertThat(e.reason())
                  .isEqualTo("must be a whole number of buckets (PT1M), but was PT1M30S");
            });
  }

  @Test
  void theLongestWindowMayNeedAtMostAHundredThousandBuckets() {
    assertThat(monitor().bucket(Duration.ofSeconds(10)).build().bucket())
        .isEqualTo(Duration.ofSeconds(10));

    assertThatThrownBy(() -> monitor().bucket(Duration.ofSeconds(1)).build())
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("bucket");
              assertThat(e.reason()).contains("ticket-slow", "259200 buckets").endsWith("was PT1S");
            });
  }

  @Test
  void aThresholdTheObjectiveCanNeverReachIsRefused() {
    SloMonitor.Builder builder =
        SloMonitor.builder(ServiceLevelObjective.of("checkout-latency", 0.9));

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("rules[page-fast].threshold");
              assertThat(e.reason()).contains("only 10.0").endsWith("but was 14.4");
            });
    assertThat(
            builder
                .rules(rule("all-bad", 10, Duration.ofHours(1), Duration.ofMinutes(5), 0))
                .build()
                .rules())
        .hasSize(1);
  }

  @Test
  void theBucketMustBePositiveWholeMillisecondsAndAtMostADay() {
    assertThatThrownBy(() -> monitor().bucket(Duration.ZERO))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.reason()).isEqualTo("must be positive, but was PT0S"));
    assertThatThrownBy(() -> monitor().bucket(Duration.ofNanos(1_500_000)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo("must be a whole number of milliseconds, but was PT0.0015S"));
    assertThatThrownBy(() -> monitor().bucket(Duration.ofDays(2)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.reason()).isEqualTo("must be at most PT24H, but was PT48H"));
  }

  @Test
  void evaluateEveryNeedsAPositivePeriod() {
    SloMonitor monitor = monitor().build();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      assertThatThrownBy(() -> monitor.evaluateEvery(scheduler, Duration.ofSeconds(-1)))
          .isInstanceOfSatisfying(
              ValidationException.class,
              e -> {
                assertThat(e.field()).isEqualTo("period");
                assertThat(e.reason()).isEqualTo("must be positive, but was PT-1S");
              });
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void theDefaultsAreTheWorkbookRulesInMinuteBuckets() {
    SloMonitor monitor = SloMonitor.builder(AVAILABILITY).build();

    assertThat(monitor.slo()).isEqualTo(AVAILABILITY);
    assertThat(monitor.rules()).isEqualTo(BurnRateRule.sreWorkbookDefaults());
    assertThat(monitor.bucket())
        .isEqualTo(SloMonitor.DEFAULT_BUCKET)
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(monitor).hasToString("SloMonitor[checkout-availability, target 0.999, 4 rules]");
  }
}

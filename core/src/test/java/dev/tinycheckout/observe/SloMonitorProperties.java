package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The monitor's laws, each checked against a reference that scans the raw list of events by brute
 * force instead of keeping buckets:
 *
 * <ul>
 *   <li>for any events recorded in any order, an evaluation at or after the newest of them counts,
 *       in every window, exactly the events whose instants lie between the start of the bucket
 *       {@code window / bucket - 1} buckets before now's and the end of now's bucket, and derives
 *       the burn rates and firing flags from those counts;
 *   <li>over any run of recordings and evaluations, the alert listener hears exactly the changes of
 *       the reference's firing flags between consecutive evaluations: one {@code fired} when a rule
 *       starts firing, one {@code resolved} when it stops, nothing in between.
 * </ul>
 */
class SloMonitorProperties {
  private static final Instant BASE = Instant.parse("2026-11-25T00:00:00Z");

  /** One recorded event. */
  record Event(long epochMillis, boolean good) {}

  /** A monitor's configuration. */
  record Setup(ServiceLevelObjective slo, Duration bucket, List<BurnRateRule> rules) {
    SloMonitor.Builder builder() {
      return SloMonitor.builder(slo).bucket(bucket).rules(rules);
    }

    long longestMillis() {
      return rules.stream().mapToLong(r -> r.longWindow().toMillis()).max().orElseThrow();
    }
  }

  /** One step of a run: time passes, then some events are recorded and the monitor evaluates. */
  record Step(long advanceMillis, int good, int bad) {}

  // ---------------------------------------------------------------- the brute-force reference

  /** The status of a rule at {@code now}, from a scan over every event ever recorded. */
  static RuleStatus reference(Setup setup, BurnRateRule rule, List<Event> events, Instant now) {
    WindowStatus longWindow = referenceWindow(setup, rule.longWindow(), events, now);
    WindowStatus shortWindow = referenceWindow(setup, rule.shortWindow(), events, now);
    double atLeast = rule.threshold() * (1 - 1e-9);
    boolean firing =
        longWindow.burnRate() >= atLeast
            && shortWindow.burnRate() >= atLeast
            && longWindow.events() >= rule.minEvents();
    return new RuleStatus(rule, longWindow, shortWindow, firing);
  }

  private static WindowStatus referenceWindow(
      Setup setup, Duration window, List<Event> events, Instant now) {
    long width = setup.bucket().toMillis();
    long endOfNowsBucket = (Math.floorDiv(now.toEpochMilli(), width) + 1) * width;
    long start = endOfNowsBucket - window.toMillis();
    long total = 0;
    long bad = 0;
    for (Event e : events) {
      if (e.epochMillis() >= start && e.epochMillis() < endOfNowsBucket) {
        total++;
        if (!e.good()) {
          bad++;
        }
      }
    }
    double burnRate = total == 0 ? 0 : ((double) bad / total) / setup.slo().errorBudget();
    return new WindowStatus(window, total, bad, burnRate);
  }

  private static void assertMatches(RuleStatus actual, RuleStatus expected) {
    String rule = expected.rule().name();
    assertThat(actual.rule()).isEqualTo(expected.rule());
    for (int w = 0; w < 2; w++) {
      WindowStatus a = w == 0 ? actual.longWindow() : actual.shortWindow();
      WindowStatus e = w == 0 ? expected.longWindow() : expected.shortWindow();
      assertThat(a.window()).isEqualTo(e.window());
      assertThat(a.events()).as("%s events over %s", rule, e.window()).isEqualTo(e.events());
      assertThat(a.badEvents()).as("%s bad over %s", rule, e.window()).isEqualTo(e.badEvents());
      assertThat(a.burnRate())
          .as("%s burn rate over %s", rule, e.window())
          .isCloseTo(e.burnRate(), within(1e-9 * Math.max(1, e.burnRate())));
    }
    assertThat(actual.firing()).as("%s firing", rule).isEqualTo(expected.firing());
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<Setup> setups() {
    Arbitrary<ServiceLevelObjective> slos =
        Arbitraries.of(0.9, 0.95, 0.99, 0.999).map(t -> ServiceLevelObjective.of("slo", t));
    Arbitrary<Duration> buckets = Arbitraries.of(1L, 10L, 60L, 300L).map(Duration::ofSeconds);
    return slos.flatMap(
        slo ->
            buckets.flatMap(
                bucket ->
                    rule(slo, bucket)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(4)
                        .map(
                            rules ->
                                new Setup(
                                    slo,
                                    bucket,
                                    IntStream.range(0, rules.size())
                                        .mapToObj(i -> renamed(rules.get(i), "rule-" + i))
                                        .toList()))));
  }

  private static BurnRateRule renamed(BurnRateRule r, String name) {
    return new BurnRateRule(
        name, r.severity(), r.threshold(), r.longWindow(), r.shortWindow(), r.minEvents());
  }

  private static Arbitrary<BurnRateRule> rule(ServiceLevelObjective slo, Duration bucket) {
    double highest = 1 / slo.errorBudget();
    int mostBuckets = (int) Math.min(2000, BurnRateRule.MAX_WINDOW.toMillis() / bucket.toMillis());
    Arbitrary<Tuple.Tuple2<Integer, Integer>> windows =
        Arbitraries.integers()
            .between(1, mostBuckets)
            .flatMap(k -> Arbitraries.integers().between(1, k).map(s -> Tuple.of(k, s)));
    Arbitrary<Double> thresholds =
        Arbitraries.of(0.5, 1.0, 2.0, 3.0, 6.0, 14.4, 50.0, 1000.0).map(t -> Math.min(t, highest));
    return Combinators.combine(
            Arbitraries.of(AlertSeverity.class),
            thresholds,
            windows,
            Arbitraries.longs().between(0, 30))
        .as(
            (severity, threshold, w, minEvents) ->
                new BurnRateRule(
                    "r",
                    severity,
                    threshold,
                    bucket.multipliedBy(w.get1()),
                    bucket.multipliedBy(w.get2()),
                    minEvents));
  }

  /** Events at random instants over up to four days, in random order, with a random bad share. */
  @Provide
  Arbitrary<List<Event>> eventStreams() {
    Arbitrary<Long> spans =
        Arbitraries.of(
                Duration.ofMinutes(3),
                Duration.ofHours(1),
                Duration.ofHours(6),
                Duration.ofDays(1),
                Duration.ofDays(4))
            .map(Duration::toMillis);
    Arbitrary<Integer> badPerMille =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(0, 1, 10)), Tuple.of(2, Arbitraries.of(100, 500, 1000)));
    return Combinators.combine(spans, badPerMille)
        .flatAs(
            (span, bad) ->
                Combinators.combine(
                        Arbitraries.longs().between(0, span - 1),
                        Arbitraries.integers().between(0, 999))
                    .as((t, r) -> new Event(BASE.toEpochMilli() + t, r >= bad))
                    .list()
                    .ofMaxSize(300));
  }

  /** How long after the newest event to evaluate, in thousandths of twice the longest window. */
  @Provide
  Arbitrary<Integer> laterPerMille() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(3, Arbitraries.integers().between(0, 100)),
        Tuple.of(2, Arbitraries.integers().between(0, 1000)));
  }

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Long> advances =
        Arbitraries.frequencyOf(
            Tuple.of(5, Arbitraries.longs().between(0, 120_000)),
            Tuple.of(3, Arbitraries.longs().between(0, 3_600_000)),
            Tuple.of(1, Arbitraries.longs().between(0, 2 * 86_400_000L)));
    Arbitrary<Integer> bad =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(1, 20)));
    return Combinators.combine(advances, Arbitraries.integers().between(0, 20), bad)
        .as(Step::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(50);
  }

  // ---------------------------------------------------------------- the laws

  /**
   * Law: at any instant not before the newest event, every window's counts, burn rate and firing
   * flag equal the brute-force reference's, whatever the order the events were recorded in.
   */
  @Property(tries = 1000)
  void evaluationMatchesABruteForceScanOfTheRawEvents(
      @ForAll("setups") Setup setup,
      @ForAll("eventStreams") List<Event> events,
      @ForAll @LongRange(min = 0, max = 86_400_000) long shift,
      @ForAll("laterPerMille") int laterPerMille) {
    List<Event> shifted =
        events.stream().map(e -> new Event(e.epochMillis() + shift, e.good())).toList();
    SloMonitor monitor = setup.builder().clock(Clock.fixed(BASE, ZoneOffset.UTC)).build();
    for (Event e : shifted) {
      monitor.record(Instant.ofEpochMilli(e.epochMillis()), e.good());
    }
    long newest =
        shifted.stream().mapToLong(Event::epochMillis).max().orElse(BASE.toEpochMilli() + shift);
    Instant now = Instant.ofEpochMilli(newest + 2 * setup.longestMillis() * laterPerMille / 1000);

    SloStatus status = monitor.evaluate(now);

    assertThat(status.at()).isEqualTo(now);
    assertThat(status.rules()).hasSameSizeAs(setup.rules());
    boolean anyFiring = false;
    boolean anyCounted = false;
    for (int i = 0; i < setup.rules().size(); i++) {
      RuleStatus expected = reference(setup, setup.rules().get(i), shifted, now);
      assertMatches(status.rules().get(i), expected);
      anyFiring |= expected.firing();
      anyCounted |= expected.longWindow().events() > 0;
    }
    Statistics.label("a rule fires").collect(anyFiring);
    Statistics.label("a window holds events").collect(anyCounted);
    Statistics.label("a rule fires").coverage(c -> c.check(true).percentage(p -> p > 10));
    Statistics.label("a rule fires").coverage(c -> c.check(false).percentage(p -> p > 10));
    Statistics.label("a window holds events").coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  /**
   * Law: the listener hears exactly the changes of the reference's firing flags from one evaluation
   * to the next, in rule order, each with the reference's burn rates: once when a rule starts
   * firing and once when it stops, however many events arrive in between.
   */
  @Property(tries = 300)
  void theListenerHearsExactlyTheFiringChangesOfTheReference(
      @ForAll("setups") Setup setup, @ForAll("runs") List<Step> steps) {
    ManualClock clock = new ManualClock(BASE);
    RecordingListener listener = new RecordingListener();
    SloMonitor monitor = setup.builder().clock(clock).listener(listener).build();
    List<Event> events = new ArrayList<>();
    boolean[] firing = new boolean[setup.rules().size()];
    List<String> expected = new ArrayList<>();
    List<RuleStatus> expectedStatuses = new ArrayList<>();

    for (Step step : steps) {
      clock.advance(Duration.ofMillis(step.advanceMillis()));
      Instant now = clock.instant();
      for (int i = 0; i < step.good() + step.bad(); i++) {
        boolean good = i >= step.bad();
        monitor.record(good);
        events.add(new Event(now.toEpochMilli(), good));
      }
      monitor.evaluate();
      for (int r = 0; r < firing.length; r++) {
        RuleStatus reference = reference(setup, setup.rules().get(r), events, now);
        if (reference.firing() != firing[r]) {
          firing[r] = reference.firing();
          expected.add((firing[r] ? "fired " : "resolved ") + reference.rule().name() + " " + now);
          expectedStatuses.add(reference);
        }
      }
    }

    assertThat(listener.changes)
        .extracting(c -> (c.fired() ? "fired " : "resolved ") + c.rule() + " " + c.event().at())
        .containsExactlyElementsOf(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertMatches(listener.changes.get(i).event().status(), expectedStatuses.get(i));
    }
    Statistics.label("fired").collect(!listener.fired().isEmpty());
    Statistics.label("resolved").collect(!listener.resolved().isEmpty());
    Statistics.label("fired").coverage(c -> c.check(true).percentage(p -> p > 10));
    Statistics.label("resolved").coverage(c -> c.check(true).percentage(p -> p > 5));
  }
}

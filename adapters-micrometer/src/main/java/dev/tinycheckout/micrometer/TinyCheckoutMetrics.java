package dev.tinycheckout.micrometer;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.observe.BurnRateRule;
import dev.tinycheckout.observe.RuleStatus;
import dev.tinycheckout.observe.ServiceLevelObjective;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.observe.SloStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Binds the state of tinycheckout's core parts (the fulfilment backlog, service-level objectives)
 * to a Micrometer registry as gauges and function counters; {@link HttpMetrics} binds the HTTP
 * adapter's product cache and fraud guard. Both are read when the registry is scraped. Each binder
 * registers its meters once; binding the same part twice leaves the first meters in place
 * (Micrometer returns the existing meter of an id).
 *
 * <p>Every meter holds what it reads strongly, so it keeps reporting for as long as the registry
 * holds it, even if the caller dropped its own reference (Micrometer's gauges otherwise hold weak
 * references and silently turn to {@code NaN}). Names are given in Micrometer's dotted form; the
 * Prometheus name follows in brackets.
 *
 * <table>
 *   <caption>Meters of the binders</caption>
 *   <tr><th>Binder</th><th>Name</th><th>Type</th><th>Tags</th><th>Value</th></tr>
 *   <tr><td rowspan="3">{@link #bindFulfilmentBacklog}</td><td>{@value #OUTBOX_PENDING} ({@code
 *       tinycheckout_outbox_pending})</td><td>gauge</td><td>none</td><td>deliveries not yet done
 *       nor dead</td></tr>
 *   <tr><td>{@value #OUTBOX_OLDEST_AGE} ({@code
 *       tinycheckout_outbox_oldest_age_seconds})</td><td>gauge, seconds</td><td>none</td><td>how
 *       long ago the oldest pending delivery's event was written; 0 when nothing is
 *       pending</td></tr>
 *   <tr><td>{@value #DEAD_LETTERS} ({@code
 *       tinycheckout_fulfilment_dead_letters})</td><td>gauge</td><td>none</td><td>dead letters
 *       waiting for a replay</td></tr>
 *   <tr><td rowspan="3">{@link #bindSloMonitor}</td><td>{@value #SLO_ALERT_FIRING} ({@code
 *       tinycheckout_slo_alert_firing})</td><td>gauge</td><td>{@code objective}, {@code rule},
 *       {@code severity} ({@code page} or {@code ticket})</td><td>1 while the rule fires, else
 *       0</td></tr>
 *   <tr><td>{@value #SLO_BURN_RATE} ({@code tinycheckout_slo_burn_rate})</td><td>gauge</td>
 *       <td>{@code objective}, {@code rule}, {@code window} ({@code long} or {@code
 *       short})</td><td>the window's burn rate: 1 spends the error budget exactly as fast as
 *       allowed</td></tr>
 *   <tr><td>{@value #SLO_TARGET} ({@code tinycheckout_slo_target})</td><td>gauge</td><td>{@code
 *       objective}</td><td>the share of events that must be good, such as 0.999</td></tr>
 * </table>
 *
 * <p>The binders are static and thread-safe; the meters they register may be read from any thread.
 */
public final class TinyCheckoutMetrics {

  /** The gauge of pending deliveries. */
  public static final String OUTBOX_PENDING = "tinycheckout.outbox.pending";

  /** The gauge of the oldest pending delivery's age, in seconds. */
  public static final String OUTBOX_OLDEST_AGE = "tinycheckout.outbox.oldest.age";

  /** The gauge of dead letters. */
  public static final String DEAD_LETTERS = "tinycheckout.fulfilment.dead.letters";

  /** The gauge that is 1 while a burn-rate rule fires. */
  public static final String SLO_ALERT_FIRING = "tinycheckout.slo.alert.firing";

  /** The gauge of a burn-rate rule's window's burn rate. */
  public static final String SLO_BURN_RATE = "tinycheckout.slo.burn.rate";

  /** The gauge of an objective's target. */
  public static final String SLO_TARGET = "tinycheckout.slo.target";

  private TinyCheckoutMetrics() {}

  /**
   * Registers the fulfilment backlog gauges {@value #OUTBOX_PENDING}, {@value #OUTBOX_OLDEST_AGE}
   * and {@value #DEAD_LETTERS}. Reading the backlog is a storage query, so the supplier is called
   * at most once per {@code refresh}, from the scrape that finds the last reading older than that;
   * the three gauges share the reading. If the supplier throws, the gauges keep the last good
   * reading and the failure is logged at WARN, at most once a minute. Before the first good
   * reading, the gauges are {@code NaN}. The age is measured from the oldest pending event's
   * creation to the clock's instant at the scrape.
   *
   * @param registry the registry
   * @param backlog reads the backlog, such as {@code dispatcher::backlog}; called on a scrape
   *     thread
   * @param clock the clock that times the refresh and the age, normally {@link Clock#systemUTC()}
   * @param refresh the least time between two reads, positive, such as 15 seconds
   * @throws ValidationException if refresh is not positive
   * @throws NullPointerException if an argument is null
   */
  public static void bindFulfilmentBacklog(
      MeterRegistry registry, Supplier<DeliveryBacklog> backlog, Clock clock, Duration refresh) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(refresh, "refresh");
    if (refresh.isNegative() || refresh.isZero()) {
      throw new ValidationException("refresh", "must be positive, but was " + refresh);
    }
    BacklogReader reader = new BacklogReader(backlog, clock, refresh);
    Gauge.builder(OUTBOX_PENDING, reader, BacklogReader::pending)
        .description("Fulfilment deliveries not yet done nor dead")
        .strongReference(true)
        .register(registry);
    Gauge.builder(OUTBOX_OLDEST_AGE, reader, BacklogReader::oldestAgeSeconds)
        .description("Age of the oldest pending fulfilment delivery; 0 when none is pending")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder(DEAD_LETTERS, reader, BacklogReader::dead)
        .description("Fulfilment deliveries dead-lettered and waiting for a replay")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Registers an objective's meters, read from {@link SloMonitor#lastStatus()} (a scrape never
   * evaluates; evaluate on a timer with {@link SloMonitor#evaluateEvery}): per rule {@value
   * #SLO_ALERT_FIRING} tagged {@code objective}, {@code rule} and {@code severity}, and {@value
   * #SLO_BURN_RATE} tagged {@code objective}, {@code rule} and {@code window}, and per objective
   * {@value #SLO_TARGET}.
   *
   * @param registry the registry
   * @param monitor the monitor
   * @throws NullPointerException if an argument is null
   */
  public static void bindSloMonitor(MeterRegistry registry, SloMonitor monitor) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(monitor, "monitor");
    ServiceLevelObjective slo = monitor.slo();
    List<BurnRateRule> rules = monitor.rules();
    for (int i = 0; i < rules.size(); i++) {
      BurnRateRule rule = rules.get(i);
      int at = i;
      Gauge.builder(
              SLO_ALERT_FIRING,
              monitor,
              m -> ruleStatus(m.lastStatus(), at, rule, s -> s.firing() ? 1 : 0))
          .description("1 while a burn-rate alert of a service level objective fires, else 0")
          .tags(
              "objective",
              slo.name(),
              "rule",
              rule.name(),
              "severity",
              rule.severity().name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              SLO_BURN_RATE,
              monitor,
              m -> ruleStatus(m.lastStatus(), at, rule, s -> s.longWindow().burnRate()))
          .description("Error budget burn rate of a burn-rate rule's window at the last evaluation")
          .tags("objective", slo.name(), "rule", rule.name(), "window", "long")
          .strongReference(true)
          .register(registry);
      Gauge.builder(
              SLO_BURN_RATE,
              monitor,
              m -> ruleStatus(m.lastStatus(), at, rule, s -> s.shortWindow().burnRate()))
          .description("Error budget burn rate of a burn-rate rule's window at the last evaluation")
          .tags("objective", slo.name(), "rule", rule.name(), "window", "short")
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder(SLO_TARGET, monitor, m -> m.slo().target())
        .description("Share of events a service level objective requires to be good")
        .tags("objective", slo.name())
        .strongReference(true)
        .register(registry);
  }

  private static double ruleStatus(
      SloStatus status, int at, BurnRateRule rule, ToDoubleFunction<RuleStatus> value) {
    List<RuleStatus> rules = status.rules();
    if (at < rules.size() && rules.get(at).rule().equals(rule)) {
      return value.applyAsDouble(rules.get(at));
    }
    return status.rule(rule.name()).map(value::applyAsDouble).orElse(Double.NaN);
  }
}

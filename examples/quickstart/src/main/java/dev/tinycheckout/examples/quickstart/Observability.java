package dev.tinycheckout.examples.quickstart;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the quickstart watches its service level objectives: the clock its SLO monitors count and
 * evaluate by, how often a timer evaluates them, and the latency objective's threshold. Not a
 * command-line option: the quickstart always runs with {@link #defaults()}; tests start it with a
 * clock they advance by hand and no timer, and evaluate with {@link Quickstart#evaluateSlos()}.
 *
 * @param clock the SLO monitors' clock: when they record events and where their windows end
 * @param evaluationPeriod the delay between two timed evaluations, or {@link Duration#ZERO} for no
 *     timer (then only {@link Quickstart#evaluateSlos()} evaluates)
 * @param latencyThreshold the longest checkout that still counts as fast for the {@value
 *     #LATENCY_OBJECTIVE} objective; positive
 */
record Observability(Clock clock, Duration evaluationPeriod, Duration latencyThreshold) {
  /** The availability objective's name: 99.9% of checkouts end without a server-side failure. */
  static final String AVAILABILITY_OBJECTIVE = "checkout-availability";

  /** The latency objective's name: 99% of checkouts end within the threshold. */
  static final String LATENCY_OBJECTIVE = "checkout-latency";

  static final double AVAILABILITY_TARGET = 0.999;
  static final double LATENCY_TARGET = 0.99;

  /** Within the 10 to 60 seconds that suit the workbook's rules. */
  static final Duration DEFAULT_EVALUATION_PERIOD = Duration.ofSeconds(15);

  static final Duration DEFAULT_LATENCY_THRESHOLD = Duration.ofMillis(300);

  Observability {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(evaluationPeriod, "evaluationPeriod");
    Objects.requireNonNull(latencyThreshold, "latencyThreshold");
    if (evaluationPeriod.isNegative()) {
      throw new IllegalArgumentException(
          "evaluationPeriod must be zero (no timer) or positive, but was " + evaluationPeriod);
    }
    if (latencyThreshold.isNegative() || latencyThreshold.isZero()) {
      throw new IllegalArgumentException(
          "latencyThreshold must be positive, but was " + latencyThreshold);
    }
  }

  /**
   * What the quickstart runs with: the UTC system clock, an evaluation every 15 seconds, and
   * checkouts within 300 ms counting as fast.
   */
  static Observability defaults() {
    return new Observability(
        Clock.systemUTC(), DEFAULT_EVALUATION_PERIOD, DEFAULT_LATENCY_THRESHOLD);
  }

  /** Whether a timer evaluates the objectives. */
  boolean timed() {
    return !evaluationPeriod.isZero();
  }
}

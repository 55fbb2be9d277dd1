package dev.tinycheckout.micrometer;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helpers for reading meters. */
final class Meters {
  private Meters() {}

  /**
   * A simple registry on a clock that never moves, so the time-windowed histograms never rotate
   * during a test, however slow the machine.
   */
  static SimpleMeterRegistry registry() {
    return new SimpleMeterRegistry(SimpleConfig.DEFAULT, new MockClock());
  }

  /** The timer's cumulative bucket counts by upper bound in milliseconds, ascending. */
  static Map<Double, Double> buckets(Timer timer) {
    Map<Double, Double> counts = new LinkedHashMap<>();
    for (CountAtBucket c : timer.takeSnapshot().histogramCounts()) {
      counts.put(c.bucket(TimeUnit.MILLISECONDS), c.count());
    }
    return counts;
  }
}

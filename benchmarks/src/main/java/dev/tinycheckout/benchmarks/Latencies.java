package dev.tinycheckout.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * The latencies of one thread's requests in one window, in nanoseconds, kept whole and sorted at
 * the end: a few million longs at most, so exact percentiles cost no extra dependency (HdrHistogram
 * is not on the classpath). Not thread-safe: one per driving thread, merged after the window.
 * Shared by the HTTP load and the observability benchmarks.
 */
public final class Latencies {
  private long[] samples = new long[1 << 14];
  private int size;

  /** An empty recorder. */
  public Latencies() {}

  /**
   * Records one latency.
   *
   * @param nanos the latency
   */
  public void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  /**
   * All samples of several recorders, or of several sorted arrays, sorted.
   *
   * @param parts the recorders
   * @return the sorted samples
   */
  public static long[] sorted(Iterable<Latencies> parts) {
    long total = 0;
    for (Latencies part : parts) {
      total += part.size;
    }
    long[] all = new long[Math.toIntExact(total)];
    int at = 0;
    for (Latencies part : parts) {
      System.arraycopy(part.samples, 0, all, at, part.size);
      at += part.size;
    }
    Arrays.sort(all);
    return all;
  }

  /**
   * Several sorted arrays merged into one sorted array.
   *
   * @param parts sorted arrays
   * @return all their samples, sorted
   */
  public static long[] merged(List<long[]> parts) {
    long total = 0;
    for (long[] part : parts) {
      total += part.length;
    }
    long[] all = new long[Math.toIntExact(total)];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    Arrays.sort(all);
    return all;
  }

  /**
   * The nearest-rank percentile of sorted samples.
   *
   * @param sorted the samples, ascending
   * @param percent the percentile, 0 to 100
   * @return the sample at that rank, or 0 when there is none
   */
  public static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}

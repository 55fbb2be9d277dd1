package dev.tinycheckout.benchmarks.http;

import java.util.Arrays;

/**
 * The latencies of one thread's requests, in nanoseconds, kept whole and sorted at the end: a few
 * million longs at most, so exact percentiles cost no extra dependency. Not thread-safe: one per
 * sending thread, merged after the run.
 */
final class Latencies {
  private long[] samples = new long[1 << 14];
  private int size;

  void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  int size() {
    return size;
  }

  /**
   * All samples of several recorders, sorted.
   *
   * @param parts the recorders
   * @return the sorted samples
   */
  static long[] sorted(Iterable<Latencies> parts) {
    int total = 0;
    for (Latencies part : parts) {
      total += part.size;
    }
    long[] all = new long[total];
    int at = 0;
    for (Latencies part : parts) {
      System.arraycopy(part.samples, 0, all, at, part.size);
      at += part.size;
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
  static long percentile(long[] sorted, double percent) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}

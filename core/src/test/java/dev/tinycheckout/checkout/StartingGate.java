package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Races for the concurrency properties: calls released together, and random pauses. */
final class StartingGate {
  private StartingGate() {}

  /** Runs the calls on a pool of the given size, all released at once; fails on a hang. */
  static <T> List<T> runTogether(int threads, List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> call : calls) {
        futures.add(
            pool.submit(
                () -> {
                  if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the start gate never opened");
                  }
                  return call.call();
                }));
      }
      gate.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("threads stopped").isTrue();
    }
  }

  /** Yields, or parks up to {@code maxMillis} milliseconds, at random. */
  static void pause(int maxMillis) {
    int choice = ThreadLocalRandom.current().nextInt(maxMillis + 2);
    if (choice == 0) {
      Thread.yield();
    } else if (choice > 1) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(choice - 1));
    }
  }
}

package dev.tinycheckout.http.jdk;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The executor the JDK server hands each exchange to: the workers, a small overflow pool that
 * answers 503 when the workers refuse an exchange, and a count of the exchanges not yet finished.
 *
 * <p>The JDK server calls {@link #execute} from its single dispatcher thread, before the request
 * line is read. A worker pool that is full throws {@link RejectedExecutionException}; the exchange
 * then runs on the overflow pool, where {@link JdkHttpHandler} sees {@link #overloaded()} and
 * answers 503 with {@code Retry-After} at once, without calling the API or reading the body. When
 * the overflow pool is full too, the rejection reaches the JDK server, which closes the connection
 * without an answer.
 */
final class MountExecutor implements Executor {
  private static final ThreadLocal<Boolean> OVERLOADED = ThreadLocal.withInitial(() -> false);

  private final Executor workers;
  private final @Nullable ExecutorService ownedWorkers;
  private final ExecutorService overflow;
  private final AtomicInteger inFlight = new AtomicInteger();

  MountExecutor(
      Executor workers, @Nullable ExecutorService ownedWorkers, ExecutorService overflow) {
    this.workers = workers;
    this.ownedWorkers = ownedWorkers;
    this.overflow = overflow;
  }

  /** Whether the current thread answers an exchange that the workers refused. */
  static boolean overloaded() {
    return OVERLOADED.get();
  }

  @Override
  public void execute(Runnable exchange) {
    inFlight.incrementAndGet();
    try {
      workers.execute(counted(exchange));
    } catch (RejectedExecutionException full) {
      try {
        overflow.execute(
            counted(
                () -> {
                  OVERLOADED.set(true);
                  try {
                    exchange.run();
                  } finally {
                    OVERLOADED.remove();
                  }
                }));
      } catch (RejectedExecutionException alsoFull) {
        inFlight.decrementAndGet();
        throw alsoFull;
      }
    }
  }

  private Runnable counted(Runnable exchange) {
    return () -> {
      try {
        exchange.run();
      } finally {
        inFlight.decrementAndGet();
      }
    };
  }

  /** The exchanges handed over and not finished: queued, running, or answering 503. */
  int inFlight() {
    return inFlight.get();
  }

  /** Stops the pools this mount created; an executor the user supplied is left running. */
  void shutdown(Duration wait) throws InterruptedException {
    overflow.shutdown();
    if (ownedWorkers != null) {
      ownedWorkers.shutdown();
      if (!ownedWorkers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        ownedWorkers.shutdownNow();
      }
    }
    if (!overflow.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      overflow.shutdownNow();
    }
  }
}

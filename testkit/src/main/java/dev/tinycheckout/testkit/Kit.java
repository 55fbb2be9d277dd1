package dev.tinycheckout.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderLine;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/** Fixtures and the concurrency harness the contracts share. */
final class Kit {
  /**
   * The time the contracts start at. Every instant a contract stores has microsecond precision, the
   * finest that common SQL databases keep.
   */
  static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123456Z");

  /** The longest a concurrency test may take before it fails as hung. */
  static final Duration RACE_TIMEOUT = Duration.ofSeconds(10);

  /** How often a unit of work in a race is tried when the storage reports a retryable failure. */
  private static final int ATTEMPTS = 20;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private Kit() {}

  /**
   * Runs a unit of work, trying it again when the storage fails transiently, as {@link
   * CheckoutStorage} allows (a deadlock victim, a serialization failure).
   */
  static <T> T inTransactionRetrying(CheckoutStorage storage, UnitOfWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storage.inTransaction(work);
      } catch (StorageException e) {
        if (!e.isRetryable() || attempt >= ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(1, 3L * attempt + 2));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** What one task of a race did: returned a value or threw. */
  record Outcome<T>(Optional<T> value, Optional<Throwable> failure) {
    static <T> Outcome<T> returned(T value) {
      return new Outcome<>(Optional.of(value), Optional.empty());
    }

    static <T> Outcome<T> threw(Throwable failure) {
      return new Outcome<>(Optional.empty(), Optional.of(failure));
    }

    boolean returned() {
      return value.isPresent();
    }

    T get() {
      return value.orElseThrow(() -> new AssertionError("the task threw", failure.orElse(null)));
    }
  }

  /**
   * Runs {@code tasks} tasks on {@code threads} real threads that all wait at a start gate, so the
   * tasks collide as much as the machine allows; returns every task's outcome by task index.
   *
   * @throws AssertionError if the race does not finish within {@link #RACE_TIMEOUT}
   */
  static <T> List<Outcome<T>> race(int threads, int tasks, IntFunction<T> task) {
    return race(threads, tasks, RACE_TIMEOUT, task);
  }

  /** As {@link #race(int, int, IntFunction)}, with another time limit for long races. */
  static <T> List<Outcome<T>> race(int threads, int tasks, Duration timeout, IntFunction<T> task) {
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "tinycheckout-testkit-race-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger next = new AtomicInteger();
    AtomicReferenceArray<Outcome<T>> outcomes = new AtomicReferenceArray<>(tasks);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              ready.countDown();
              try {
                start.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                outcomes.set(i, attempt(task, i));
              }
            });
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      assertThat(ready.await(timeout.toNanos(), TimeUnit.NANOSECONDS))
          .as("all %d threads reached the start gate", threads)
          .isTrue();
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS))
          .as(
              "%d concurrent tasks finished within %s (a hang means a deadlock or a lost wake-up)",
              tasks, timeout)
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the race", e);
    } finally {
      pool.shutdownNow();
    }
    List<Outcome<T>> result = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      Outcome<T> outcome = outcomes.get(i);
      assertThat(outcome).as("outcome of task %d", i).isNotNull();
      result.add(outcome);
    }
    return result;
  }

  private static <T> Outcome<T> attempt(IntFunction<T> task, int index) {
    try {
      return Outcome.returned(task.apply(index));
    } catch (RuntimeException | Error e) {
      return Outcome.threw(e);
    }
  }

  /** Asserts that no task threw, and returns the values. */
  static <T> List<T> values(List<Outcome<T>> outcomes) {
    List<T> values = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome<T> o = outcomes.get(i);
      if (o.failure().isPresent()) {
        throw new AssertionError("concurrent task " + i + " threw", o.failure().get());
      }
      values.add(o.get());
    }
    return values;
  }

  // ---- fixtures ---------------------------------------------------------------------------------

  /** A reproducible order id for the given seed, timed at {@link #T0}. */
  static OrderId orderId(long seed) {
    return OrderId.generate(Clock.fixed(T0, ZoneOffset.UTC), new SplittableRandom(seed));
  }

  /** An order awaiting payment with two lines, not in SKU order, created at {@code at}. */
  static Order order(OrderId id, Instant at) {
    return Order.create(
        id,
        List.of(
            OrderLine.of(Sku.of("mug"), 3, Money.of(1250, "EUR")),
            OrderLine.of(Sku.of("book"), 1, Money.of(3999, "EUR"))),
        Email.of("Ann.Smith+shop@Example.org"),
        at);
  }

  static RequestFingerprint fingerprint(String seed) {
    return RequestFingerprint.of("testkit", seed);
  }

  /** An in-progress record claimed at {@code at}, leased for 30 s and kept for 24 h. */
  static IdempotencyRecord claim(IdempotencyKey key, String request, Instant at) {
    return IdempotencyRecord.claimed(
        key, fingerprint(request), 1, at, at.plusSeconds(30), at.plus(Duration.ofHours(24)));
  }

  /** A stored answer with binary body bytes and headers in mixed case. */
  static StoredResponse response(int status, String location) {
    byte[] body = {'{', '"', 0, (byte) 0xff, (byte) 0xc3, (byte) 0xa9, '\n', '}'};
    return new StoredResponse(
        status, Map.of("Content-Type", "application/json", "Location", location), body);
  }

  /** A pseudonymous subject the consent contracts use. */
  static final SubjectId SUBJECT = SubjectId.of("5a".repeat(32));

  /** Another subject. */
  static final SubjectId OTHER_SUBJECT = SubjectId.of("0b".repeat(32));

  /** A draft of {@link #SUBJECT}, granted, with a sealed-looking payload. */
  static ConsentDraft draft(OrderId orderId, ConsentPurpose purpose, Instant at) {
    return draft(SUBJECT, ConsentAction.GRANTED, orderId, purpose, at);
  }

  static ConsentDraft draft(
      SubjectId subject,
      ConsentAction action,
      OrderId orderId,
      ConsentPurpose purpose,
      Instant at) {
    return new ConsentDraft(
        subject,
        action,
        purpose,
        "2026-11-01",
        ConsentHash.sha256("Terms of sale.".getBytes(StandardCharsets.UTF_8)),
        "checkout",
        orderId,
        at,
        "bm9uY2Utbm9uY2UtY2lwaGVydGV4dC10YWc=");
  }
}

package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Laws of the checkout signals: under any interleaving of duplicate requests every attempt is
 * signalled once, and each key has exactly one first outcome; and the classification of signals
 * into server errors, client errors and the rest.
 */
class CheckoutSignalPropertiesTest {
  private static final String TERMS = "v1";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Set<CheckoutSignal> SERVER_ERRORS =
      EnumSet.of(CheckoutSignal.PAYMENT_UNAVAILABLE, CheckoutSignal.FAILED);
  private static final Set<CheckoutSignal> CLIENT_ERRORS =
      EnumSet.of(
          CheckoutSignal.IN_PROGRESS,
          CheckoutSignal.KEY_REUSED,
          CheckoutSignal.REJECTED,
          CheckoutSignal.THROTTLED);

  /** Which key the current thread is sending: the observer hears no key, the test tags it. */
  private static final ThreadLocal<String> SENDING = new ThreadLocal<>();

  /** Keeps each signal under the key its thread was sending. */
  private static final class PerKeyObserver implements CheckoutObserver {
    final Map<String, List<CheckoutSignal>> checkouts = new ConcurrentHashMap<>();
    final Map<String, List<PaymentSignal>> payments = new ConcurrentHashMap<>();

    private static String current() {
      String key = SENDING.get();
      return key == null ? "<untagged thread " + Thread.currentThread().getName() + ">" : key;
    }

    @Override
    public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
      checkouts.computeIfAbsent(current(), k -> new CopyOnWriteArrayList<>()).add(signal);
    }

    @Override
    public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
      payments.computeIfAbsent(current(), k -> new CopyOnWriteArrayList<>()).add(signal);
    }
  }

  /** One request to send: its key, its payment token. */
  private record Send(String key, String token) {}

  /** What came back to one sender. */
  private record Answer(
      String key, boolean inProgress, CheckoutOutcome outcome, boolean replayed) {}

  @Provide
  Arbitrary<List<Integer>> copiesPerKey() {
    return Arbitraries.integers().between(1, 4).list().ofMinSize(1).ofMaxSize(8);
  }

  /**
   * Law: when N keys are each sent 1 to 4 times from concurrent threads, the observer hears one
   * checkoutCompleted per request; per key exactly one PAID or DECLINED (matching the token), every
   * other one REPLAYED or IN_PROGRESS; and one paymentCompleted per key.
   */
  @Property(tries = 30)
  void everyRequestIsSignalledOnceAndEachKeyHasExactlyOneFirstOutcome(
      @ForAll("copiesPerKey") List<Integer> copies,
      @ForAll @IntRange(min = 2, max = 8) int threads,
      @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 1_000, T0));
    TestPaymentGateway provider = new TestPaymentGateway();
    PaymentGateway jittery =
        request -> {
          // A short, random pause in the provider call: duplicates land while it runs, or after.
          LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
          return provider.charge(request);
        };
    PerKeyObserver observer = new PerKeyObserver();
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(jittery)
            .terms(TERMS, "Terms of sale.")
            .consentAudit(ConsentAudit.builder(storage).subjectSecret(new byte[32]).build())
            .observer(observer)
            .build();

    Map<String, String> tokens = new java.util.HashMap<>();
    List<Send> sends = new ArrayList<>();
    for (int k = 0; k < copies.size(); k++) {
      String key = "key-" + k;
      String token = random.nextBoolean() ? TestPaymentGateway.APPROVE : TestPaymentGateway.DECLINE;
      tokens.put(key, token);
      for (int c = 0; c < copies.get(k); c++) {
        sends.add(new Send(key, token));
      }
    }
    Collections.shuffle(sends, random);

    List<Answer> answers = runTogether(threads, sends, checkout);

    int requests = sends.size();
    assertThat(answers).hasSize(requests);
    assertThat(observer.checkouts.values().stream().mapToInt(List::size).sum())
        .as("one checkoutCompleted per request")
        .isEqualTo(requests);
    assertThat(observer.checkouts.keySet()).isEqualTo(tokens.keySet());
    for (Map.Entry<String, String> e : tokens.entrySet()) {
      String key = e.getKey();
      CheckoutSignal expectedFirst =
          e.getValue().equals(TestPaymentGateway.APPROVE)
              ? CheckoutSignal.PAID
              : CheckoutSignal.DECLINED;
      List<CheckoutSignal> heard = observer.checkouts.get(key);
      assertThat(heard).as(key).filteredOn(s -> s == expectedFirst).hasSize(1);
      assertThat(heard)
          .as(key)
          .filteredOn(s -> s != expectedFirst)
          .isSubsetOf(CheckoutSignal.REPLAYED, CheckoutSignal.IN_PROGRESS);
      // The signals agree with what the senders of this key got back.
      List<Answer> got = answers.stream().filter(a -> a.key().equals(key)).toList();
      assertThat(heard).as(key).hasSameSizeAs(got);
      assertThat(heard.stream().filter(s -> s == CheckoutSignal.IN_PROGRESS).count())
          .isEqualTo(got.stream().filter(Answer::inProgress).count());
      assertThat(heard.stream().filter(s -> s == CheckoutSignal.REPLAYED).count())
          .isEqualTo(got.stream().filter(Answer::replayed).count());
      assertThat(observer.payments.get(key))
          .as("one payment call for %s", key)
          .containsExactly(
              expectedFirst == CheckoutSignal.PAID
                  ? PaymentSignal.APPROVED
                  : PaymentSignal.DECLINED);
    }
    assertThat(observer.payments.values().stream().mapToInt(List::size).sum())
        .isEqualTo(tokens.size());
  }

  private static List<Answer> runTogether(int threads, List<Send> sends, Checkout checkout)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<Answer>> futures = new ArrayList<>();
      for (Send send : sends) {
        Callable<Answer> call =
            () -> {
              if (!gate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the start gate never opened");
              }
              SENDING.set(send.key());
              try {
                CheckoutResult r =
                    checkout.placeOrder(IdempotencyKey.of(send.key()), request(send));
                return new Answer(send.key(), false, r.outcome(), r.replayed());
              } catch (IdempotencyKeyInUseException e) {
                return new Answer(send.key(), true, CheckoutOutcome.PLACED, false);
              } finally {
                SENDING.remove();
              }
            };
        futures.add(pool.submit(call));
      }
      gate.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> f : futures) {
        answers.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("threads stopped").isTrue();
    }
  }

  private static CheckoutRequest request(Send send) {
    return CheckoutRequest.builder()
        .item("apple", 1)
        .email(send.key() + "@example.com")
        .acceptedTerms(TERMS)
        .paymentToken(send.token())
        .build();
  }

  /**
   * Law: no signal is both a server error and a client error; the server errors are exactly
   * PAYMENT_UNAVAILABLE and FAILED, the client errors exactly IN_PROGRESS, KEY_REUSED, REJECTED and
   * THROTTLED, as the Javadoc says; every other signal is neither.
   */
  @Property
  void serverAndClientErrorsAreDisjointAndAsDocumented(@ForAll CheckoutSignal signal) {
    assertThat(signal.isServerError() && signal.isClientError()).isFalse();
    assertThat(signal.isServerError()).isEqualTo(SERVER_ERRORS.contains(signal));
    assertThat(signal.isClientError()).isEqualTo(CLIENT_ERRORS.contains(signal));
  }

  /** Law: a signal's label is its name in lower case, so labels are as bounded as the enum. */
  @Property
  void theLabelIsTheLowerCaseName(@ForAll CheckoutSignal signal) {
    assertThat(signal.label()).isEqualTo(signal.name().toLowerCase(java.util.Locale.ROOT));
    assertThat(CheckoutSignal.values()).hasSize(10);
  }
}

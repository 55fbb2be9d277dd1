package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.cache.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The acceptance scenario, in process: a few addresses cycle through hundreds of stolen cards,
 * mostly declined, while honest buyers (each from an address of their own, mostly paid, a few
 * declined once and then paying with another card) keep checking out.
 */
class CardTestingAttackTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final List<String> ATTACKERS =
      List.of("198.51.100.23", "198.51.100.24", "2001:db8:bad:1::17");
  private static final int CARDS_PER_ATTACKER = 300;

  private final MutableClock clock = new MutableClock(T0);
  private final RecordingListener listener = new RecordingListener();

  @Test
  void attackersAreThrottledWithinTheWindowAndHonestBuyersNeverAre() {
    FraudGuard guard =
        FraudGuard.builder().clock(clock).listener(listener).executor(Runnable::run).build();
    Random random = new Random(7);
    Map<String, Integer> admitted = new HashMap<>();
    Map<String, Integer> refused = new HashMap<>();
    Map<String, Integer> paid = new HashMap<>();
    Map<String, Duration> firstRefusedAfter = new HashMap<>();
    List<String> honestRefused = new ArrayList<>();
    int honest = 0;

    // Ten minutes: every second each attacker tries its next card (hundreds each), and an honest
    // buyer arrives every other second.
    for (int second = 0; second < CARDS_PER_ATTACKER * 2; second++) {
      for (String ip : ATTACKERS) {
        int card = second % CARDS_PER_ATTACKER;
        Attempt a =
            Attempt.of(
                // IPv6 attacker hops through its /64.
                ip.contains(":") ? "2001:db8:bad:1::" + Integer.toHexString(second + 1) : ip,
                "x" + random.nextInt(1_000_000) + "@example.net",
                "stolen_" + ip + "_" + card);
        if (guard.admit(a) instanceof Verdict.Refuse) {
          refused.merge(ip, 1, Integer::sum);
          firstRefusedAfter.putIfAbsent(ip, Duration.ofSeconds(second));
          continue;
        }
        admitted.merge(ip, 1, Integer::sum);
        // A card tester finds a live card now and then.
        if (random.nextInt(20) == 0) {
          paid.merge(ip, 1, Integer::sum);
          guard.recordOutcome(a, Outcome.PAID);
        } else {
          guard.recordOutcome(a, Outcome.DECLINED);
        }
      }
      if (second % 2 == 0) {
        int n = honest++;
        String ip = "10.0." + (n / 250) + "." + (n % 250);
        String email = "buyer" + n + "@example.com";
        Attempt first = Attempt.of(ip, email, "card_" + n);
        if (!guard.admit(first).allowed()) {
          honestRefused.add(ip);
        } else if (n % 10 == 3) {
          // Declined once, then pays with another card.
          guard.recordOutcome(first, Outcome.DECLINED);
          Attempt second2 = Attempt.of(ip, email, "card_" + n + "_b");
          if (!guard.admit(second2).allowed()) {
            honestRefused.add(ip);
          } else {
            guard.recordOutcome(second2, Outcome.PAID);
          }
        } else {
          guard.recordOutcome(first, Outcome.PAID);
        }
      }
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(honest).isEqualTo(CARDS_PER_ATTACKER);
    assertThat(honestRefused).as("honest buyers refused").isEmpty();
    for (String ip : ATTACKERS) {
      // Five cards that did not pay (distinct tokens, or declines): then blocked for the hour.
      assertThat(admitted.get(ip) - paid.getOrDefault(ip, 0))
          .as("unpaid attempts admitted from %s", ip)
          .isLessThanOrEqualTo(5);
      // Well within the rules' ten-minute window.
      assertThat(firstRefusedAfter.get(ip))
          .as("first refusal of %s", ip)
          .isLessThan(Duration.ofMinutes(1));
      assertThat(refused.get(ip)).isEqualTo(CARDS_PER_ATTACKER * 2 - admitted.get(ip));
    }
    // One block per attacker (the IPv6 one by its /64), flagged once each.
    assertThat(listener.flags)
        .extracting(FraudFlag::subject)
        .containsExactlyInAnyOrder("198.51.100.23", "198.51.100.24", "2001:db8:bad:1::/64");
    FlagCounts counts = guard.flags();
    assertThat(counts.totalFlags() - counts.flagged(FraudRule.DECLINE_SPIKE))
        .isEqualTo(listener.flags.size());
    assertThat(counts.flagged(FraudRule.DECLINE_SPIKE)).isEqualTo(listener.spikes.size());
    assertThat(counts.totalRefusals())
        .isEqualTo(refused.values().stream().mapToLong(Integer::longValue).sum());
  }

  @Test
  void manyThreadsAttackingFromOneAddressAtOnceStartOneBlock() throws Exception {
    FraudGuard guard = FraudGuard.builder().clock(clock).listener(listener).build();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 250; i++) {
                    Attempt a =
                        Attempt.of("198.51.100.23", "x@example.net", "stolen_" + thread + "_" + i);
                    if (guard.admit(a).allowed()) {
                      admitted.incrementAndGet();
                      guard.recordOutcome(a, Outcome.DECLINED);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    // A thread may slip in between the fifth card and the block: one per other thread at most.
    assertThat(admitted.get()).isBetween(5, 5 + threads - 1);
    assertThat(listener.flags).extracting(FraudFlag::subject).containsExactly("198.51.100.23");
    assertThat(
            guard.flags().refused(FraudRule.DISTINCT_TOKENS_PER_IP)
                + guard.flags().refused(FraudRule.DECLINES_PER_IP)
                + guard.flags().refused(FraudRule.DECLINES_PER_EMAIL))
        .isEqualTo(threads * 250L - admitted.get());
  }
}

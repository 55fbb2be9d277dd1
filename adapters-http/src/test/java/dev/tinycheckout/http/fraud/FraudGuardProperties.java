package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.http.fraud.FraudRules.Limit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The laws, checked against a brute-force reference that keeps every event and counts exactly:
 *
 * <ul>
 *   <li>soundness: the guard refuses an attempt only while a block is on that the reference
 *       started, for that rule and that key, exactly {@code blockFor - retryAfter} ago; so it never
 *       refuses a client address or email that stayed below every threshold;
 *   <li>completeness: with room for every key, the guard refuses every attempt the reference says
 *       is blocked (the counts are exact, not approximate);
 *   <li>with {@link FraudRules#off()} it never refuses anything.
 * </ul>
 *
 * <p>The spike rule is off here (it only tightens the limits; its own tests cover it). The
 * distinct-tokens rule blocks for at least its window, as by default: only then is its count exact
 * after a paid token (a shorter block may undercount, never overcount).
 */
class FraudGuardProperties {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");

  enum Result {
    PAID,
    DECLINED,
    OTHER,
    IN_FLIGHT
  }

  record Step(int ip, int email, int token, Result result, long advanceMillis) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 7),
                Arbitraries.of(Result.class),
                // Mostly whole seconds, so that events fall exactly on window and block edges.
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(0L)),
                    Tuple.of(6, Arbitraries.longs().between(1, 20).map(sec -> sec * 1_000)),
                    Tuple.of(1, Arbitraries.longs().between(1, 60_000))))
            .as(Step::new);
    return step.list().ofMaxSize(120);
  }

  @Provide
  Arbitrary<FraudRules> rules() {
    Arbitrary<Optional<Limit>> limit = limits(false).optional(0.8);
    Arbitrary<Optional<Limit>> tokenLimit = limits(true).optional(0.8);
    return Combinators.combine(limit, limit, tokenLimit, limit)
        .as(
            (perIp, perEmail, tokens, checkouts) -> {
              FraudRules.Builder b =
                  FraudRules.builder().disable(FraudRule.DECLINE_SPIKE).maxTrackedKeys(10_000);
              perIp.ifPresentOrElse(b::declinesPerIp, () -> b.disable(FraudRule.DECLINES_PER_IP));
              perEmail.ifPresentOrElse(
                  b::declinesPerEmail, () -> b.disable(FraudRule.DECLINES_PER_EMAIL));
              tokens.ifPresentOrElse(
                  b::distinctTokensPerIp, () -> b.disable(FraudRule.DISTINCT_TOKENS_PER_IP));
              checkouts.ifPresentOrElse(
                  b::checkoutsPerIp, () -> b.disable(FraudRule.CHECKOUTS_PER_IP));
              return b.build();
            });
  }

  private static Arbitrary<Limit> limits(boolean blockAtLeastWindow) {
    Arbitrary<Integer> max = Arbitraries.integers().between(1, 4);
    Arbitrary<Long> window = Arbitraries.longs().between(1, 40);
    Arbitrary<Long> block = Arbitraries.longs().between(1, 40);
    return Combinators.combine(max, window, block)
        .as(
            (m, w, bl) ->
                new Limit(
                    m,
                    Duration.ofSeconds(w),
                    Duration.ofSeconds(blockAtLeastWindow ? Math.max(w, bl) : bl)));
  }

  @Property(tries = 500)
  void theGuardRefusesExactlyTheAttemptsTheReferenceSaysAreBlocked(
      @ForAll("rules") FraudRules rules, @ForAll("steps") List<Step> steps) {
    MutableClock clock = new MutableClock(T0);
    FraudGuard guard =
        FraudGuard.builder().rules(rules).clock(clock).executor(Runnable::run).build();
    Reference ref = new Reference(rules);
    int refusals = 0;
    for (Step s : steps) {
      clock.advance(Duration.ofMillis(s.advanceMillis()));
      long now = Duration.between(T0, clock.instant()).toNanos();
      Attempt a =
          Attempt.of("192.0.2." + s.ip(), "buyer" + s.email() + "@example.com", "tok_" + s.token());
      Verdict v = guard.admit(a);
      Optional<Reference.Block> expected = ref.blockOn(s.ip(), s.email(), now);
      if (v instanceof Verdict.Refuse refuse) {
        // Soundness: a block the reference started, for this rule and key, blockFor - retryAfter
        // ago.
        long started = now + refuse.retryAfter().toNanos() - ref.blockFor(refuse.rule());
        assertThat(
                ref.reached(
                    refuse.rule(),
                    refuse.rule() == FraudRule.DECLINES_PER_EMAIL ? s.email() : s.ip(),
                    started))
            .as(
                "refused by %s at %d, so it must have been reached at %d",
                refuse.rule(), now, started)
            .isTrue();
        assertThat(expected).as("the reference also blocks at %d", now).isPresent();
        refusals++;
        continue;
      }
      assertThat(expected).as("the reference blocks at %d, the guard allowed", now).isEmpty();
      ref.admitted(s.ip(), s.token(), now);
      switch (s.result()) {
        case PAID -> {
          guard.recordOutcome(a, Outcome.PAID);
          ref.paid(s.ip(), s.token(), now);
        }
        case DECLINED -> {
          guard.recordOutcome(a, Outcome.DECLINED);
          ref.declined(s.ip(), s.email(), now);
        }
        case OTHER -> guard.recordOutcome(a, Outcome.OTHER);
        case IN_FLIGHT -> {}
      }
    }
    // Not a vacuous law: a good share of the streams do get refusals.
    Statistics.label("some attempt refused").collect(refusals > 0);
    Statistics.label("some attempt refused").coverage(c -> c.check(true).percentage(p -> p >= 25));
  }

  @Property(tries = 200)
  void rulesThatAreOffNeverRefuse(@ForAll("steps") List<Step> steps) {
    MutableClock clock = new MutableClock(T0);
    FraudGuard guard =
        FraudGuard.builder().rules(FraudRules.off()).clock(clock).executor(Runnable::run).build();
    for (Step s : steps) {
      clock.advance(Duration.ofMillis(s.advanceMillis()));
      Attempt a =
          Attempt.of("192.0.2." + s.ip(), "buyer" + s.email() + "@example.com", "tok_" + s.token());
      assertThat(guard.admit(a).allowed()).isTrue();
      if (s.result() != Result.IN_FLIGHT) {
        guard.recordOutcome(a, Outcome.valueOf(s.result().name()));
      }
    }
    assertThat(guard.flags().totalFlags()).isZero();
    assertThat(guard.trackedKeys()).isZero();
  }

  /** Keeps every event and counts by brute force. Times are nanoseconds since T0. */
  static final class Reference {
    record Event(long time, int key, int token) {}

    record Block(FraudRule rule, int key, long start) {}

    private final FraudRules rules;
    private final List<Event> checkouts = new ArrayList<>();
    private final List<Event> ipDeclines = new ArrayList<>();
    private final List<Event> emailDeclines = new ArrayList<>();

    /** Per address and token: when it was last admitted, unless it was paid since. */
    private final Map<List<Integer>, Long> unpaidTokens = new HashMap<>();

    private final List<Block> reaches = new ArrayList<>();

    Reference(FraudRules rules) {
      this.rules = rules;
    }

    long blockFor(FraudRule rule) {
      return limit(rule).blockFor().toNanos();
    }

    private Limit limit(FraudRule rule) {
      return switch (rule) {
        case DECLINES_PER_IP -> rules.declinesPerIp().orElseThrow();
        case DECLINES_PER_EMAIL -> rules.declinesPerEmail().orElseThrow();
        case DISTINCT_TOKENS_PER_IP -> rules.distinctTokensPerIp().orElseThrow();
        case CHECKOUTS_PER_IP -> rules.checkoutsPerIp().orElseThrow();
        case DECLINE_SPIKE -> throw new AssertionError("the spike rule blocks nothing");
      };
    }

    boolean reached(FraudRule rule, int key, long time) {
      return reaches.contains(new Block(rule, key, time));
    }

    /** A block on the address or the email that is still on at {@code now}, if any. */
    Optional<Block> blockOn(int ip, int email, long now) {
      return reaches.stream()
          .filter(b -> b.rule() == FraudRule.DECLINES_PER_EMAIL ? b.key() == email : b.key() == ip)
          .filter(b -> now - b.start() < blockFor(b.rule()))
          .findFirst();
    }

    void admitted(int ip, int token, long now) {
      rules
          .checkoutsPerIp()
          .ifPresent(
              l -> {
                checkouts.add(new Event(now, ip, token));
                check(FraudRule.CHECKOUTS_PER_IP, l, checkouts, ip, now);
              });
      rules
          .distinctTokensPerIp()
          .ifPresent(
              l -> {
                unpaidTokens.put(List.of(ip, token), now);
                long live =
                    unpaidTokens.entrySet().stream()
                        .filter(e -> e.getKey().get(0) == ip)
                        .filter(e -> now - e.getValue() < l.window().toNanos())
                        .count();
                if (live >= l.max()) {
                  reaches.add(new Block(FraudRule.DISTINCT_TOKENS_PER_IP, ip, now));
                }
              });
    }

    void paid(int ip, int token, long now) {
      unpaidTokens.remove(List.of(ip, token));
    }

    void declined(int ip, int email, long now) {
      rules
          .declinesPerIp()
          .ifPresent(
              l -> {
                ipDeclines.add(new Event(now, ip, 0));
                check(FraudRule.DECLINES_PER_IP, l, ipDeclines, ip, now);
              });
      rules
          .declinesPerEmail()
          .ifPresent(
              l -> {
                emailDeclines.add(new Event(now, email, 0));
                check(FraudRule.DECLINES_PER_EMAIL, l, emailDeclines, email, now);
              });
    }

    private void check(FraudRule rule, Limit l, List<Event> events, int key, long now) {
      long count =
          events.stream()
              .filter(e -> e.key() == key && now - e.time() < l.window().toNanos())
              .count();
      if (count >= l.max()) {
        reaches.add(new Block(rule, key, now));
      }
    }
  }
}

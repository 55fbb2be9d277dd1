package dev.tinycheckout.http.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.AlertOutbox;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.DeliveryClaim;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.http.cache.MutableClock;
import dev.tinycheckout.memory.InMemoryStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FraudAlertOutboxTest {
  private static final Instant T0 = Instant.parse("2026-12-07T20:00:00Z");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();

  /** A pager that wants only fraud alerts. */
  private static final class Pager implements FulfilmentHook {
    @Override
    public String name() {
      return "pager";
    }

    @Override
    public boolean subscribesTo(String eventType) {
      return eventType.startsWith("fraud.");
    }

    @Override
    public void handle(Delivery delivery) {}
  }

  /** An order hook: subscribes to order events only. */
  private static final class Shipping implements FulfilmentHook {
    @Override
    public String name() {
      return "shipping";
    }

    @Override
    public boolean subscribesTo(String eventType) {
      return eventType.startsWith("order.");
    }

    @Override
    public void handle(Delivery delivery) {}
  }

  private final AlertOutbox outbox =
      AlertOutbox.builder()
          .storage(storage)
          .hooks(FulfilmentHooks.of(new Pager(), new Shipping()))
          .build();

  private FraudGuard guard(FraudListener listener) {
    return FraudGuard.builder()
        // Only the per-address decline rule, so every block below is one of its blocks.
        .rules(
            FraudRules.ofDefaults().toBuilder()
                .disable(FraudRule.DECLINE_SPIKE)
                .disable(FraudRule.DISTINCT_TOKENS_PER_IP)
                .disable(FraudRule.DECLINES_PER_EMAIL)
                .build())
        .clock(clock)
        .listener(listener)
        .executor(Runnable::run)
        .build();
  }

  /** Five declines from one address: the default DECLINES_PER_IP rule blocks it. */
  private void blockAddress(FraudGuard guard, int ip) {
    for (int i = 0; i < 5; i++) {
      Attempt a = Attempt.of("198.51.100." + ip, "card" + i + "@example.net", "tok_" + ip + i);
      guard.admit(a);
      guard.recordOutcome(a, Outcome.DECLINED);
    }
  }

  /** Every delivery due by the far future, claimed once: what the dispatcher would run. */
  private List<DeliveryClaim> deliveries() {
    return storage.inTransaction(
        tx ->
            tx.deliveries()
                .claim("test", T0.plus(Duration.ofDays(1)), Duration.ofMinutes(1), 1000));
  }

  @Test
  void anAttackFromManyAddressesSendsOneDigestPerRulePerPeriodCountingEveryBlock()
      throws Exception {
    FraudAlertOutbox alerts = FraudAlertOutbox.of(outbox);
    FraudGuard guard = guard(alerts);

    for (int ip = 1; ip <= 20; ip++) {
      blockAddress(guard, ip);
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(guard.flags().flagged(FraudRule.DECLINES_PER_IP)).isEqualTo(20);
    clock.advance(Duration.ofMinutes(10));
    blockAddress(guard, 21);

    List<DeliveryClaim> claims = deliveries();
    assertThat(claims).hasSize(2);
    assertThat(claims).allSatisfy(c -> assertThat(c.hook()).isEqualTo("pager"));
    assertThat(claims)
        .allSatisfy(c -> assertThat(c.event().type()).isEqualTo(FraudAlertOutbox.FRAUD_FLAGGED));
    List<JsonNode> payloads =
        claims.stream()
            .map(c -> JSON.readTree(c.event().payload()))
            .sorted((a, b) -> a.get("at").stringValue().compareTo(b.get("at").stringValue()))
            .toList();
    assertThat(payloads.get(0).get("rule").stringValue()).isEqualTo("declines_per_ip");
    assertThat(payloads.get(0).get("subjectKind").stringValue()).isEqualTo("client-address");
    assertThat(payloads.get(0).get("blocks").longValue()).isEqualTo(1);
    // The 19 blocks of the first period and the new one.
    assertThat(payloads.get(1).get("blocks").longValue()).isEqualTo(20);
    assertThat(payloads.get(1).get("summary").stringValue()).contains("blocked 20 client address");
    for (DeliveryClaim c : claims) {
      assertThat(c.event().payload()).doesNotContain("198.51.100", "@", "tok_");
      assertThat(c.event().aggregateId()).isEqualTo("declines_per_ip");
    }
  }

  @Test
  void aDeclineSpikeIsOneAlertWithItsCounts() throws Exception {
    FraudAlertOutbox alerts = FraudAlertOutbox.of(outbox);

    alerts.spike(new DeclineSpike(T0, 200, 150, 0.05, 0.2));

    List<DeliveryClaim> claims = deliveries();
    assertThat(claims).hasSize(1);
    DeliveryClaim claim = claims.get(0);
    assertThat(claim.event().type()).isEqualTo(FraudAlertOutbox.FRAUD_SPIKE);
    JsonNode payload = JSON.readTree(claim.event().payload());
    assertThat(payload.get("payments").longValue()).isEqualTo(200);
    assertThat(payload.get("declines").longValue()).isEqualTo(150);
    assertThat(payload.get("threshold").stringValue()).isEqualTo("0.2000");
    assertThat(payload.get("summary").stringValue()).startsWith("decline spike: 150 of 200");
  }

  @Test
  void aBlockedEmailIsReportedAsAnEmailWithoutTheAddressItself() throws Exception {
    FraudAlertOutbox alerts = FraudAlertOutbox.of(outbox, Duration.ofMinutes(1));

    alerts.flagged(
        new FraudFlag(FraudRule.DECLINES_PER_EMAIL, "email#3fa1c9", T0, Duration.ofMinutes(10)));

    DeliveryClaim claim = deliveries().get(0);
    JsonNode payload = JSON.readTree(claim.event().payload());
    assertThat(payload.get("subjectKind").stringValue()).isEqualTo("email");
    assertThat(payload.get("digestPeriod").stringValue()).isEqualTo("PT1M");
    assertThat(claim.event().payload()).doesNotContain("3fa1c9");
  }

  @Test
  void aDigestPeriodThatIsNotPositiveIsRefusedNamingIt() {
    assertThatThrownBy(() -> FraudAlertOutbox.of(outbox, Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessage("digestPeriod: must be positive, but was PT0S");
  }
}

package dev.tinycheckout.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FulfilmentHooksTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void hookNamesMustBeUniqueAndWellFormed() {
    assertThatThrownBy(() -> FulfilmentHooks.of(new ScriptedHook("a"), new ScriptedHook("a")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'a' is used twice");
    assertThatThrownBy(() -> FulfilmentHooks.of(new ScriptedHook("Email Hook")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Email Hook");
    assertThatThrownBy(() -> FulfilmentHooks.of(new ScriptedHook("a", false, Duration.ZERO)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PT0S");
  }

  @Test
  void anEventFansOutToEverySubscribedHookKeyedByItsOrderForOrderedHooks() {
    ScriptedHook ordered = new ScriptedHook("ledger", true, Duration.ofSeconds(1));
    FulfilmentHook placedOnly =
        new ScriptedHook("ship") {
          @Override
          public boolean subscribesTo(String eventType) {
            return eventType.equals(OutboxEvent.ORDER_PLACED);
          }
        };
    FulfilmentHooks hooks = FulfilmentHooks.of(placedOnly, ordered);
    OutboxEvent failed =
        new OutboxEvent(UUID.randomUUID(), OutboxEvent.PAYMENT_FAILED, "order-9", "{}", T0);

    assertThat(hooks.deliveriesFor(failed, T0))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.hook()).isEqualTo("ledger");
              assertThat(d.eventId()).isEqualTo(failed.id());
              assertThat(d.orderingKey()).isEqualTo(Optional.of("order-9"));
              assertThat(d.availableAt()).isEqualTo(T0);
            });
    assertThat(FulfilmentHooks.none().deliveriesFor(failed, T0)).isEmpty();
    assertThat(hooks.longestTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theBackoffCeilingDoublesFromTheBaseUpToTheCap() {
    DispatchConfig c = DispatchConfig.ofDefaults();
    assertThat(c.backoffCeiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.backoffCeiling(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.backoffCeiling(9)).isEqualTo(Duration.ofSeconds(512));
    assertThat(c.backoffCeiling(10)).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.backoffCeiling(500)).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.maxAttempts()).isEqualTo(12);
  }

  @Test
  void configurationSettersRefuseBadValuesAndSayWhichValue() {
    assertThatThrownBy(() -> DispatchConfig.builder().lease(Duration.ZERO))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("lease: must be positive, but was PT0S");
    assertThatThrownBy(() -> DispatchConfig.builder().batchSize(0))
        .hasMessageContaining("but was 0");
    assertThatThrownBy(
            () ->
                DispatchConfig.builder()
                    .minPollInterval(Duration.ofSeconds(10))
                    .maxPollInterval(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("maxPollInterval");
    assertThatThrownBy(() -> DispatchConfig.builder().maxBackoff(Duration.ofSeconds(1)).build())
        .hasMessageContaining("maxBackoff");
  }
}

package dev.tinycheckout.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestClockTest {
  private static final Instant START = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void theClockStandsStillUntilMoved() {
    TestClock clock = TestClock.at(START);

    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void advanceMovesTheClockAndReturnsTheNewTime() {
    TestClock clock = TestClock.at(START);

    Instant later = clock.advance(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(-1));

    assertThat(later).isEqualTo(START.plusSeconds(300));
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(299));
  }

  @Test
  void setPutsTheClockAtAnInstant() {
    TestClock clock = TestClock.at(START);

    clock.set(Instant.EPOCH);

    assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void aZoneViewSharesTheTimeOfItsClock() {
    TestClock clock = TestClock.at(START);
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    clock.advance(Duration.ofHours(1));

    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(paris.instant()).isEqualTo(START.plusSeconds(3600));
  }

  @Test
  void concurrentAdvancesAreNeverLost() {
    TestClock clock = TestClock.at(START);

    List<Instant> results =
        Kit.values(Kit.race(8, 1000, i -> clock.advance(Duration.ofNanos(1000))));

    assertThat(clock.instant()).isEqualTo(START.plusNanos(1_000_000));
    assertThat(results).doesNotHaveDuplicates();
  }
}

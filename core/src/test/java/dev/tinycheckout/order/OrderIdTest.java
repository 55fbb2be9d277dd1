package dev.tinycheckout.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderIdTest {
  private static final long MAX_MILLIS = (1L << 48) - 1;

  private static Clock clockAt(long millis) {
    return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  @Test
  void generatedIdIsAVersion7UuidOfTheRfc9562Variant() {
    OrderId id = OrderId.generate(Clock.systemUTC());

    assertThat(id.value().version()).isEqualTo(7);
    assertThat(id.value().variant()).isEqualTo(2);
  }

  /** Law: the 48-bit timestamp of a generated id is the clock's millisecond, for any valid time. */
  @Property
  void timestampMillisRoundTripsTheClockTime(
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long millis, @ForAll long seed) {
    OrderId id = OrderId.generate(clockAt(millis), new SplittableRandom(seed));

    assertThat(id.timestampMillis()).isEqualTo(millis);
    assertThat(id.value().version()).isEqualTo(7);
    assertThat(id.value().variant()).isEqualTo(2);
  }

  /** Law: an id generated at a later millisecond sorts after one generated earlier. */
  @Property
  void idsGeneratedAtIncreasingMillisSortInThatOrder(
      @ForAll @LongRange(min = 0, max = MAX_MILLIS - 1) long earlier,
      @ForAll @LongRange(min = 1, max = 1L << 40) long gap,
      @ForAll long seed) {
    long later = Math.min(MAX_MILLIS, earlier + gap);
    SplittableRandom random = new SplittableRandom(seed);

    OrderId first = OrderId.generate(clockAt(earlier), random);
    OrderId second = OrderId.generate(clockAt(later), random);

    assertThat(first).isLessThan(second);
  }

  @Test
  void idsGeneratedOneMillisecondApartSortByTimeRegardlessOfTheirRandomBits() {
    List<OrderId> ids = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(42);
    long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 1000; i++) {
      ids.add(OrderId.generate(clockAt(start + i), random));
    }
    List<OrderId> shuffled = new ArrayList<>(ids);
    java.util.Collections.shuffle(shuffled, new Random(7));

    shuffled.sort(null);

    assertThat(shuffled).containsExactlyElementsOf(ids);
  }

  @Test
  void idsSortByTimeEvenPastTheSignBitOfTheMostSignificantLong() {
    OrderId before = OrderId.generate(clockAt((1L << 47) - 1), new SplittableRandom(1));
    OrderId after = OrderId.generate(clockAt(1L << 47), new SplittableRandom(1));

    assertThat(before).isLessThan(after);
  }

  @Test
  void tenThousandGeneratedIdsAreDistinctEvenWithinOneMillisecond() {
    Clock frozen = clockAt(1_700_000_000_000L);
    Set<OrderId> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(OrderId.generate(frozen));
    }

    assertThat(ids).hasSize(10_000);
  }

  @Test
  void seededGeneratorsGiveReproducibleIds() {
    Clock clock = clockAt(1_700_000_000_000L);

    assertThat(OrderId.generate(clock, new SplittableRandom(9)))
        .isEqualTo(OrderId.generate(clock, new SplittableRandom(9)));
  }

  @Test
  void generateRefusesAClockBeforeTheEpoch() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> OrderId.generate(clockAt(-1)));

    assertThat(e.field()).isEqualTo("clock");
  }

  @Test
  void generateRefusesAClockBeyondFortyEightBitsOfMillis() {
    assertThatThrownBy(() -> OrderId.generate(clockAt(1L << 48)))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("clock"));
  }

  @Test
  void parseRoundTripsTheCanonicalText() {
    OrderId id = OrderId.generate(Clock.systemUTC());

    assertThat(OrderId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void toStringIsTheLowerCaseCanonicalUuid() {
    OrderId id = OrderId.parse("01936F0E-1D8C-7CA9-9148-EFCA6F20EC9F");

    assertThat(id).hasToString("01936f0e-1d8c-7ca9-9148-efca6f20ec9f");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01936f0e-1d8c-4ca9-9148-efca6f20ec9f", // version 4
        "01936f0e-1d8c-1ca9-9148-efca6f20ec9f", // version 1
        "00000000-0000-0000-0000-000000000000", // nil
        "ffffffff-ffff-ffff-ffff-ffffffffffff", // max
        "01936f0e-1d8c-7ca9-c148-efca6f20ec9f" // version 7, Microsoft variant
      })
  void parseRefusesUuidsThatAreNotVersion7OfTheRfcVariant(String text) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> OrderId.parse(text));

    assertThat(e.field()).isEqualTo("orderId");
    assertThat(e.reason()).contains("version 7");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01936f0e1d8c7ca99148efca6f20ec9f", // no hyphens
        "{01936f0e-1d8c-7ca9-9148-efca6f20ec9f}", // braces
        "01936f0e-1d8c-7ca9-9148-efca6f20ec9f0", // one digit too many
        "01936f0e-1d8c-7ca9-9148-efca6f20ec9", // one digit too few
        ""
      })
  void parseRefusesTextOfTheWrongLength(String text) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> OrderId.parse(text));

    assertThat(e.field()).isEqualTo("orderId");
    assertThat(e.reason()).contains("36-character");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01936f0e-1d8c7-ca9-9148-efca6f20ec9f", // hyphen moved
        "1936f0e-01d8c-7ca9-9148-efca6f20ec9f", // short first group, long second
        "01936f0e-1d8c-7ca9-9148+efca6f20ec9f", // plus for a hyphen
        "01936f0e-1d8c-7ca9-9148-efca6f20ec9g", // not hex
        "01936f0e 1d8c 7ca9 9148 efca6f20ec9f" // spaces
      })
  void parseRefusesNonCanonicalText(String text) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> OrderId.parse(text));

    assertThat(e.field()).isEqualTo("orderId");
  }

  @Test
  void constructorRefusesAVersion4Uuid() {
    UUID v4 = UUID.randomUUID();

    assertThatThrownBy(() -> new OrderId(v4))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("orderId"));
  }
}

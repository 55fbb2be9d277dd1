package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP dates as RFC 9110 §5.6.7 defines them. */
class HttpDatesTest {
  private static final Instant EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void formatsTheRfcExampleAsAnImfFixdate() {
    assertThat(HttpDates.format(EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }

  @Test
  void formatsDropsFractionsOfASecondTowardsThePast() {
    assertThat(HttpDates.format(EXAMPLE.plusMillis(999)))
        .isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDates.format(Instant.parse("1969-12-31T23:59:59.5Z")))
        .isEqualTo("Wed, 31 Dec 1969 23:59:59 GMT");
  }

  @Test
  void formatsFourDigitYearsOnly() {
    assertThat(HttpDates.format(HttpDates.MIN)).isEqualTo("Sat, 01 Jan 0000 00:00:00 GMT");
    assertThat(HttpDates.format(HttpDates.MAX)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> HttpDates.format(HttpDates.MAX.plusNanos(1)));
    assertThat(e.field()).isEqualTo("date");
  }

  /** RFC 9110 §5.6.7: the example in all three formats a recipient must accept. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
      })
  void parsesTheThreeFormatsOfSection5_6_7(String value) {
    assertThat(HttpDates.parse(value, NOW)).contains(EXAMPLE);
  }

  @Test
  void parsesATwoDigitAsctimeDay() {
    assertThat(HttpDates.parse("Thu Nov 24 08:49:37 1994", NOW))
        .contains(Instant.parse("1994-11-24T08:49:37Z"));
  }

  @Test
  void ignoresSpacesAndTabsAroundTheValue() {
    assertThat(HttpDates.parse(" \tSun, 06 Nov 1994 08:49:37 GMT\t ", NOW)).contains(EXAMPLE);
  }

  @Test
  void readsATwoDigitYearMoreThanFiftyYearsAheadAsTheCenturyBefore() {
    // Now is 2026: "76" would be 2076-11-06, more than 50 years ahead of 2026-03-01.
    assertThat(HttpDates.parse("Friday, 06-Nov-76 08:49:37 GMT", NOW))
        .contains(Instant.parse("1976-11-06T08:49:37Z"));
    // "75" is 2075-11-06, less than 50 years ahead, so it stays in this century.
    assertThat(HttpDates.parse("Wednesday, 06-Nov-75 08:49:37 GMT", NOW))
        .contains(Instant.parse("2075-11-06T08:49:37Z"));
    assertThat(HttpDates.parse("Thursday, 01-Jan-26 00:00:00 GMT", NOW))
        .contains(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void readsATwoDigitYearAcrossACenturyBoundary() {
    Instant late = Instant.parse("2095-06-01T00:00:00Z");

    assertThat(HttpDates.parse("Monday, 01-Jan-40 00:00:00 GMT", late))
        .contains(Instant.parse("2140-01-01T00:00:00Z"));
    assertThat(HttpDates.parse("Saturday, 01-Jan-50 00:00:00 GMT", late))
        .contains(Instant.parse("2050-01-01T00:00:00Z"));
  }

  @Test
  void readsALeapSecondAsTheSecondBefore() {
    assertThat(HttpDates.parse("Sat, 31 Dec 2016 23:59:60 GMT", NOW))
        .contains(Instant.parse("2016-12-31T23:59:59Z"));
  }

  @Test
  void doesNotCheckTheDayNameAgainstTheDate() {
    assertThat(HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT", NOW)).contains(EXAMPLE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT\r\n",
        "Sun, 06 Nov 1994 08:49:37 GMT x",
        "Sun, 06 Nov 1994 ０8:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov 06 08:49:37 1994 GMT",
        "Sunday Nov  6 08:49:37 1994",
      })
  void parsesAnythingElseToEmpty(String value) {
    assertThat(HttpDates.parse(value, NOW)).isEmpty();
  }

  @Test
  void parsesTheTwentyNinthOfFebruaryOnlyInLeapYears() {
    assertThat(HttpDates.parse("Thu, 29 Feb 2024 00:00:00 GMT", NOW)).isPresent();
    assertThat(HttpDates.parse("Sat, 29 Feb 2025 00:00:00 GMT", NOW)).isEmpty();
  }
}

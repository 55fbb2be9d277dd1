package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The laws of HTTP dates (RFC 9110 §5.6.7), checked against formatters written independently here
 * with {@link DateTimeFormatter}.
 */
class HttpDatesProperties {
  static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-uu HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.US).withZone(ZoneOffset.UTC);

  /** About 49 years in seconds: safely inside the 50-year window of two-digit years. */
  private static final long FORTY_NINE_YEARS = 49L * 365 * 86_400;

  /** Every second of the years 0000 to 9999. */
  @Provide
  Arbitrary<Instant> seconds() {
    return Arbitraries.longs()
        .between(HttpDates.MIN.getEpochSecond(), HttpDates.MAX.getEpochSecond())
        .map(Instant::ofEpochSecond);
  }

  /** A "now" from 1900 to 2900, for the 50-year rule. */
  @Provide
  Arbitrary<Instant> nows() {
    return Arbitraries.longs()
        .between(
            Instant.parse("1900-01-01T00:00:00Z").getEpochSecond(),
            Instant.parse("2900-01-01T00:00:00Z").getEpochSecond())
        .map(Instant::ofEpochSecond);
  }

  /** Text near the date grammar, and anything at all. */
  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            3,
            Arbitraries.strings().withChars("SunMonTueNovJanGMT0123456789 ,:-\t").ofMaxLength(34)),
        Tuple.of(2, seconds().map(HttpDates::format).map(HttpDatesProperties::mutate)),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(40)));
  }

  /** Replaces one character of a valid date, by position derived from the text. */
  private static String mutate(String date) {
    int at = Math.floorMod(date.hashCode(), date.length());
    String replacements = "9 :,-x\u0000Z";
    char replacement =
        replacements.charAt(Math.floorMod(date.hashCode() >>> 8, replacements.length()));
    return date.substring(0, at) + replacement + date.substring(at + 1);
  }

  /** Law: format writes exactly the IMF-fixdate of the instant, and parse reads it back. */
  @Property
  void imfFixdateRoundTripsEverySecondOfFourDigitYears(@ForAll("seconds") Instant t) {
    String text = HttpDates.format(t);

    assertThat(text).isEqualTo(IMF_FIXDATE.format(t));
    assertThat(HttpDates.parse(text, Instant.EPOCH)).contains(t);
  }

  /** Law: an asctime date of any second of four-digit years parses to that second. */
  @Property
  void asctimeRoundTripsEverySecondOfFourDigitYears(@ForAll("seconds") Instant t) {
    assertThat(HttpDates.parse(ASCTIME.format(t), Instant.EPOCH)).contains(t);
  }

  /** Law: an RFC 850 date within 49 years of now, either way, parses to that second. */
  @Property
  void rfc850RoundTripsEverySecondWithinFortyNineYearsOfNow(
      @ForAll("nows") Instant now,
      @ForAll @LongRange(min = -FORTY_NINE_YEARS, max = FORTY_NINE_YEARS) long offset) {
    Instant t = now.plusSeconds(offset);

    assertThat(HttpDates.parse(RFC_850.format(t), now)).contains(t);
  }

  /**
   * Law: a two-digit year reads as the latest year with those digits whose timestamp is not more
   * than 50 years after now (RFC 9110 §5.6.7).
   */
  @Property
  void aTwoDigitYearReadsAsTheLatestNotMoreThanFiftyYearsAhead(
      @ForAll("nows") Instant now,
      @ForAll @IntRange(min = 0, max = 99) int yy,
      @ForAll @IntRange(min = 1, max = 12) int month,
      @ForAll @IntRange(min = 1, max = 28) int day) {
    ZonedDateTime sample = ZonedDateTime.of(2000 + yy, month, day, 12, 0, 0, 0, ZoneOffset.UTC);
    String text = RFC_850.format(sample);

    Instant t = HttpDates.parse(text, now).orElseThrow();

    Instant limit = now.atZone(ZoneOffset.UTC).plusYears(50).toInstant();
    ZonedDateTime read = t.atZone(ZoneOffset.UTC);
    assertThat(read.getYear() % 100).isEqualTo(yy);
    assertThat(read.getMonthValue()).isEqualTo(month);
    assertThat(t).isBeforeOrEqualTo(limit);
    assertThat(read.plusYears(100).toInstant()).isAfter(limit);
  }

  /** Law: formatting drops the fraction of a second, always towards the past. */
  @Property
  void formattingTruncatesToTheSecond(
      @ForAll("seconds") Instant t, @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
    Instant withFraction = t.plusNanos(nanos);
    if (withFraction.isAfter(HttpDates.MAX)) {
      return;
    }

    assertThat(HttpDates.parse(HttpDates.format(withFraction), Instant.EPOCH))
        .contains(withFraction.truncatedTo(ChronoUnit.SECONDS));
  }

  /**
   * Law: parsing never throws for any text, and what it accepts is one of the three forms of the
   * second it returns (day names are not checked against the date, so they are left out here).
   */
  @Property
  void parsingGarbageNeverThrowsAndAcceptsOnlyRealDates(
      @ForAll("garbage") String value, @ForAll("nows") Instant now) {
    Optional<Instant> parsed = HttpDates.parse(value, now);

    parsed.ifPresent(
        t ->
            assertThat(afterDayName(HeaderText.trimOws(value)))
                .isIn(
                    afterDayName(IMF_FIXDATE.format(t)),
                    afterDayName(RFC_850.format(t)),
                    afterDayName(ASCTIME.format(t))));
  }

  private static String afterDayName(String date) {
    return date.substring(date.indexOf(' '));
  }
}

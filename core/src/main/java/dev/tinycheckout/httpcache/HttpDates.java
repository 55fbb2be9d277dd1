package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP dates (RFC 9110 §5.6.7), as in {@code Last-Modified}, {@code If-Modified-Since} and {@code
 * If-Unmodified-Since}.
 *
 * <p>{@link #format(Instant)} writes the preferred IMF-fixdate, {@code Sun, 06 Nov 1994 08:49:37
 * GMT}. {@link #parse(String, Instant)} reads all three formats a recipient must accept:
 *
 * <ul>
 *   <li>IMF-fixdate: {@code Sun, 06 Nov 1994 08:49:37 GMT};
 *   <li>the obsolete RFC 850 format: {@code Sunday, 06-Nov-94 08:49:37 GMT}, whose two-digit year
 *       is read as the latest year with those digits that is not more than 50 years after now;
 *   <li>the obsolete asctime format: {@code Sun Nov 6 08:49:37 1994}.
 * </ul>
 *
 * <p>Names of days and months are case-sensitive, as the grammar says. The day name must be one of
 * the seven, but is not checked against the date: it is redundant, and RFC 9110 asks recipients to
 * be robust. A leap second ({@code 23:59:60}) reads as {@code 23:59:59}. Anything else, including a
 * list of dates, is not a valid HTTP date and parses to empty: the evaluator then ignores the
 * field, as RFC 9110 §13.1.3 and §13.1.4 require. Thread-safe; no instances.
 */
public final class HttpDates {
  private static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
  private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  private static final String TIME = "([0-9]{2}):([0-9]{2}):([0-9]{2})";

  private static final Pattern IMF_FIXDATE =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) " + MONTH + " ([0-9]{4}) " + TIME + " GMT");
  private static final Pattern RFC_850 =
      Pattern.compile(
          "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), ([0-9]{2})-"
              + MONTH
              + "-([0-9]{2}) "
              + TIME
              + " GMT");
  private static final Pattern ASCTIME =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
              + MONTH
              + " ([0-9]{2}| [0-9]) "
              + TIME
              + " ([0-9]{4})");

  /** The earliest instant {@link #format(Instant)} accepts: 0000-01-01T00:00:00Z. */
  public static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");

  /** The latest instant {@link #format(Instant)} accepts: 9999-12-31T23:59:59.999999999Z. */
  public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private HttpDates() {}

  /**
   * Formats an instant as an IMF-fixdate, the form every HTTP date field is sent in. Fractions of a
   * second are dropped (rounded towards the past), so a {@code Last-Modified} is never later than
   * the modification it reports.
   *
   * @param instant between {@link #MIN} and {@link #MAX} (four-digit years)
   * @return such as {@code Sun, 06 Nov 1994 08:49:37 GMT}
   * @throws ValidationException with field {@code date} if the year has more than four digits or is
   *     negative
   */
  public static String format(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw new ValidationException(
          "date", "must be in the years 0000 to 9999 to be an HTTP date, but was " + instant);
    }
    ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
    return String.format(
        "%s, %02d %s %04d %02d:%02d:%02d GMT",
        DAYS.get(t.getDayOfWeek().getValue() - 1),
        t.getDayOfMonth(),
        MONTHS.get(t.getMonthValue() - 1),
        t.getYear(),
        t.getHour(),
        t.getMinute(),
        t.getSecond());
  }

  /**
   * Parses an HTTP date in any of the three formats, reading a two-digit RFC 850 year relative to
   * the current time of the system clock. Spaces and tabs around the value are ignored.
   *
   * @param value a field value
   * @return the instant, or empty if the value is not a valid HTTP date; never throws for bad input
   */
  public static Optional<Instant> parse(String value) {
    return parse(value, Instant.now());
  }

  /**
   * Parses an HTTP date in any of the three formats. Spaces and tabs around the value are ignored.
   *
   * @param value a field value
   * @param now the current time, for the 50-year rule of two-digit years (RFC 9110 §5.6.7): a
   *     timestamp that would be more than 50 years after {@code now} means the latest earlier year
   *     with the same last two digits
   * @return the instant, or empty if the value is not a valid HTTP date; never throws for bad input
   */
  public static Optional<Instant> parse(String value, Instant now) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(now, "now");
    String v = HeaderText.trimOws(value);
    Matcher m = IMF_FIXDATE.matcher(v);
    if (m.matches()) {
      return instant(Integer.parseInt(m.group(3)), month(m.group(2)), number(m.group(1)), m, 4);
    }
    m = ASCTIME.matcher(v);
    if (m.matches()) {
      return instant(Integer.parseInt(m.group(6)), month(m.group(1)), number(m.group(2)), m, 3);
    }
    m = RFC_850.matcher(v);
    if (m.matches()) {
      return twoDigitYear(
          Integer.parseInt(m.group(3)), month(m.group(2)), number(m.group(1)), m, now);
    }
    return Optional.empty();
  }

  private static Optional<Instant> twoDigitYear(
      int yy, int month, int day, Matcher m, Instant now) {
    Instant limit = now.atZone(ZoneOffset.UTC).plusYears(50).toInstant();
    int century = now.atZone(ZoneOffset.UTC).getYear() / 100 * 100;
    // Try the next century first, then this one, then the last: the latest reading that is not
    // more than 50 years in the future wins.
    for (int candidate = century + 100 + yy; candidate >= century - 100 + yy; candidate -= 100) {
      Optional<Instant> t = instant(candidate, month, day, m, 4);
      if (t.isPresent() && !t.get().isAfter(limit)) {
        return t;
      }
      if (t.isEmpty() && !(month == 2 && day == 29)) {
        return t; // invalid whatever the century
      }
    }
    return Optional.empty();
  }

  private static Optional<Instant> instant(int year, int month, int day, Matcher m, int hourGroup) {
    int hour = number(m.group(hourGroup));
    int minute = number(m.group(hourGroup + 1));
    int second = number(m.group(hourGroup + 2));
    if (second == 60 && hour == 23 && minute == 59) {
      second = 59; // a leap second; java.time has none
    }
    try {
      return Optional.of(
          LocalDateTime.of(LocalDate.of(year, month, day), LocalTime.of(hour, minute, second))
              .toInstant(ZoneOffset.UTC));
    } catch (DateTimeException e) {
      return Optional.empty(); // 31 Feb, 24:00:00, ...
    }
  }

  private static int month(String name) {
    return MONTHS.indexOf(name) + 1;
  }

  private static int number(String digits) {
    return Integer.parseInt(digits.strip());
  }
}

package dev.tinycheckout.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * The laws of exact money arithmetic: a {@link Money} result is always the mathematically exact
 * one, computed here independently with {@link BigInteger}, or the operation throws {@link
 * MoneyArithmeticException} with problem {@code money-overflow}. Nothing wraps around, nothing is
 * rounded.
 */
class MoneyProperties {
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Amounts anywhere in the long range, with extra weight near both ends where overflow lives. */
  @Provide
  Arbitrary<Long> amounts() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.longs()),
        Tuple.of(1, Arbitraries.longs().between(Long.MAX_VALUE - 1000, Long.MAX_VALUE)),
        Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 1000)),
        Tuple.of(1, Arbitraries.longs().between(-1_000_000, 1_000_000)));
  }

  @Provide
  Arbitrary<String> currencyCodes() {
    return Arbitraries.of("JPY", "USD", "BHD");
  }

  private static boolean fitsInLong(BigInteger value) {
    return value.compareTo(MIN) >= 0 && value.compareTo(MAX) <= 0;
  }

  private static Money usd(long amount) {
    return Money.of(amount, "USD");
  }

  /** Law: when a + b fits in a long, plus gives exactly a + b and minus undoes it. */
  @Property
  void plusIsExactAndMinusIsItsInverseWhenNothingOverflows(
      @ForAll("amounts") long a, @ForAll("amounts") long b) {
    BigInteger exact = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
    boolean fits = fitsInLong(exact);
    Statistics.label("sum fits").collect(fits);
    if (fits) {
      Money sum = usd(a).plus(usd(b));
      assertThat(BigInteger.valueOf(sum.amount())).isEqualTo(exact);
      assertThat(sum.minus(usd(b))).isEqualTo(usd(a));
    }
    Statistics.label("sum fits").coverage(c -> c.check(true).percentage(p -> p > 30));
  }

  /** Law: a + b that does not fit in a long always throws money-overflow; it never wraps. */
  @Property
  void plusThrowsExactlyWhenTheExactSumOverflows(
      @ForAll("amounts") long a, @ForAll("amounts") long b) {
    BigInteger exact = BigInteger.valueOf(a).add(BigInteger.valueOf(b));
    boolean overflows = !fitsInLong(exact);
    Statistics.label("overflow").collect(overflows);
    if (overflows) {
      assertThatThrownBy(() -> usd(a).plus(usd(b)))
          .isInstanceOfSatisfying(
              MoneyArithmeticException.class,
              e -> assertThat(e.problem()).isEqualTo("money-overflow"));
    } else {
      assertThat(usd(a).plus(usd(b)).amount()).isEqualTo(Math.addExact(a, b));
    }
    Statistics.label("overflow").coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  /** Law: a - b that does not fit in a long always throws money-overflow; it never wraps. */
  @Property
  void minusThrowsExactlyWhenTheExactDifferenceOverflows(
      @ForAll("amounts") long a, @ForAll("amounts") long b) {
    BigInteger exact = BigInteger.valueOf(a).subtract(BigInteger.valueOf(b));
    boolean overflows = !fitsInLong(exact);
    Statistics.label("overflow").collect(overflows);
    if (overflows) {
      assertThatThrownBy(() -> usd(a).minus(usd(b)))
          .isInstanceOfSatisfying(
              MoneyArithmeticException.class,
              e -> assertThat(e.problem()).isEqualTo("money-overflow"));
    } else {
      assertThat(BigInteger.valueOf(usd(a).minus(usd(b)).amount())).isEqualTo(exact);
    }
    Statistics.label("overflow").coverage(c -> c.check(true).percentage(p -> p > 5));
  }

  /** Law: a * n is the exact BigInteger product, or throws money-overflow when that overflows. */
  @Property
  void timesIsTheExactProductOrThrows(@ForAll("amounts") long a, @ForAll("amounts") long n) {
    BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(n));
    if (fitsInLong(exact)) {
      assertThat(BigInteger.valueOf(usd(a).times(n).amount())).isEqualTo(exact);
    } else {
      assertThatThrownBy(() -> usd(a).times(n))
          .isInstanceOfSatisfying(
              MoneyArithmeticException.class,
              e -> assertThat(e.problem()).isEqualTo("money-overflow"));
    }
  }

  /**
   * Law: a * n equals a added n times (a quantity times a unit price is the sum of the units), and
   * both overflow together.
   */
  @Property
  void timesEqualsRepeatedAddition(
      @ForAll("amounts") long a, @ForAll @IntRange(min = 0, max = 100) int n) {
    Money repeated = usd(0);
    MoneyArithmeticException repeatedFailure = null;
    try {
      for (int i = 0; i < n; i++) {
        repeated = repeated.plus(usd(a));
      }
    } catch (MoneyArithmeticException e) {
      repeatedFailure = e;
    }
    if (repeatedFailure == null) {
      assertThat(usd(a).times(n)).isEqualTo(repeated);
    } else {
      assertThatThrownBy(() -> usd(a).times(n)).isInstanceOf(MoneyArithmeticException.class);
    }
  }

  /**
   * Law: parse(toDecimal().toPlainString()) gives back the same amount, for every long and for
   * currencies with 0, 2 and 3 fraction digits.
   */
  @Property
  void parseOfToDecimalRoundTripsEveryAmount(
      @ForAll("amounts") long amount, @ForAll("currencyCodes") String code) {
    Money money = Money.of(amount, code);

    assertThat(Money.parse(money.toDecimal().toPlainString(), code)).isEqualTo(money);
  }

  /** Law: parse of the decimal in toString() gives back the same amount. */
  @Property
  void parseOfToStringRoundTripsEveryAmount(
      @ForAll("amounts") long amount, @ForAll("currencyCodes") String code) {
    Money money = Money.of(amount, code);
    String decimal = money.toString().substring(4);

    assertThat(Money.parse(decimal, code)).isEqualTo(money);
  }

  /**
   * Law: parse never rounds. A decimal is either taken at exactly its value, or refused because it
   * has more (non-zero) fraction digits than the currency or does not fit.
   */
  @Property
  void parseIsExactOrRefusesNeverRounds(
      @ForAll("amounts") long unscaled,
      @ForAll @IntRange(min = -3, max = 6) int scale,
      @ForAll("currencyCodes") String code) {
    BigDecimal decimal = BigDecimal.valueOf(unscaled, scale);
    int digits = Money.of(0, code).currency().getDefaultFractionDigits();
    BigDecimal minor = decimal.movePointRight(digits);
    boolean representable =
        minor.stripTrailingZeros().scale() <= 0 && fitsInLong(minor.toBigInteger());
    Statistics.label("representable").collect(representable);
    if (representable) {
      Money parsed = Money.parse(decimal.toString(), code);
      assertThat(parsed.toDecimal()).isEqualByComparingTo(decimal);
    } else {
      assertThatThrownBy(() -> Money.parse(decimal.toString(), code))
          .isInstanceOfSatisfying(
              ValidationException.class, e -> assertThat(e.field()).isEqualTo("amount"));
    }
    Statistics.label("representable")
        .coverage(
            c -> {
              c.check(true).percentage(p -> p > 10);
              c.check(false).percentage(p -> p > 10);
            });
  }

  /**
   * Law: summing many amounts never loses a cent. The running sum is the exact BigInteger sum, or
   * it throws money-overflow exactly when some running total leaves the long range.
   */
  @Property
  void sumOfManyAmountsIsExactOrThrows(@ForAll @Size(max = 60) List<@From("amounts") Long> list) {
    BigInteger exact = BigInteger.ZERO;
    boolean prefixOverflows = false;
    for (long amount : list) {
      exact = exact.add(BigInteger.valueOf(amount));
      prefixOverflows |= !fitsInLong(exact);
    }
    Statistics.label("overflow").collect(prefixOverflows);
    if (prefixOverflows) {
      assertThatThrownBy(() -> sum(list))
          .isInstanceOfSatisfying(
              MoneyArithmeticException.class,
              e -> assertThat(e.problem()).isEqualTo("money-overflow"));
    } else {
      assertThat(BigInteger.valueOf(sum(list).amount())).isEqualTo(exact);
    }
  }

  /** Law: sums of small amounts, such as prices in a cart, are always exact. */
  @Property
  void sumOfCartSizedAmountsIsAlwaysExact(
      @ForAll @Size(max = 100)
          List<@LongRange(min = -10_000_000_000L, max = 10_000_000_000L) Long> list) {
    long expected = list.stream().mapToLong(Long::longValue).sum();

    assertThat(sum(list).amount()).isEqualTo(expected);
  }

  /** Law: compareTo on amounts of one currency agrees with comparing the minor units. */
  @Property
  void compareToAgreesWithTheMinorUnits(@ForAll("amounts") long a, @ForAll("amounts") long b) {
    assertThat(Integer.signum(usd(a).compareTo(usd(b)))).isEqualTo(Long.signum(Long.compare(a, b)));
  }

  /** Law: amounts in two different currencies never combine, whatever their values. */
  @Property
  void differentCurrenciesNeverCombine(@ForAll("amounts") long a, @ForAll("amounts") long b) {
    assertThatThrownBy(() -> Money.of(a, "USD").plus(Money.of(b, "EUR")))
        .isInstanceOfSatisfying(
            MoneyArithmeticException.class,
            e -> assertThat(e.problem()).isEqualTo("currency-mismatch"));
  }

  private static Money sum(List<Long> amounts) {
    Money total = usd(0);
    for (long amount : amounts) {
      total = total.plus(usd(amount));
    }
    return total;
  }
}

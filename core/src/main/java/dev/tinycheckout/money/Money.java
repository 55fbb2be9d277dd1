package dev.tinycheckout.money;

import dev.tinycheckout.ValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of money: a {@code long} count of the currency's minor units (cents for USD, yen
 * for JPY) and an ISO 4217 currency. There is no {@code double} anywhere, so no cent is ever lost
 * to rounding; every operation that could overflow a {@code long} throws instead of wrapping.
 *
 * <p>Instances are immutable and thread-safe. Two amounts in different currencies never combine or
 * compare: that throws {@link MoneyArithmeticException}.
 *
 * <pre>{@code
 * Money price = Money.of(100, "USD");        // $1.00
 * Money total = price.times(3);              // $3.00
 * Money parsed = Money.parse("19.99", "EUR"); // 1999 minor units
 * }</pre>
 *
 * @param amount the amount in minor units; may be negative (a refund) or zero
 * @param currency the ISO 4217 currency; only currencies with minor units defined (not XAU, XXX...)
 */
public record Money(long amount, Currency currency) implements Comparable<Money> {

  /**
   * Validates the currency.
   *
   * @param amount the amount in minor units; may be negative (a refund) or zero
   * @param currency the ISO 4217 currency; only currencies with minor units defined (not XAU,
   *     XXX...)
   * @throws ValidationException if the currency has no defined minor unit (such as gold, XAU)
   */
  public Money {
    Objects.requireNonNull(currency, "currency");
    if (currency.getDefaultFractionDigits() < 0) {
      throw new ValidationException(
          "currency",
          "must have defined minor units (ISO 4217), but was " + currency.getCurrencyCode());
    }
  }

  /**
   * An amount in minor units of the currency with the given ISO 4217 code.
   *
   * @param amount minor units
   * @param currencyCode three upper-case letters, such as {@code USD}
   * @return the amount
   * @throws ValidationException if the code is not a known ISO 4217 currency with minor units
   */
  public static Money of(long amount, String currencyCode) {
    return new Money(amount, currency(currencyCode));
  }

  /**
   * Zero in the given currency.
   *
   * @param currency the currency
   * @return zero minor units
   */
  public static Money zero(Currency currency) {
    return new Money(0, currency);
  }

  /**
   * Parses a decimal amount in major units, such as {@code "19.99"} for EUR, exactly.
   *
   * @param decimal the amount; at most as many fraction digits as the currency has
   * @param currencyCode the ISO 4217 code
   * @return the amount
   * @throws ValidationException if the text is not a decimal number, has more fraction digits than
   *     the currency allows (it is never rounded), or does not fit in a {@code long} of minor units
   */
  public static Money parse(String decimal, String currencyCode) {
    Objects.requireNonNull(decimal, "decimal");
    Currency currency = currency(currencyCode);
    BigDecimal value;
    try {
      value = new BigDecimal(decimal.strip());
    } catch (NumberFormatException e) {
      throw new ValidationException(
          "amount", "must be a decimal number, but was '" + decimal + "'");
    }
    int digits = currency.getDefaultFractionDigits();
    BigDecimal exact = value.stripTrailingZeros();
    // Checked before setScale, which would otherwise build a number with a billion digits for
    // input such as "1e999999999" or "1e-999999999". A long has at most 19 digits.
    if (exact.scale() > digits || exact.precision() - exact.scale() > 19) {
      throw tooPrecise(decimal, digits);
    }
    try {
      BigDecimal minor = exact.setScale(digits, RoundingMode.UNNECESSARY);
      return new Money(minor.unscaledValue().longValueExact(), currency);
    } catch (ArithmeticException e) {
      throw tooPrecise(decimal, digits);
    }
  }

  private static ValidationException tooPrecise(String decimal, int digits) {
    return new ValidationException(
        "amount",
        "must have at most "
            + digits
            + " fraction digits and fit in a long of minor units, but was "
            + decimal);
  }

  private static Currency currency(String code) {
    Objects.requireNonNull(code, "currencyCode");
    if (!code.matches("[A-Z]{3}")) {
      throw new ValidationException(
          "currency", "must be three upper-case letters (ISO 4217), but was '" + code + "'");
    }
    try {
      return Currency.getInstance(code);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(
          "currency", "must be a known ISO 4217 currency, but was '" + code + "'");
    }
  }

  /**
   * The sum of this and another amount of the same currency.
   *
   * @param other the amount to add
   * @return the exact sum
   * @throws MoneyArithmeticException if the currencies differ or the sum overflows
   */
  public Money plus(Money other) {
    requireSameCurrency(other);
    try {
      return new Money(Math.addExact(amount, other.amount), currency);
    } catch (ArithmeticException e) {
      throw MoneyArithmeticException.overflow(this + " + " + other);
    }
  }

  /**
   * The difference of this and another amount of the same currency.
   *
   * @param other the amount to subtract
   * @return the exact difference
   * @throws MoneyArithmeticException if the currencies differ or the difference overflows
   */
  public Money minus(Money other) {
    requireSameCurrency(other);
    try {
      return new Money(Math.subtractExact(amount, other.amount), currency);
    } catch (ArithmeticException e) {
      throw MoneyArithmeticException.overflow(this + " - " + other);
    }
  }

  /**
   * This amount multiplied by a whole number, such as a quantity.
   *
   * @param factor the multiplier
   * @return the exact product
   * @throws MoneyArithmeticException if the product overflows
   */
  public Money times(long factor) {
    try {
      return new Money(Math.multiplyExact(amount, factor), currency);
    } catch (ArithmeticException e) {
      throw MoneyArithmeticException.overflow(this + " * " + factor);
    }
  }

  /**
   * Whether this amount is zero.
   *
   * @return {@code amount() == 0}
   */
  public boolean isZero() {
    return amount == 0;
  }

  /**
   * Whether this amount is below zero.
   *
   * @return {@code amount() < 0}
   */
  public boolean isNegative() {
    return amount < 0;
  }

  /**
   * This amount in major units, exactly, such as {@code 1.00} for 100 USD minor units.
   *
   * @return a decimal with the currency's number of fraction digits
   */
  public BigDecimal toDecimal() {
    return BigDecimal.valueOf(amount, currency.getDefaultFractionDigits());
  }

  /**
   * Compares two amounts of the same currency.
   *
   * @throws MoneyArithmeticException if the currencies differ
   */
  @Override
  public int compareTo(Money other) {
    requireSameCurrency(other);
    return Long.compare(amount, other.amount);
  }

  private void requireSameCurrency(Money other) {
    Objects.requireNonNull(other, "other");
    if (!currency.equals(other.currency)) {
      throw MoneyArithmeticException.currencyMismatch(this, other);
    }
  }

  /** Returns the currency code and the decimal amount, such as {@code USD 1.00}. */
  @Override
  public String toString() {
    return currency.getCurrencyCode() + " " + toDecimal().toPlainString();
  }
}

package dev.tinycheckout.money;

import dev.tinycheckout.TinyCheckoutException;

/**
 * Money arithmetic that cannot give an exact answer: the result does not fit in a {@code long} of
 * minor units, or the two amounts are in different currencies. tinycheckout never wraps around or
 * converts silently.
 */
public final class MoneyArithmeticException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  private MoneyArithmeticException(String problem, String message) {
    super(problem, message, null);
  }

  static MoneyArithmeticException overflow(String expression) {
    return new MoneyArithmeticException(
        "money-overflow", "amount out of range: " + expression + " does not fit in a long");
  }

  static MoneyArithmeticException currencyMismatch(Money a, Money b) {
    return new MoneyArithmeticException(
        "currency-mismatch",
        "cannot combine "
            + a.currency().getCurrencyCode()
            + " and "
            + b.currency().getCurrencyCode()
            + " amounts ("
            + a
            + ", "
            + b
            + ")");
  }
}

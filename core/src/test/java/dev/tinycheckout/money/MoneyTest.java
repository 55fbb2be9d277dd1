package dev.tinycheckout.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MoneyTest {

  @Test
  void ofHoldsMinorUnitsAndTheCurrency() {
    Money money = Money.of(1999, "EUR");

    assertThat(money.amount()).isEqualTo(1999);
    assertThat(money.currency()).isEqualTo(Currency.getInstance("EUR"));
  }

  @Test
  void zeroIsZeroInTheGivenCurrency() {
    Money zero = Money.zero(Currency.getInstance("JPY"));

    assertThat(zero).isEqualTo(Money.of(0, "JPY"));
    assertThat(zero.isZero()).isTrue();
    assertThat(zero.isNegative()).isFalse();
  }

  @Test
  void negativeAmountsAreAllowedAndReportedAsNegative() {
    assertThat(Money.of(-1, "USD").isNegative()).isTrue();
    assertThat(Money.of(-1, "USD").isZero()).isFalse();
  }

  @Test
  void unknownCurrencyCodeIsRefusedNamingTheCurrencyField() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.of(1, "ABC"));

    assertThat(e.field()).isEqualTo("currency");
    assertThat(e.reason()).contains("'ABC'");
    assertThat(e.problem()).isEqualTo("validation-failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"usd", "Usd", "US", "USDX", "", "U$D", " USD"})
  void currencyCodeThatIsNotThreeUpperCaseLettersIsRefused(String code) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.of(1, code));

    assertThat(e.field()).isEqualTo("currency");
    assertThat(e.reason()).contains("three upper-case letters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"XAU", "XXX", "XDR"})
  void currencyWithoutMinorUnitsIsRefused(String code) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.of(1, code));

    assertThat(e.field()).isEqualTo("currency");
    assertThat(e.reason()).contains("minor units").contains(code);
  }

  @Test
  void currencyWithoutMinorUnitsIsRefusedByTheCanonicalConstructorToo() {
    assertThatThrownBy(() -> new Money(1, Currency.getInstance("XAU")))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("currency"));
  }

  @Test
  void nullCurrencyCodeFailsNamingTheParameter() {
    assertThatThrownBy(() -> Money.of(1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("currencyCode");
  }

  @Test
  void parseReadsMajorUnitsExactly() {
    assertThat(Money.parse("19.99", "EUR")).isEqualTo(Money.of(1999, "EUR"));
    assertThat(Money.parse("19.9", "EUR")).isEqualTo(Money.of(1990, "EUR"));
    assertThat(Money.parse("19", "EUR")).isEqualTo(Money.of(1900, "EUR"));
    assertThat(Money.parse("-0.01", "EUR")).isEqualTo(Money.of(-1, "EUR"));
  }

  @Test
  void parseUsesTheFractionDigitsOfTheCurrency() {
    assertThat(Money.parse("1500", "JPY")).isEqualTo(Money.of(1500, "JPY"));
    assertThat(Money.parse("1.5", "BHD")).isEqualTo(Money.of(1500, "BHD"));
    assertThat(Money.parse("1.005", "BHD")).isEqualTo(Money.of(1005, "BHD"));
  }

  @Test
  void parseAcceptsTrailingZerosBeyondTheMinorUnitBecauseTheyLoseNothing() {
    assertThat(Money.parse("1.000", "USD")).isEqualTo(Money.of(100, "USD"));
    assertThat(Money.parse("7.0", "JPY")).isEqualTo(Money.of(7, "JPY"));
  }

  @Test
  void parseNeverRoundsAThirdFractionDigitOfUsd() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.parse("1.005", "USD"));

    assertThat(e.field()).isEqualTo("amount");
    assertThat(e.reason()).contains("at most 2 fraction digits").contains("1.005");
  }

  @Test
  void parseNeverRoundsAFractionOfYen() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.parse("1.5", "JPY"));

    assertThat(e.field()).isEqualTo("amount");
    assertThat(e.reason()).contains("at most 0 fraction digits");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1,00", "1.2.3", "NaN", "Infinity", "0x10", "$1"})
  void parseRefusesTextThatIsNotADecimalNumber(String text) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.parse(text, "USD"));

    assertThat(e.field()).isEqualTo("amount");
    assertThat(e.reason()).contains("must be a decimal number");
  }

  @Test
  void parseRefusesAnAmountBeyondALongOfMinorUnits() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Money.parse("92233720368547758.08", "USD"));

    assertThat(e.field()).isEqualTo("amount");
  }

  @Test
  void parseAcceptsTheLargestAndSmallestLongOfMinorUnits() {
    assertThat(Money.parse("92233720368547758.07", "USD").amount()).isEqualTo(Long.MAX_VALUE);
    assertThat(Money.parse("-92233720368547758.08", "USD").amount()).isEqualTo(Long.MIN_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e999999999", "1e-999999999", "-9e99999999", "1E+2147483647"})
  @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void parseRefusesAHugeExponentQuicklyInsteadOfBuildingAHugeNumber(String text) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.parse(text, "USD"));

    assertThat(e.field()).isEqualTo("amount");
  }

  @Test
  void parseAcceptsZeroWithAnyExponent() {
    assertThat(Money.parse("0e-999999999", "USD")).isEqualTo(Money.of(0, "USD"));
    assertThat(Money.parse("0e999999999", "USD")).isEqualTo(Money.of(0, "USD"));
  }

  @Test
  void parseRefusesAnUnknownCurrencyNamingTheCurrencyField() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Money.parse("1.00", "usd"));

    assertThat(e.field()).isEqualTo("currency");
  }

  @Test
  void plusAddsMinorUnits() {
    assertThat(Money.of(150, "USD").plus(Money.of(-50, "USD"))).isEqualTo(Money.of(100, "USD"));
  }

  @Test
  void minusSubtractsMinorUnits() {
    assertThat(Money.of(150, "USD").minus(Money.of(200, "USD"))).isEqualTo(Money.of(-50, "USD"));
  }

  @Test
  void timesMultipliesByAWholeNumber() {
    assertThat(Money.of(1999, "EUR").times(3)).isEqualTo(Money.of(5997, "EUR"));
    assertThat(Money.of(1999, "EUR").times(0)).isEqualTo(Money.of(0, "EUR"));
    assertThat(Money.of(1999, "EUR").times(-1)).isEqualTo(Money.of(-1999, "EUR"));
  }

  @Test
  void plusThatOverflowsThrowsMoneyOverflow() {
    MoneyArithmeticException e =
        catchThrowableOfType(
            MoneyArithmeticException.class,
            () -> Money.of(Long.MAX_VALUE, "USD").plus(Money.of(1, "USD")));

    assertThat(e.problem()).isEqualTo("money-overflow");
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void minusThatOverflowsThrowsMoneyOverflow() {
    MoneyArithmeticException e =
        catchThrowableOfType(
            MoneyArithmeticException.class,
            () -> Money.of(Long.MIN_VALUE, "USD").minus(Money.of(1, "USD")));

    assertThat(e.problem()).isEqualTo("money-overflow");
  }

  @Test
  void timesThatOverflowsThrowsMoneyOverflow() {
    MoneyArithmeticException e =
        catchThrowableOfType(
            MoneyArithmeticException.class, () -> Money.of(Long.MIN_VALUE, "USD").times(-1));

    assertThat(e.problem()).isEqualTo("money-overflow");
  }

  @Test
  void plusInAnotherCurrencyThrowsCurrencyMismatchNamingBothCurrencies() {
    MoneyArithmeticException e =
        catchThrowableOfType(
            MoneyArithmeticException.class, () -> Money.of(1, "USD").plus(Money.of(1, "EUR")));

    assertThat(e.problem()).isEqualTo("currency-mismatch");
    assertThat(e).hasMessageContaining("USD").hasMessageContaining("EUR");
  }

  @Test
  void minusInAnotherCurrencyThrowsCurrencyMismatch() {
    assertThatThrownBy(() -> Money.of(1, "USD").minus(Money.of(1, "JPY")))
        .isInstanceOfSatisfying(
            MoneyArithmeticException.class,
            e -> assertThat(e.problem()).isEqualTo("currency-mismatch"));
  }

  @Test
  void compareToInAnotherCurrencyThrowsCurrencyMismatch() {
    assertThatThrownBy(() -> Money.of(1, "USD").compareTo(Money.of(1, "EUR")))
        .isInstanceOfSatisfying(
            MoneyArithmeticException.class,
            e -> assertThat(e.problem()).isEqualTo("currency-mismatch"));
  }

  @Test
  void compareToOrdersByAmount() {
    assertThat(Money.of(1, "USD")).isLessThan(Money.of(2, "USD"));
    assertThat(Money.of(-5, "USD")).isLessThan(Money.of(0, "USD"));
    assertThat(Money.of(3, "USD").compareTo(Money.of(3, "USD"))).isZero();
  }

  @Test
  void amountsInDifferentCurrenciesAreNotEqual() {
    assertThat(Money.of(100, "USD")).isNotEqualTo(Money.of(100, "EUR"));
  }

  @Test
  void toDecimalHasTheCurrencysFractionDigits() {
    assertThat(Money.of(100, "USD").toDecimal()).isEqualTo(new BigDecimal("1.00"));
    assertThat(Money.of(100, "JPY").toDecimal()).isEqualTo(new BigDecimal("100"));
    assertThat(Money.of(1, "BHD").toDecimal()).isEqualTo(new BigDecimal("0.001"));
  }

  @Test
  void toStringIsTheCodeAndThePlainDecimal() {
    assertThat(Money.of(100, "USD")).hasToString("USD 1.00");
    assertThat(Money.of(-5, "USD")).hasToString("USD -0.05");
    assertThat(Money.of(1500, "JPY")).hasToString("JPY 1500");
    assertThat(Money.of(1, "BHD")).hasToString("BHD 0.001");
  }

  @Test
  void toStringNeverUsesScientificNotation() {
    assertThat(Money.of(Long.MAX_VALUE, "JPY").toString()).doesNotContain("E");
    assertThat(Money.of(1, "BHD").toString()).doesNotContain("E");
  }
}

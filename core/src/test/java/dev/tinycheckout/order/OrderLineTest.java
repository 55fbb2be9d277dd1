package dev.tinycheckout.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.money.MoneyArithmeticException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderLineTest {
  private static final Sku SKU = Sku.of("tea");
  private static final Money PRICE = Money.of(250, "EUR");

  @Test
  void ofComputesTheLineTotal() {
    OrderLine line = OrderLine.of(SKU, 3, PRICE);

    assertThat(line.lineTotal()).isEqualTo(Money.of(750, "EUR"));
    assertThat(line.quantity()).isEqualTo(3);
    assertThat(line.unitPrice()).isEqualTo(PRICE);
    assertThat(line.sku()).isEqualTo(SKU);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100})
  void acceptsTheQuantityBounds(int quantity) {
    assertThat(OrderLine.of(SKU, quantity, PRICE).quantity()).isEqualTo(quantity);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 101, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void refusesAQuantityOutsideOneToOneHundred(int quantity) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> OrderLine.of(SKU, quantity, PRICE));

    assertThat(e.field()).isEqualTo("quantity");
    assertThat(e.reason()).contains("between 1 and 100, but was " + quantity);
  }

  @Test
  void theConstructorRefusesAQuantityOutOfRangeToo() {
    assertThatThrownBy(() -> new OrderLine(SKU, 0, PRICE, Money.of(0, "EUR")))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("quantity"));
  }

  @Test
  void refusesALineTotalThatIsNotUnitPriceTimesQuantity() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> new OrderLine(SKU, 3, PRICE, Money.of(749, "EUR")));

    assertThat(e.field()).isEqualTo("lineTotal");
    assertThat(e.reason()).contains("EUR 7.50").contains("EUR 7.49");
  }

  @Test
  void refusesALineTotalInAnotherCurrency() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> new OrderLine(SKU, 3, PRICE, Money.of(750, "USD")));

    assertThat(e.field()).isEqualTo("lineTotal");
  }

  @Test
  void aLineTotalThatOverflowsThrowsMoneyOverflow() {
    assertThatThrownBy(() -> OrderLine.of(SKU, 2, Money.of(Long.MAX_VALUE, "EUR")))
        .isInstanceOfSatisfying(
            MoneyArithmeticException.class,
            e -> assertThat(e.problem()).isEqualTo("money-overflow"));
  }
}

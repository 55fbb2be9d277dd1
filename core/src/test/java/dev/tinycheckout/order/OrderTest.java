package dev.tinycheckout.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.money.MoneyArithmeticException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OrderTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final OrderId ID =
      OrderId.generate(Clock.fixed(NOW, ZoneOffset.UTC), new SplittableRandom(1));
  private static final Email EMAIL = Email.of("ann@example.com");

  private static OrderLine line(String sku, int quantity, long unitPrice) {
    return OrderLine.of(Sku.of(sku), quantity, Money.of(unitPrice, "USD"));
  }

  private static List<OrderLine> lines(int count) {
    return IntStream.range(0, count).mapToObj(i -> line("sku-" + i, 1, 100)).toList();
  }

  private static Order pending() {
    return Order.create(ID, List.of(line("tea", 2, 250), line("cup", 1, 900)), EMAIL, NOW);
  }

  private static Order in(OrderStatus status) {
    Order order = pending();
    return status == OrderStatus.PENDING_PAYMENT
        ? order
        : new Order(
            order.id(),
            status,
            order.lines(),
            order.total(),
            order.email(),
            order.createdAt(),
            order.updatedAt());
  }

  @Test
  void createComputesTheTotalFromTheLines() {
    assertThat(pending().total()).isEqualTo(Money.of(1400, "USD"));
  }

  @Test
  void createStartsPendingPaymentWithUpdatedAtEqualToCreatedAt() {
    Order order = pending();

    assertThat(order.status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(order.createdAt()).isEqualTo(NOW);
    assertThat(order.updatedAt()).isEqualTo(NOW);
  }

  @Test
  void keepsTheLinesInTheOrderTheCustomerGave() {
    assertThat(pending().lines()).extracting(l -> l.sku().value()).containsExactly("tea", "cup");
  }

  @Test
  void copiesTheLinesSoLaterChangesToTheListDoNotLeakIn() {
    List<OrderLine> given = new ArrayList<>(List.of(line("tea", 1, 100)));
    Order order = Order.create(ID, given, EMAIL, NOW);

    given.add(line("cup", 1, 100));

    assertThat(order.lines()).hasSize(1);
  }

  @Test
  void linesCannotBeModified() {
    assertThatThrownBy(() -> pending().lines().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void acceptsTwentyLines() {
    assertThat(Order.create(ID, lines(20), EMAIL, NOW).lines()).hasSize(20);
  }

  @Test
  void createRefusesNoLines() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Order.create(ID, List.of(), EMAIL, NOW));

    assertThat(e.field()).isEqualTo("items");
    assertThat(e.reason()).contains("but had 0");
  }

  @Test
  void constructorRefusesNoLines() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> new Order(ID, OrderStatus.PAID, List.of(), Money.of(0, "USD"), EMAIL, NOW, NOW));

    assertThat(e.field()).isEqualTo("items");
  }

  @Test
  void refusesTwentyOneLines() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> Order.create(ID, lines(21), EMAIL, NOW));

    assertThat(e.field()).isEqualTo("items");
    assertThat(e.reason()).contains("1 to 20").contains("but had 21");
  }

  @Test
  void refusesTwoLinesWithTheSameSku() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> Order.create(ID, List.of(line("tea", 1, 100), line("tea", 2, 100)), EMAIL, NOW));

    assertThat(e.field()).isEqualTo("items");
    assertThat(e.reason()).contains("'tea'");
  }

  @Test
  void refusesATotalThatIsNotTheSumOfTheLines() {
    Order order = pending();

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () ->
                new Order(
                    ID,
                    OrderStatus.PENDING_PAYMENT,
                    order.lines(),
                    Money.of(1401, "USD"),
                    EMAIL,
                    NOW,
                    NOW));

    assertThat(e.field()).isEqualTo("total");
    assertThat(e.reason()).contains("USD 14.00").contains("USD 14.01");
  }

  @Test
  void refusesLinesInMixedCurrencies() {
    List<OrderLine> mixed =
        List.of(line("tea", 1, 100), OrderLine.of(Sku.of("cup"), 1, Money.of(100, "EUR")));

    assertThatThrownBy(() -> Order.create(ID, mixed, EMAIL, NOW))
        .isInstanceOfSatisfying(
            MoneyArithmeticException.class,
            e -> assertThat(e.problem()).isEqualTo("currency-mismatch"));
  }

  @Test
  void refusesATotalInAnotherCurrencyThanTheLines() {
    assertThatThrownBy(
            () ->
                new Order(
                    ID,
                    OrderStatus.PENDING_PAYMENT,
                    List.of(line("tea", 1, 100)),
                    Money.of(100, "EUR"),
                    EMAIL,
                    NOW,
                    NOW))
        .isInstanceOf(MoneyArithmeticException.class);
  }

  @Test
  void refusesUpdatedAtBeforeCreatedAt() {
    Order order = pending();

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () ->
                new Order(
                    ID,
                    OrderStatus.PENDING_PAYMENT,
                    order.lines(),
                    order.total(),
                    EMAIL,
                    NOW,
                    NOW.minusMillis(1)));

    assertThat(e.field()).isEqualTo("updatedAt");
  }

  @Test
  void transitionToALegalStatusChangesStatusAndUpdatedAtOnly() {
    Order order = pending();
    Instant later = NOW.plusSeconds(5);

    Order paid = order.transitionTo(OrderStatus.PAID, later);

    assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
    assertThat(paid.updatedAt()).isEqualTo(later);
    assertThat(paid)
        .usingRecursiveComparison()
        .ignoringFields("status", "updatedAt")
        .isEqualTo(order);
  }

  @Test
  void transitionToLeavesTheOriginalOrderUnchanged() {
    Order order = pending();

    order.transitionTo(OrderStatus.CANCELLED, NOW.plusSeconds(1));

    assertThat(order.status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
  }

  @Test
  void paidOrderCanBeWithdrawn() {
    Order withdrawn =
        pending()
            .transitionTo(OrderStatus.PAID, NOW.plusSeconds(1))
            .transitionTo(OrderStatus.WITHDRAWN, NOW.plusSeconds(2));

    assertThat(withdrawn.status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  @Test
  void transitionToATimeBeforeCreationKeepsUpdatedAtAtCreation() {
    Order paid = pending().transitionTo(OrderStatus.PAID, NOW.minusSeconds(60));

    assertThat(paid.updatedAt()).isEqualTo(NOW);
  }

  @ParameterizedTest
  @EnumSource(OrderStatus.class)
  void everyIllegalTransitionThrowsWithFromAndTo(OrderStatus from) {
    Order order = in(from);
    for (OrderStatus to : OrderStatus.values()) {
      if (from.canTransitionTo(to)) {
        continue;
      }
      IllegalOrderTransitionException e =
          catchThrowableOfType(
              IllegalOrderTransitionException.class, () -> order.transitionTo(to, NOW));

      assertThat(e).as("%s -> %s", from, to).isNotNull();
      assertThat(e.from()).isEqualTo(from);
      assertThat(e.to()).isEqualTo(to);
      assertThat(e.orderId()).isEqualTo(ID);
      assertThat(e.problem()).isEqualTo("illegal-order-transition");
    }
  }

  @Test
  void illegalTransitionMessageNamesTheOrderAndTheAllowedTargets() {
    Order paid = in(OrderStatus.PAID);

    assertThatThrownBy(() -> paid.transitionTo(OrderStatus.CANCELLED, NOW))
        .hasMessageContaining(ID.toString())
        .hasMessageContaining("from PAID to CANCELLED")
        .hasMessageContaining("WITHDRAWN");
  }

  @Test
  void withdrawingTwiceIsIllegal() {
    Order withdrawn = in(OrderStatus.WITHDRAWN);

    assertThatThrownBy(() -> withdrawn.transitionTo(OrderStatus.WITHDRAWN, NOW))
        .isInstanceOf(IllegalOrderTransitionException.class);
  }
}

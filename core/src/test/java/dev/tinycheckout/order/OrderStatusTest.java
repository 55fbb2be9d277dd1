package dev.tinycheckout.order;

import static dev.tinycheckout.order.OrderStatus.CANCELLED;
import static dev.tinycheckout.order.OrderStatus.PAID;
import static dev.tinycheckout.order.OrderStatus.PENDING_PAYMENT;
import static dev.tinycheckout.order.OrderStatus.WITHDRAWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrderStatusTest {
  private static final Map<OrderStatus, Set<OrderStatus>> LEGAL =
      Map.of(
          PENDING_PAYMENT, EnumSet.of(PAID, CANCELLED),
          PAID, EnumSet.of(WITHDRAWN),
          CANCELLED, EnumSet.noneOf(OrderStatus.class),
          WITHDRAWN, EnumSet.noneOf(OrderStatus.class));

  @Test
  void theStateMachineHasExactlyFourStatuses() {
    assertThat(OrderStatus.values()).containsExactly(PENDING_PAYMENT, PAID, CANCELLED, WITHDRAWN);
  }

  @Test
  void exactlyTheDrawnTransitionsAreLegalInTheFullMatrix() {
    for (OrderStatus from : OrderStatus.values()) {
      for (OrderStatus to : OrderStatus.values()) {
        assertThat(from.canTransitionTo(to))
            .as("%s -> %s", from, to)
            .isEqualTo(LEGAL.get(from).contains(to));
      }
    }
  }

  @Test
  void noStatusTransitionsToItself() {
    for (OrderStatus status : OrderStatus.values()) {
      assertThat(status.canTransitionTo(status)).as("%s -> %s", status, status).isFalse();
    }
  }

  @Test
  void successorsListTheLegalTargets() {
    for (OrderStatus from : OrderStatus.values()) {
      assertThat(from.successors()).as("successors of %s", from).isEqualTo(LEGAL.get(from));
    }
  }

  @Test
  void successorsCannotBeModified() {
    assertThatThrownBy(() -> PENDING_PAYMENT.successors().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void exactlyCancelledAndWithdrawnAreTerminal() {
    assertThat(EnumSet.allOf(OrderStatus.class).stream().filter(OrderStatus::isTerminal))
        .containsExactlyInAnyOrder(CANCELLED, WITHDRAWN);
  }

  @Test
  void aNullTargetFailsNamingTheParameter() {
    assertThatThrownBy(() -> PAID.canTransitionTo(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("next");
  }
}

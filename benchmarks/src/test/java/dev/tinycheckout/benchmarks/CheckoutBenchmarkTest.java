package dev.tinycheckout.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.order.OrderId;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls each benchmark method directly, untimed, so a broken benchmark fails the build. */
class CheckoutBenchmarkTest {
  private final CheckoutBenchmark bench = new CheckoutBenchmark();

  @BeforeEach
  void setUp() {
    bench.setUp();
  }

  @Test
  void placeOrderPlacesANewOrderOnEveryCall() {
    Set<OrderId> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      CheckoutResult result = i % 2 == 0 ? bench.placeOrder() : bench.placeOrderTwoThreads();
      assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
      assertThat(result.replayed()).isFalse();
      ids.add(result.orderId().orElseThrow());
    }
    assertThat(ids).hasSize(5);
  }

  @Test
  void replayAnswersTheSameStoredOrderOnEveryCall() {
    CheckoutResult first = bench.replay();
    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(first.replayed()).isTrue();
    for (int i = 0; i < 4; i++) {
      CheckoutResult again = i % 2 == 0 ? bench.replay() : bench.replayTwoThreads();
      assertThat(again.replayed()).isTrue();
      assertThat(again.orderId()).isEqualTo(first.orderId());
      assertThat(again.response()).isEqualTo(first.response());
    }
  }

  @Test
  void baselineReadsTheSeededProduct() {
    assertThat(bench.baseline())
        .hasValueSatisfying(p -> assertThat(p.sku()).isEqualTo(CheckoutBenchmark.SKU));
    assertThat(bench.baselineTwoThreads()).isPresent();
  }

  @Test
  void placedOrdersTakeStockFromTheSeededProduct() {
    long before = bench.baseline().orElseThrow().stock();
    bench.placeOrder();
    bench.placeOrder();
    assertThat(bench.baseline().orElseThrow().stock()).isEqualTo(before - 2);
  }

  @Test
  void fingerprintIsStableAcrossCalls() {
    assertThat(bench.fingerprint()).isEqualTo(bench.fingerprint());
    assertThat(bench.fingerprint().hex()).hasSize(64);
  }

  @Test
  void setUpStartsEachIterationFromAFreshStorage() {
    bench.placeOrder();
    bench.setUp();
    assertThat(bench.baseline().orElseThrow().stock()).isEqualTo(CheckoutBenchmark.STOCK - 1);
  }
}

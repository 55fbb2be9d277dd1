package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderLine;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link OrderStore}: orders round-trip exactly, ids are unique, and status changes
 * are compare-and-set along the {@link OrderStatus} state machine, also under concurrency.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcOrderStoreContractTest extends OrderStoreContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>Instants are compared exactly; the kit only stores instants of microsecond precision, so an
 * adapter must keep at least microseconds.
 */
public abstract class OrderStoreContract {
  private static final Instant T1 = T0.plusSeconds(90);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected OrderStoreContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event or consent) and that no other test
   * uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheOrderStoreContract() {
    storage = newStorage();
  }

  private Order insert(Order order) {
    storage.inTransaction(
        tx -> {
          tx.orders().insert(order);
          return order;
        });
    return order;
  }

  private Optional<Order> find(OrderId id) {
    return storage.inTransaction(tx -> tx.orders().find(id));
  }

  private Optional<Order> updateStatus(
      OrderId id, OrderStatus expected, OrderStatus next, Instant at) {
    return storage.inTransaction(tx -> tx.orders().updateStatus(id, expected, next, at));
  }

  @Test
  void anInsertedOrderIsFoundWithEveryFieldExactlyAsGiven() {
    Order order =
        new Order(
            Kit.orderId(1),
            OrderStatus.PENDING_PAYMENT,
            List.of(
                OrderLine.of(Sku.of("zebra-print"), 2, Money.of(19_999, "KWD")),
                OrderLine.of(Sku.of("Apple"), 100, Money.of(1, "KWD")),
                OrderLine.of(Sku.of("free-sticker"), 1, Money.of(0, "KWD"))),
            Money.of(40_098, "KWD"),
            Email.of("O'Brien.Ann+orders@Mail.Example.co.uk"),
            T0,
            T0);

    insert(order);

    assertThat(find(order.id())).contains(order);
  }

  @Test
  void findReturnsEmptyForAnUnknownOrder() {
    insert(Kit.order(Kit.orderId(1), T0));

    assertThat(find(Kit.orderId(2))).isEmpty();
  }

  @Test
  void insertingAnOrderWithAnExistingIdThrowsAndKeepsTheFirstOrder() {
    Order first = insert(Kit.order(Kit.orderId(1), T0));
    Order second =
        Order.create(
            first.id(),
            List.of(OrderLine.of(Sku.of("other"), 1, Money.of(5, "USD"))),
            Email.of("someone@example.com"),
            T1);

    assertThatThrownBy(() -> insert(second)).isInstanceOf(IllegalStateException.class);
    assertThat(find(first.id())).contains(first);
  }

  @Test
  void updateStatusMovesAnOrderThatIsInTheExpectedStatusAndStampsUpdatedAt() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));

    Optional<Order> paid =
        updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1);

    Order expected = order.transitionTo(OrderStatus.PAID, T1);
    assertThat(paid).contains(expected);
    assertThat(find(order.id())).contains(expected);
  }

  /**
   * Another instance whose clock runs behind the one that created the order (or an NTP step back)
   * must not make a paid order unreadable: {@code updatedAt} never precedes {@code createdAt}.
   */
  @Test
  void aStatusChangeStampedBeforeTheOrderWasCreatedKeepsUpdatedAtAtCreatedAt() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));

    Optional<Order> paid =
        updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T0.minusMillis(20));

    assertThat(paid).isPresent();
    assertThat(paid.orElseThrow().updatedAt()).isEqualTo(order.createdAt());
    assertThat(find(order.id()).orElseThrow().updatedAt()).isEqualTo(order.createdAt());
  }

  @Test
  void anOrderCanTravelEveryPathOfTheStateMachine() {
    Order toWithdraw = insert(Kit.order(Kit.orderId(1), T0));
    Order toCancel = insert(Kit.order(Kit.orderId(2), T0));
    Instant t2 = T1.plusSeconds(1);

    updateStatus(toWithdraw.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1);
    Optional<Order> withdrawn =
        updateStatus(toWithdraw.id(), OrderStatus.PAID, OrderStatus.WITHDRAWN, t2);
    Optional<Order> cancelled =
        updateStatus(toCancel.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, t2);

    assertThat(withdrawn).map(Order::status).contains(OrderStatus.WITHDRAWN);
    assertThat(cancelled).map(Order::status).contains(OrderStatus.CANCELLED);
    assertThat(find(toWithdraw.id())).map(Order::status).contains(OrderStatus.WITHDRAWN);
    assertThat(find(toCancel.id())).map(Order::updatedAt).contains(t2);
  }

  @Test
  void updateStatusReturnsEmptyAndChangesNothingWhenTheOrderIsNotInTheExpectedStatus() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));
    Order paid =
        updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1).orElseThrow();

    Optional<Order> cancelled =
        updateStatus(
            order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, T1.plusSeconds(1));
    Optional<Order> paidAgain =
        updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1.plusSeconds(2));

    assertThat(cancelled).isEmpty();
    assertThat(paidAgain).isEmpty();
    assertThat(find(order.id())).contains(paid);
  }

  @Test
  void updateStatusReturnsEmptyForAnUnknownOrderAndCreatesNothing() {
    OrderId unknown = Kit.orderId(7);

    assertThat(updateStatus(unknown, OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1)).isEmpty();
    assertThat(find(unknown)).isEmpty();
  }

  @Test
  void updateStatusRejectsATransitionTheStateMachineForbidsAndChangesNothing() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));
    Order paid =
        updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1).orElseThrow();

    assertThatThrownBy(
            () -> updateStatus(order.id(), OrderStatus.PAID, OrderStatus.PENDING_PAYMENT, T1))
        .isInstanceOfSatisfying(
            IllegalOrderTransitionException.class,
            e -> {
              assertThat(e.orderId()).isEqualTo(order.id());
              assertThat(e.from()).isEqualTo(OrderStatus.PAID);
              assertThat(e.to()).isEqualTo(OrderStatus.PENDING_PAYMENT);
            });
    assertThatThrownBy(() -> updateStatus(order.id(), OrderStatus.PAID, OrderStatus.PAID, T1))
        .isInstanceOf(IllegalOrderTransitionException.class);
    assertThat(find(order.id())).contains(paid);
  }

  @Test
  void aPendingOrderCannotBeWithdrawn() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));

    assertThatThrownBy(
            () -> updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.WITHDRAWN, T1))
        .isInstanceOf(IllegalOrderTransitionException.class);
    assertThat(find(order.id())).contains(order);
  }

  @Test
  void ofManyConcurrentWithdrawalsOfOnePaidOrderExactlyOneWins() {
    Order order = insert(Kit.order(Kit.orderId(1), T0));
    updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, T1);
    int withdrawals = 8;

    List<Optional<Order>> results =
        Kit.values(
            Kit.race(
                withdrawals,
                withdrawals,
                i ->
                    Kit.inTransactionRetrying(
                        storage,
                        tx ->
                            tx.orders()
                                .updateStatus(
                                    order.id(),
                                    OrderStatus.PAID,
                                    OrderStatus.WITHDRAWN,
                                    T1.plusSeconds(1 + i)))));

    assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
    Order winner = results.stream().flatMap(Optional::stream).findFirst().orElseThrow();
    assertThat(find(order.id())).contains(winner);
    assertThat(winner.status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  /**
   * The law of round-trips: any valid order, whatever its lines, amounts, currency, email and
   * instants, is found exactly as it was inserted.
   *
   * @param order a generated order
   */
  @Property(tries = 50)
  void everyOrderIsFoundExactlyAsItWasInserted(@ForAll("orders") Order order) {
    CheckoutStorage fresh = newStorage();

    fresh.inTransaction(
        tx -> {
          tx.orders().insert(order);
          return order;
        });

    Optional<Order> found = fresh.inTransaction(tx -> tx.orders().find(order.id()));
    assertThat(found).contains(order);
  }

  @Provide
  Arbitrary<Order> orders() {
    Arbitrary<String> currencies = Arbitraries.of("EUR", "JPY", "KWD", "USD", "CHF");
    Arbitrary<Instant> instants =
        Arbitraries.longs()
            .between(0, 4_000_000_000_000_000L)
            .map(micros -> Instant.EPOCH.plusNanos(micros * 1000));
    Arbitrary<String> emails =
        Arbitraries.of(
            "a@b.co",
            "Ann.Smith+shop@Example.org",
            "o'brien@mail.example.co.uk",
            "x_y-z.{tag}@sub-domain.example.museum");
    return Combinators.combine(
            Arbitraries.longs().between(1, 1_000_000),
            currencies,
            Arbitraries.integers().between(0, 1_000_000).list().ofMinSize(1).ofMaxSize(20),
            Arbitraries.integers().between(1, 100).list().ofSize(20),
            emails,
            instants,
            Arbitraries.longs().between(0, 10_000_000_000L),
            Arbitraries.of(OrderStatus.class))
        .as(
            (seed, currency, prices, quantities, email, createdAt, laterMicros, status) -> {
              List<OrderLine> lines = new ArrayList<>();
              for (int i = 0; i < prices.size(); i++) {
                lines.add(
                    OrderLine.of(
                        Sku.of("sku-" + (prices.size() - i) + "-" + Long.toString(seed, 36)),
                        quantities.get(i),
                        Money.of(prices.get(i), currency)));
              }
              Order created = Order.create(Kit.orderId(seed), lines, Email.of(email), createdAt);
              return new Order(
                  created.id(),
                  status,
                  created.lines(),
                  created.total(),
                  created.email(),
                  createdAt,
                  createdAt.plusNanos(laterMicros * 1000));
            });
  }
}

package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutConfig;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.checkout.WithdrawalResult;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.AlreadyWithdrawnException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderNotFoundException;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.WithdrawalPeriodExpiredException;
import dev.tinycheckout.order.WithdrawalRightWaivedException;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotent checkout of {@link Checkout} run end to end over the storage under test, with
 * core's {@link TestPaymentGateway} and a {@link TestClock}: first request, byte-identical replays,
 * reused keys, scopes, validation failures that store nothing, stored business outcomes, expiry and
 * purging, withdrawals (and their refusals, which store nothing), the consent trail they leave (one
 * entry per purpose, chained, verifiable, sealed), and the concurrency guarantees (one order per
 * key, no oversell, one withdrawal per order, one unbroken consent chain).
 *
 * <p>The store contracts check each rule in isolation; this kit checks that an adapter which passes
 * them also carries the whole checkout, where the rules meet. To run it, extend it and return a
 * fresh, empty storage from {@link #newStorage()}:
 *
 * <pre>
 * class JdbcCheckoutContractTest extends CheckoutContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>The checkout runs with {@link #CONFIG}. An order is counted through the ids the checkout
 * returns and the idempotency records' references, since the SPI has no "list all orders".
 */
public abstract class CheckoutContract {
  /**
   * The configuration of the checkout under test: a 30 s lease, a 1 h retention, and 10 attempts
   * per unit of work, so that the retryable failures an adapter legitimately reports when many
   * requests race for one key (a lost insert, a serialization failure) are retried, not surfaced.
   */
  public static final CheckoutConfig CONFIG =
      CheckoutConfig.builder()
          .lease(Duration.ofSeconds(30))
          .retention(Duration.ofHours(1))
          .transactionAttempts(10)
          .build();

  private static final String TERMS = "2026-11-01";
  private static final String TERMS_TEXT = "Terms of sale, 1 November 2026: …";
  private static final Sku MUG = Sku.of("mug");
  private static final Sku BOOK = Sku.of("book");
  private static final long INITIAL_STOCK = 1000;

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  @SuppressWarnings("NullAway.Init") // set before each test
  private TestClock clock;

  @SuppressWarnings("NullAway.Init") // set before each test
  private TestPaymentGateway gateway;

  @SuppressWarnings("NullAway.Init") // set before each test
  private Checkout checkout;

  @SuppressWarnings("NullAway.Init") // set before each test
  private ConsentAudit audit;

  /** For subclasses. */
  protected CheckoutContract() {}

  /**
   * Creates the storage under test. Called before every test; it must return a storage that holds
   * nothing (no product, order, key, event or consent) and that no other test uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheCheckoutContract() {
    storage = newStorage();
    clock = TestClock.at(T0);
    gateway = new TestPaymentGateway();
    // Chaining passes run on the request's thread, so none outlives a test.
    audit =
        ConsentAudit.builder(storage)
            .subjectSecret(new byte[32])
            .clock(clock)
            .chainExecutor(Runnable::run)
            .chainDelay(Duration.ZERO)
            .build();
    checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms(TERMS, TERMS_TEXT)
            .consentAudit(audit)
            .clock(clock)
            .config(CONFIG)
            .build();
    stock(MUG, INITIAL_STOCK);
    stock(BOOK, INITIAL_STOCK);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void stock(Sku sku, long units) {
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(sku, "Product " + sku, Money.of(1250, "EUR"), units, clock.instant()));
  }

  private long stockOf(Sku sku) {
    return storage.inTransaction(tx -> tx.products().find(sku)).orElseThrow().stock();
  }

  private Optional<IdempotencyRecord> recordOf(IdempotencyKey key) {
    return storage.inTransaction(tx -> tx.idempotency().find(key));
  }

  private Order orderOf(OrderId id) {
    return storage
        .inTransaction(tx -> tx.orders().find(id))
        .orElseThrow(() -> new AssertionError("order " + id + " is not in the storage"));
  }

  private List<OutboxEvent> eventsOf(OrderId id) {
    return storage.inTransaction(tx -> tx.outbox().findByAggregate(id.toString()));
  }

  private static CheckoutRequest.Builder request(int mugs) {
    return CheckoutRequest.builder()
        .item(MUG.value(), mugs)
        .item(BOOK.value(), 1)
        .email("ann@example.com")
        .acceptedTerms(TERMS)
        .paymentToken(TestPaymentGateway.APPROVE);
  }

  private CheckoutResult place(IdempotencyKey key, CheckoutRequest request) {
    return checkout.placeOrder(key, request);
  }

  /** Places a paid order of 2 mugs and 1 book for ann@example.com and returns its id. */
  private OrderId paidOrder(String checkoutKey) {
    return place(IdempotencyKey.of(checkoutKey), request(2).build()).orderId().orElseThrow();
  }

  private static WithdrawalRequest withdrawal(OrderId id) {
    return WithdrawalRequest.of(id, Email.of("ann@example.com"));
  }

  private WithdrawalResult withdraw(IdempotencyKey key, WithdrawalRequest request) {
    return checkout.withdraw(key, request);
  }

  /** The order's consent entries, once everything staged is chained. */
  private List<ConsentEntry> consentsOf(OrderId id) {
    audit.chainPending();
    return storage.inTransaction(tx -> tx.consents().findByOrder(id));
  }

  private List<String> eventTypesOf(OrderId id) {
    return eventsOf(id).stream().map(OutboxEvent::type).toList();
  }

  /** Asserts that a paid order is exactly as its checkout left it, and the key holds nothing. */
  private void assertNotWithdrawn(OrderId id, IdempotencyKey withdrawalKey) {
    assertThat(recordOf(withdrawalKey)).as("nothing stored under the withdrawal key").isEmpty();
    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 2);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK - 1);
    assertThat(eventTypesOf(id)).containsExactly(OutboxEvent.ORDER_PLACED);
    assertThat(consentsOf(id)).extracting(ConsentEntry::action).containsOnly(ConsentAction.GRANTED);
  }

  // ---- the first request ------------------------------------------------------------------------

  @Test
  void theFirstRequestPlacesAPaidOrderAndStoresEverythingItWrote() {
    IdempotencyKey key = IdempotencyKey.of("first");

    CheckoutResult result = place(key, request(2).marketingOptIn(true).build());

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(result.response().status()).isEqualTo(201);
    assertThat(result.replayed()).isFalse();
    OrderId id = result.orderId().orElseThrow();
    assertThat(result.response().header("Location")).contains("/orders/" + id);
    Order order = orderOf(id);
    assertThat(order.status()).isEqualTo(OrderStatus.PAID);
    assertThat(order.lines())
        .extracting(l -> l.sku().value(), l -> l.quantity())
        .containsExactly(tuple("mug", 2), tuple("book", 1));
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 2);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK - 1);
    assertThat(eventsOf(id))
        .extracting(OutboxEvent::type)
        .containsExactly(OutboxEvent.ORDER_PLACED);
    List<ConsentEntry> consents = consentsOf(id);
    assertThat(consents)
        .extracting(ConsentEntry::purpose)
        .containsExactlyInAnyOrder(ConsentPurpose.TERMS_OF_SALE, ConsentPurpose.MARKETING);
    assertThat(consents)
        .allSatisfy(
            c -> {
              assertThat(c.termsHash())
                  .isEqualTo(ConsentHash.sha256(TERMS_TEXT.getBytes(StandardCharsets.UTF_8)));
              assertThat(c.isIntact()).isTrue();
            });
    assertThat(audit.verify().valid()).isTrue();
    assertThat(recordOf(key).flatMap(IdempotencyRecord::response)).contains(result.response());
    assertThat(gateway.approvedCharges()).isEqualTo(1);
  }

  // ---- replays and reuse ------------------------------------------------------------------------

  @Test
  void theSameKeyAndRequestReplayTheStoredAnswerByteForByteWithoutChargingAgain() {
    IdempotencyKey key = IdempotencyKey.of("replay-me");
    CheckoutRequest request = request(1).build();
    CheckoutResult first = place(key, request);

    CheckoutResult second = place(key, request);
    CheckoutResult third = place(key, request);

    for (CheckoutResult replay : List.of(second, third)) {
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.outcome()).isEqualTo(CheckoutOutcome.PLACED);
      assertThat(replay.orderId()).isEqualTo(first.orderId());
      assertThat(replay.response()).isEqualTo(first.response());
      assertThat(replay.response().body()).isEqualTo(first.response().body());
      assertThat(replay.response().headers()).containsExactlyEntriesOf(first.response().headers());
    }
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 1);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    assertThat(eventsOf(first.orderId().orElseThrow())).hasSize(1);
  }

  @Test
  void theSameKeyWithAnotherRequestIsRefusedAndChangesNothing() {
    IdempotencyKey key = IdempotencyKey.of("reused");
    CheckoutResult first = place(key, request(1).build());

    assertThatThrownBy(() -> place(key, request(2).build()))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 1);
    assertThat(place(key, request(1).build()).response()).isEqualTo(first.response());
  }

  @Test
  void theSameKeyInTwoScopesPlacesTwoIndependentOrders() {
    IdempotencyKey clientA = IdempotencyKey.scoped("client-a", "k-1");
    IdempotencyKey clientB = IdempotencyKey.scoped("client-b", "k-1");

    CheckoutResult a = place(clientA, request(1).build());
    CheckoutResult b = place(clientB, request(3).build());

    assertThat(a.replayed()).isFalse();
    assertThat(b.replayed()).isFalse();
    assertThat(a.orderId()).isPresent().isNotEqualTo(b.orderId());
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 4);
  }

  // ---- failures before the operation starts store nothing ---------------------------------------

  @Test
  void anUnknownSkuStoresNothingSoTheCorrectedRequestSucceedsWithTheSameKey() {
    IdempotencyKey key = IdempotencyKey.of("typo");
    CheckoutRequest wrong = request(1).item("no-such-product", 1).build();

    assertThatThrownBy(() -> place(key, wrong)).isInstanceOf(UnknownProductException.class);

    assertThat(recordOf(key)).isEmpty();
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK);
    CheckoutResult corrected = place(key, request(1).build());
    assertThat(corrected.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(corrected.replayed()).isFalse();
  }

  @Test
  void termsNotAcceptedStoreNothingSoTheCorrectedRequestSucceedsWithTheSameKey() {
    IdempotencyKey key = IdempotencyKey.of("old-terms");

    assertThatThrownBy(() -> place(key, request(1).acceptedTerms("2020-01-01").build()))
        .isInstanceOf(ConsentRequiredException.class);

    assertThat(recordOf(key)).isEmpty();
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK);
    CheckoutResult corrected = place(key, request(1).build());
    assertThat(corrected.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(corrected.replayed()).isFalse();
  }

  // ---- business outcomes are stored and replayed ------------------------------------------------

  @Test
  void outOfStockIsStoredAndReplayedEvenAfterARestock() {
    Sku lastOne = Sku.of("last-one");
    stock(lastOne, 1);
    IdempotencyKey key = IdempotencyKey.of("too-many");
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item(MUG.value(), 1)
            .item(lastOne.value(), 2)
            .email("ann@example.com")
            .acceptedTerms(TERMS)
            .paymentToken(TestPaymentGateway.APPROVE)
            .build();

    CheckoutResult first = place(key, request);
    stock(lastOne, 10);
    CheckoutResult replay = place(key, request);

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
    assertThat(first.response().status()).isEqualTo(409);
    assertThat(first.replayed()).isFalse();
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.response()).isEqualTo(first.response());
    assertThat(stockOf(MUG))
        .as("nothing was taken, not even the lines in stock")
        .isEqualTo(INITIAL_STOCK);
    assertThat(stockOf(lastOne)).isEqualTo(10);
    assertThat(gateway.calls()).isZero();
  }

  @Test
  void aDeclinedPaymentIsStoredAndReplayedTheOrderIsCancelledAndTheStockReturned() {
    IdempotencyKey key = IdempotencyKey.of("declined");
    CheckoutRequest request = request(2).paymentToken(TestPaymentGateway.DECLINE).build();

    CheckoutResult first = place(key, request);
    long callsAfterFirst = gateway.calls();
    CheckoutResult replay = place(key, request);

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
    assertThat(first.response().status()).isEqualTo(402);
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.response()).isEqualTo(first.response());
    assertThat(gateway.calls()).as("a replay does not charge").isEqualTo(callsAfterFirst);
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK);
    OrderId orderId = OrderId.parse(recordOf(key).orElseThrow().reference());
    assertThat(orderOf(orderId).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(eventsOf(orderId))
        .extracting(OutboxEvent::type)
        .containsExactly(OutboxEvent.PAYMENT_FAILED);
  }

  // ---- expiry -----------------------------------------------------------------------------------

  @Test
  void aKeyReplaysUntilItsRetentionEndsAndIsFreshAgainFromThen() {
    IdempotencyKey key = IdempotencyKey.of("expires");
    CheckoutRequest request = request(1).build();
    CheckoutResult first = place(key, request);

    clock.advance(CONFIG.retention().minusNanos(1000));
    CheckoutResult justBefore = place(key, request);
    clock.advance(Duration.ofNanos(1000));
    CheckoutResult atExpiry = place(key, request);
    CheckoutResult afterwards = place(key, request);

    assertThat(justBefore.replayed()).isTrue();
    assertThat(justBefore.orderId()).isEqualTo(first.orderId());
    assertThat(atExpiry.replayed()).isFalse();
    assertThat(atExpiry.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(atExpiry.orderId()).isNotEqualTo(first.orderId());
    assertThat(afterwards.replayed()).isTrue();
    assertThat(afterwards.orderId()).isEqualTo(atExpiry.orderId());
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 2);
  }

  @Test
  void anExpiredKeyMayBeUsedForAnotherRequest() {
    IdempotencyKey key = IdempotencyKey.of("recycled");
    place(key, request(1).build());
    clock.advance(CONFIG.retention());

    CheckoutResult other = place(key, request(5).build());

    assertThat(other.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(other.replayed()).isFalse();
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 6);
  }

  @Test
  void purgeExpiredKeysRemovesExpiredRecordsInBatchesAndKeepsTheOthers() {
    IdempotencyKey old1 = IdempotencyKey.of("old-1");
    IdempotencyKey old2 = IdempotencyKey.of("old-2");
    IdempotencyKey recent = IdempotencyKey.of("recent");
    place(old1, request(1).build());
    place(old2, request(1).paymentToken(TestPaymentGateway.DECLINE).build());
    clock.advance(Duration.ofMinutes(30));
    place(recent, request(1).build());
    clock.advance(Duration.ofMinutes(30));

    int firstBatch = checkout.purgeExpiredKeys(1);
    int secondBatch = checkout.purgeExpiredKeys(10);
    int thirdBatch = checkout.purgeExpiredKeys(10);

    assertThat(List.of(firstBatch, secondBatch, thirdBatch)).containsExactly(1, 1, 0);
    assertThat(recordOf(old1)).isEmpty();
    assertThat(recordOf(old2)).isEmpty();
    assertThat(recordOf(recent)).isPresent();
  }

  @Test
  void anUnfinishedCheckoutWithAnOrderOutlivesItsRetentionAndALateRetryResumesIt() {
    IdempotencyKey key = IdempotencyKey.of("provider-down");
    CheckoutRequest request = request(1).paymentToken(TestPaymentGateway.UNAVAILABLE).build();
    assertThatThrownBy(() -> place(key, request)).isInstanceOf(PaymentUnavailableException.class);
    OrderId orderId = OrderId.parse(recordOf(key).orElseThrow().reference());
    clock.advance(CONFIG.retention().plusMinutes(1));

    int purged = checkout.purgeExpiredKeys(10);
    assertThatThrownBy(() -> place(key, request)).isInstanceOf(PaymentUnavailableException.class);

    assertThat(purged).as("the record may be the only link to a charge").isZero();
    assertThat(recordOf(key).orElseThrow().reference()).isEqualTo(orderId.toString());
    assertThat(orderOf(orderId).status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(stockOf(MUG))
        .as("the retry resumed the order, it did not place another")
        .isEqualTo(INITIAL_STOCK - 1);
  }

  // ---- withdrawal -------------------------------------------------------------------------------

  @Test
  void aWithdrawalWithdrawsThePaidOrderReturnsItsStockRecordsItAndQueuesTheConfirmation() {
    OrderId id = paidOrder("buy");
    clock.advance(Duration.ofDays(3));
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    WithdrawalResult result = withdraw(key, withdrawal(id));

    assertThat(result.replayed()).isFalse();
    assertThat(result.orderId()).isEqualTo(id);
    assertThat(result.response().status()).isEqualTo(200);
    assertThat(result.response().header("Content-Type")).contains("application/json");
    String withdrawnAt =
        DateTimeFormatter.ISO_INSTANT.format(
            T0.plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.MILLIS));
    assertThat(result.response().bodyText())
        .isEqualTo(
            "{\"orderId\":\""
                + id
                + "\",\"status\":\"WITHDRAWN\",\"withdrawnAt\":\""
                + withdrawnAt
                + "\",\"receiptId\":\""
                + result.receiptId()
                + "\"}");
    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK);
    assertThat(consentsOf(id))
        .extracting(ConsentEntry::action, ConsentEntry::purpose)
        .containsExactly(
            tuple(ConsentAction.GRANTED, ConsentPurpose.TERMS_OF_SALE),
            tuple(ConsentAction.WITHDRAWN, ConsentPurpose.TERMS_OF_SALE));
    assertThat(audit.verify().valid()).isTrue();
    List<OutboxEvent> events = eventsOf(id);
    assertThat(events)
        .extracting(OutboxEvent::type)
        .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    assertThat(events.get(1).payload())
        .contains("\"receiptId\":\"" + result.receiptId() + "\"")
        .contains("\"refund\":{\"amount\":3750,\"currency\":\"EUR\"}")
        .contains("\"email\":\"ann@example.com\"");
    assertThat(recordOf(key).flatMap(IdempotencyRecord::response)).contains(result.response());
  }

  @Test
  void theSameWithdrawalKeyAndRequestReplayTheStoredAnswerByteForByte() {
    OrderId id = paidOrder("buy");
    IdempotencyKey key = IdempotencyKey.of("withdraw");
    WithdrawalResult first = withdraw(key, withdrawal(id));
    clock.advance(Duration.ofMinutes(10));

    WithdrawalResult replay = withdraw(key, withdrawal(id));

    assertThat(replay.replayed()).isTrue();
    assertThat(replay.receiptId()).isEqualTo(first.receiptId());
    assertThat(replay.response()).isEqualTo(first.response());
    assertThat(replay.response().body()).isEqualTo(first.response().body());
    assertThat(replay.response().headers()).containsExactlyEntriesOf(first.response().headers());
    assertThat(stockOf(MUG)).as("the stock came back once").isEqualTo(INITIAL_STOCK);
    assertThat(eventTypesOf(id))
        .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    assertThat(consentsOf(id)).hasSize(2);
  }

  @Test
  void aCheckoutKeyUsedForAWithdrawalIsAReusedKeyAndChangesNothing() {
    OrderId id = paidOrder("buy");

    assertThatThrownBy(() -> withdraw(IdempotencyKey.of("buy"), withdrawal(id)))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - 2);
    assertThat(eventTypesOf(id)).containsExactly(OutboxEvent.ORDER_PLACED);
  }

  @Test
  void anotherEmailIsNotFoundStoresNothingAndTheCorrectedRequestSucceedsWithTheSameKey() {
    OrderId id = paidOrder("buy");
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    assertThatThrownBy(() -> withdraw(key, WithdrawalRequest.of(id, Email.of("eve@example.com"))))
        .isInstanceOf(OrderNotFoundException.class);

    assertNotWithdrawn(id, key);
    WithdrawalResult corrected = withdraw(key, withdrawal(id));
    assertThat(corrected.replayed()).isFalse();
    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  @Test
  void anUnknownOrderIsNotFoundStoresNothingAndTheCorrectedRequestSucceedsWithTheSameKey() {
    OrderId id = paidOrder("buy");
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    assertThatThrownBy(() -> withdraw(key, withdrawal(Kit.orderId(42))))
        .isInstanceOf(OrderNotFoundException.class);

    assertNotWithdrawn(id, key);
    assertThat(withdraw(key, withdrawal(id)).replayed()).isFalse();
  }

  @Test
  void anOrderWithdrawnUnderAnotherKeyIsAlreadyWithdrawnAndNothingHappensTwice() {
    OrderId id = paidOrder("buy");
    withdraw(IdempotencyKey.of("first"), withdrawal(id));
    IdempotencyKey second = IdempotencyKey.of("second");

    assertThatThrownBy(() -> withdraw(second, withdrawal(id)))
        .isInstanceOf(AlreadyWithdrawnException.class);

    assertThat(recordOf(second)).isEmpty();
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK);
    assertThat(eventTypesOf(id))
        .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    assertThat(consentsOf(id)).hasSize(2);
  }

  @Test
  void aWithdrawalPastThePeriodIsRefusedAndChangesNothing() {
    OrderId id = paidOrder("buy");
    clock.advance(CONFIG.withdrawalPeriod().plusSeconds(1));
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    assertThatThrownBy(() -> withdraw(key, withdrawal(id)))
        .isInstanceOf(WithdrawalPeriodExpiredException.class);

    assertNotWithdrawn(id, key);
  }

  @Test
  void digitalContentPerformedAtOnceRecordsBothStatementsAndCannotBeWithdrawn() {
    OrderId id =
        place(IdempotencyKey.of("digital"), request(2).immediatePerformance(true).build())
            .orderId()
            .orElseThrow();
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    assertThat(consentsOf(id))
        .extracting(ConsentEntry::purpose)
        .containsExactly(
            ConsentPurpose.TERMS_OF_SALE,
            ConsentPurpose.IMMEDIATE_PERFORMANCE,
            ConsentPurpose.WITHDRAWAL_RIGHT_WAIVER);
    assertThatThrownBy(() -> withdraw(key, withdrawal(id)))
        .isInstanceOf(WithdrawalRightWaivedException.class);
    assertNotWithdrawn(id, key);
  }

  @Test
  void theWithdrawalFormsNameIsSealedInTheTrailAndComesBackInTheSubjectsExport() {
    OrderId id = paidOrder("buy");

    withdraw(
        IdempotencyKey.of("withdraw"),
        new WithdrawalRequest(id, Email.of("ann@example.com"), Optional.of("Ann Example")));

    List<SubjectRecord> records = audit.export(Email.of("Ann@Example.com"));
    assertThat(records)
        .extracting(r -> r.entry().action(), SubjectRecord::name)
        .containsExactly(
            tuple(ConsentAction.GRANTED, Optional.empty()),
            tuple(ConsentAction.WITHDRAWN, Optional.of("Ann Example")));
    assertThat(records)
        .allSatisfy(r -> assertThat(r.email()).contains(Email.of("ann@example.com")));
    assertThat(audit.erase(Email.of("ann@example.com")).entriesMadeUnreadable()).isEqualTo(2);
    assertThat(audit.export(Email.of("ann@example.com"))).allMatch(SubjectRecord::erased);
    assertThat(audit.verify().valid()).as("the trail after the erasure").isTrue();
  }

  @Test
  void aDeclinedOrderCannotBeWithdrawnAndStaysCancelled() {
    IdempotencyKey declinedKey = IdempotencyKey.of("declined");
    place(declinedKey, request(2).paymentToken(TestPaymentGateway.DECLINE).build());
    OrderId id = OrderId.parse(recordOf(declinedKey).orElseThrow().reference());
    IdempotencyKey key = IdempotencyKey.of("withdraw");

    assertThatThrownBy(() -> withdraw(key, withdrawal(id)))
        .isInstanceOf(OrderNotFoundException.class);

    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(stockOf(MUG)).as("returned once, by the decline").isEqualTo(INITIAL_STOCK);
    assertThat(recordOf(key)).isEmpty();
  }

  // ---- concurrency ------------------------------------------------------------------------------

  @Test
  void concurrentWithdrawalsOfOneOrderUnderManyKeysWithdrawItExactlyOnce() {
    OrderId id = paidOrder("buy");
    int keys = 6;
    int requests = 48;
    List<IdempotencyKey> keyList = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      keyList.add(IdempotencyKey.scoped("withdrawals", "key-" + k));
    }

    List<Kit.Outcome<WithdrawalResult>> outcomes =
        Kit.race(16, requests, i -> withdraw(keyList.get(i % keys), withdrawal(id)));

    Set<Integer> winningKeys = new HashSet<>();
    List<WithdrawalResult> results = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Kit.Outcome<WithdrawalResult> outcome = outcomes.get(i);
      if (outcome.returned()) {
        winningKeys.add(i % keys);
        results.add(outcome.get());
      }
    }
    assertThat(winningKeys).as("keys whose withdrawal succeeded").hasSize(1);
    int winner = winningKeys.iterator().next();
    for (int i = 0; i < requests; i++) {
      Kit.Outcome<WithdrawalResult> outcome = outcomes.get(i);
      if (!outcome.returned()) {
        assertThat(outcome.failure().orElseThrow())
            .as("request %d under key %d", i, i % keys)
            .isInstanceOf(
                i % keys == winner
                    ? IdempotencyKeyInUseException.class
                    : AlreadyWithdrawnException.class);
      }
    }
    byte[] stored =
        recordOf(keyList.get(winner)).flatMap(IdempotencyRecord::response).orElseThrow().body();
    assertThat(results).filteredOn(r -> !r.replayed()).as("first answers").hasSize(1);
    for (WithdrawalResult result : results) {
      assertThat(result.response().body()).isEqualTo(stored);
    }
    for (int k = 0; k < keys; k++) {
      if (k != winner) {
        assertThat(recordOf(keyList.get(k))).as("record of losing key %d", k).isEmpty();
      }
    }
    assertThat(orderOf(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(stockOf(MUG)).as("the stock came back exactly once").isEqualTo(INITIAL_STOCK);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK);
    assertThat(eventTypesOf(id))
        .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    assertThat(consentsOf(id)).filteredOn(c -> c.action() == ConsentAction.WITHDRAWN).hasSize(1);
    assertThat(audit.verify().valid()).as("the consent trail").isTrue();
  }

  @Test
  void concurrentDuplicatesPlaceExactlyOneOrderPerKeyAndEveryAnswerIsTheStoredOne() {
    int keys = 20;
    int requests = 200;
    int threads = 64;
    List<IdempotencyKey> keyList = new ArrayList<>();
    List<CheckoutRequest> requestList = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      keyList.add(IdempotencyKey.scoped("load", "key-" + k));
      requestList.add(request(1 + k % 3).build());
    }

    List<Kit.Outcome<CheckoutResult>> outcomes =
        Kit.race(threads, requests, i -> place(keyList.get(i % keys), requestList.get(i % keys)));

    List<List<CheckoutResult>> byKey = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      byKey.add(new ArrayList<>());
    }
    for (int i = 0; i < requests; i++) {
      Kit.Outcome<CheckoutResult> outcome = outcomes.get(i);
      if (outcome.returned()) {
        byKey.get(i % keys).add(outcome.get());
      } else {
        assertThat(outcome.failure().orElseThrow())
            .as("request %d either gets the stored answer or is told to retry", i)
            .isInstanceOf(IdempotencyKeyInUseException.class);
      }
    }
    Set<OrderId> orders = new HashSet<>();
    long mugsSold = 0;
    for (int k = 0; k < keys; k++) {
      List<CheckoutResult> answers = byKey.get(k);
      assertThat(answers).as("answers for key %d", k).isNotEmpty();
      assertThat(answers)
          .filteredOn(r -> !r.replayed())
          .as("first answers for key %d", k)
          .hasSize(1);
      byte[] stored =
          recordOf(keyList.get(k)).flatMap(IdempotencyRecord::response).orElseThrow().body();
      for (CheckoutResult answer : answers) {
        assertThat(answer.outcome()).isEqualTo(CheckoutOutcome.PLACED);
        assertThat(answer.response()).isEqualTo(answers.get(0).response());
        assertThat(answer.response().body()).isEqualTo(stored);
        orders.add(answer.orderId().orElseThrow());
      }
      mugsSold += 1 + k % 3;
    }
    assertThat(orders).hasSize(keys);
    for (OrderId id : orders) {
      assertThat(orderOf(id).status()).isEqualTo(OrderStatus.PAID);
      assertThat(eventsOf(id)).hasSize(1);
    }
    assertThat(stockOf(MUG)).isEqualTo(INITIAL_STOCK - mugsSold);
    assertThat(stockOf(BOOK)).isEqualTo(INITIAL_STOCK - keys);
    assertThat(gateway.approvedCharges()).isEqualTo(keys);
    assertThat(audit.verify())
        .as("the consent trail of the concurrent checkouts")
        .satisfies(
            v -> {
              assertThat(v.valid()).isTrue();
              assertThat(v.entries()).isEqualTo(keys);
            });
  }

  @Test
  void concurrentBuyersOfTheLastUnitsGetExactlyTheStockAndNoMore() {
    Sku scarce = Sku.of("scarce");
    int units = 5;
    int buyers = 24;
    stock(scarce, units);
    CheckoutRequest request =
        CheckoutRequest.builder()
            .item(scarce.value(), 1)
            .email("buyer@example.com")
            .acceptedTerms(TERMS)
            .paymentToken(TestPaymentGateway.APPROVE)
            .build();

    List<CheckoutResult> results =
        Kit.values(Kit.race(16, buyers, i -> place(IdempotencyKey.of("buyer-" + i), request)));

    List<CheckoutResult> placed = results.stream().filter(CheckoutResult::isPlaced).toList();
    assertThat(placed).hasSize(units);
    assertThat(results)
        .filteredOn(r -> r.outcome() == CheckoutOutcome.OUT_OF_STOCK)
        .hasSize(buyers - units);
    assertThat(stockOf(scarce)).isZero();
    for (CheckoutResult r : placed) {
      Order order = orderOf(r.orderId().orElseThrow());
      assertThat(order.status()).isEqualTo(OrderStatus.PAID);
    }
    Product after = storage.inTransaction(tx -> tx.products().find(scarce)).orElseThrow();
    assertThat(after.version()).as("one change per sale after the upsert").isEqualTo(1 + units);
  }
}

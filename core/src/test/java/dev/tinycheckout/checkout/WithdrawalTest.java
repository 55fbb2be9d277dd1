package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentDraft;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectKey;
import dev.tinycheckout.fulfilment.DeliveryStore;
import dev.tinycheckout.fulfilment.Outbox;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.AlreadyWithdrawnException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderNotFoundException;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.order.WithdrawalPeriodExpiredException;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Example-based tests of every rule of the withdrawal write path, on the in-memory storage. */
class WithdrawalTest {
  private static final String TERMS = "2026-11-01";
  private static final String TERMS_TEXT = "The terms of sale of 1 November 2026.";
  private static final ConsentHash TERMS_HASH =
      ConsentHash.sha256(TERMS_TEXT.getBytes(StandardCharsets.UTF_8));
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123Z");
  private static final Email EMAIL = Email.of("ann@example.com");
  private static final Duration PERIOD = CheckoutConfig.DEFAULT_WITHDRAWAL_PERIOD;

  private final CheckoutTest.MutableClock clock = new CheckoutTest.MutableClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final ConsentAudit audit =
      ConsentAudit.builder(storage).subjectSecret(new byte[32]).clock(clock).build();
  private final TestPaymentGateway gateway = new TestPaymentGateway();

  WithdrawalTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10, T0);
          tx.products().upsert(Sku.of("banana"), "Banana", Money.of(250, "USD"), 5, T0);
          return null;
        });
  }

  // ---- success ---------------------------------------------------------------------------------

  @Test
  void aWithdrawalMovesThePaidOrderToWithdrawnAndAnswers200WithTheContractBody() {
    OrderId id = paidOrder("buy");
    clock.advance(Duration.ofHours(1));

    WithdrawalResult result = checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(result.replayed()).isFalse();
    assertThat(result.orderId()).isEqualTo(id);
    assertThat(result.response().status()).isEqualTo(200);
    assertThat(result.response().headers()).containsExactly(entry("Content-Type"));
    assertThat(result.response().bodyText())
        .isEqualTo(
            "{\"orderId\":\""
                + id
                + "\",\"status\":\"WITHDRAWN\",\"withdrawnAt\":\"2026-11-25T11:15:30.123Z\","
                + "\"receiptId\":\""
                + result.receiptId()
                + "\"}");
    Order order = order(id);
    assertThat(order.status()).isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(order.updatedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
  }

  @Test
  void aWithdrawalReturnsTheStockOfEveryLine() {
    OrderId id = paidOrder("buy");
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(stock("banana")).isEqualTo(4);

    checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(stock("apple")).isEqualTo(10);
    assertThat(stock("banana")).isEqualTo(5);
  }

  @Test
  void aWithdrawalAppendsAWithdrawnEntryForTheAcceptedTermsToTheConsentTrail() {
    OrderId id = paidOrder("buy");
    clock.advance(Duration.ofMinutes(3));

    checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    List<ConsentEntry> entries = consents(id);
    assertThat(entries)
        .extracting(ConsentEntry::action, ConsentEntry::purpose)
        .containsExactly(
            tuple(ConsentAction.GRANTED, ConsentPurpose.TERMS_OF_SALE),
            tuple(ConsentAction.WITHDRAWN, ConsentPurpose.TERMS_OF_SALE));
    ConsentEntry withdrawn = entries.get(1);
    assertThat(withdrawn.subjectId()).isEqualTo(audit.subjectId(EMAIL));
    assertThat(withdrawn.termsVersion()).isEqualTo(TERMS);
    assertThat(withdrawn.termsHash()).isEqualTo(TERMS_HASH);
    assertThat(withdrawn.channel()).isEqualTo(ConsentEvidence.CHANNEL_WITHDRAWAL_FUNCTION);
    assertThat(withdrawn.orderId()).isEqualTo(id);
    assertThat(withdrawn.recordedAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(withdrawn.previousHash()).isEqualTo(entries.get(0).hash());
    assertThat(audit.verify().valid()).isTrue();
  }

  @Test
  void theNameFromTheWithdrawalFormIsSealedIntoTheEntryAndOnlyTheAuditOpensIt() {
    OrderId id = paidOrder("buy");

    checkout()
        .withdraw(key("w"), new WithdrawalRequest(id, EMAIL, Optional.of("Ann Smith-Müller")));

    ConsentEntry withdrawn = consents(id).get(1);
    assertThat(new String(withdrawn.canonicalBytes(), StandardCharsets.UTF_8))
        .doesNotContain("Smith")
        .doesNotContain(EMAIL.value());
    assertThat(audit.export(EMAIL))
        .extracting(r -> r.entry().action(), r -> r.name())
        .containsExactly(
            tuple(ConsentAction.GRANTED, Optional.empty()),
            tuple(ConsentAction.WITHDRAWN, Optional.of("Ann Smith-Müller")));
  }

  @Test
  void theConsentEntryNamesTheTermsTheCustomerAcceptedEvenAfterTheShopChangedThem() {
    OrderId id = paidOrder("buy");
    Checkout newTerms =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .terms("2027-01-01", "The terms of sale of 1 January 2027.")
            .consentAudit(audit)
            .clock(clock)
            .build();

    newTerms.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(consents(id))
        .filteredOn(e -> e.action() == ConsentAction.WITHDRAWN)
        .extracting(ConsentEntry::termsVersion, ConsentEntry::termsHash)
        .containsExactly(tuple(TERMS, TERMS_HASH));
  }

  @Test
  void aWithdrawalEnqueuesAnOrderWithdrawnEventWithTheRefundAndTheConfirmationAddress() {
    OrderId id = paidOrder("buy");
    clock.advance(Duration.ofDays(2));

    WithdrawalResult result = checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    List<OutboxEvent> events = events(id);
    assertThat(events)
        .extracting(OutboxEvent::type)
        .containsExactly(OutboxEvent.ORDER_PLACED, OutboxEvent.ORDER_WITHDRAWN);
    OutboxEvent withdrawn = events.get(1);
    assertThat(withdrawn.aggregateId()).isEqualTo(id.toString());
    assertThat(withdrawn.createdAt()).isEqualTo(T0.plus(Duration.ofDays(2)));
    assertThat(withdrawn.payload())
        .isEqualTo(
            "{\"orderId\":\""
                + id
                + "\",\"receiptId\":\""
                + result.receiptId()
                + "\",\"withdrawnAt\":\"2026-11-27T10:15:30.123Z\","
                + "\"refund\":{\"amount\":450,\"currency\":\"USD\"},"
                + "\"email\":\"ann@example.com\"}");
  }

  @Test
  void theCustomersNameGoesIntoTheEventForTheConfirmationButNotIntoTheAnswer() {
    OrderId id = paidOrder("buy");

    WithdrawalResult result =
        checkout()
            .withdraw(key("w"), new WithdrawalRequest(id, EMAIL, Optional.of("Zoë \"Ann\" Lee")));

    assertThat(events(id).get(1).payload())
        .endsWith(",\"email\":\"ann@example.com\",\"name\":\"Zoë \\\"Ann\\\" Lee\"}");
    assertThat(result.response().bodyText()).doesNotContain("Zo");
  }

  @Test
  void theAnswerIsStoredUnderTheKeyWithTheReceiptIdAsReference() {
    OrderId id = paidOrder("buy");

    WithdrawalResult result = checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    IdempotencyRecord record = findRecord(key("w")).orElseThrow();
    assertThat(record.response()).contains(result.response());
    assertThat(record.reference()).isEqualTo(result.receiptId());
    assertThat(record.fingerprint()).isEqualTo(WithdrawalRequest.of(id, EMAIL).fingerprint());
    assertThat(record.expiresAt()).isEqualTo(T0.plus(CheckoutConfig.ofDefaults().retention()));
  }

  @Test
  void everyWithdrawalGetsItsOwnUuidReceipt() {
    OrderId first = paidOrder("buy-1");
    OrderId second = paidOrder("buy-2");

    String a = checkout().withdraw(key("w1"), WithdrawalRequest.of(first, EMAIL)).receiptId();
    String b = checkout().withdraw(key("w2"), WithdrawalRequest.of(second, EMAIL)).receiptId();

    assertThat(UUID.fromString(a).toString()).isEqualTo(a);
    assertThat(UUID.fromString(b).toString()).isEqualTo(b);
    assertThat(a).isNotEqualTo(b);
  }

  // ---- replays and reused keys -----------------------------------------------------------------

  @Test
  void theSameKeyAndRequestReplayTheStoredAnswerByteForByteAndDoNothingAgain() {
    OrderId id = paidOrder("buy");
    WithdrawalRequest request = WithdrawalRequest.of(id, EMAIL);
    WithdrawalResult first = checkout().withdraw(key("w"), request);
    clock.advance(Duration.ofMinutes(5));

    WithdrawalResult again = checkout().withdraw(key("w"), request);
    WithdrawalResult separatelyBuilt =
        checkout().withdraw(key("w"), WithdrawalRequest.of(OrderId.parse(id.toString()), EMAIL));

    for (WithdrawalResult replay : List.of(again, separatelyBuilt)) {
      assertThat(replay.replayed()).isTrue();
      assertThat(replay.orderId()).isEqualTo(id);
      assertThat(replay.receiptId()).isEqualTo(first.receiptId());
      assertThat(replay.response()).isEqualTo(first.response());
      assertThat(replay.response().body()).isEqualTo(first.response().body());
      assertThat(replay.response().headers()).isEqualTo(first.response().headers());
    }
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(events(id)).filteredOn(e -> e.type().equals(OutboxEvent.ORDER_WITHDRAWN)).hasSize(1);
    assertThat(consents(id)).hasSize(2);
  }

  @Test
  void theSameKeyForAnotherOrderIsAReusedKeyAndThatOrderStaysPaid() {
    OrderId first = paidOrder("buy-1");
    OrderId second = paidOrder("buy-2");
    checkout().withdraw(key("w"), WithdrawalRequest.of(first, EMAIL));

    assertThatThrownBy(() -> checkout().withdraw(key("w"), WithdrawalRequest.of(second, EMAIL)))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(order(second).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("apple")).isEqualTo(8);
  }

  @Test
  void theSameKeyWithAnotherNameIsAReusedKey() {
    OrderId id = paidOrder("buy");
    checkout().withdraw(key("w"), new WithdrawalRequest(id, EMAIL, Optional.of("Ann")));

    assertThatThrownBy(
            () ->
                checkout()
                    .withdraw(key("w"), new WithdrawalRequest(id, EMAIL, Optional.of("Anne"))))
        .isInstanceOf(IdempotencyKeyReusedException.class);
  }

  @Test
  void aCheckoutKeyUsedForAWithdrawalIsAReusedKeyAndTheOrderStaysPaid() {
    OrderId id = paidOrder("buy");

    assertThatThrownBy(() -> checkout().withdraw(key("buy"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(IdempotencyKeyReusedException.class)
        .extracting(e -> ((IdempotencyKeyReusedException) e).problem())
        .isEqualTo("idempotency-key-reused");

    assertThat(order(id).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(findRecord(key("buy")).orElseThrow().response().orElseThrow().status())
        .isEqualTo(201);
  }

  @Test
  void aWithdrawalKeyUsedForACheckoutIsAReusedKey() {
    OrderId id = paidOrder("buy");
    checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThatThrownBy(() -> checkout().placeOrder(key("w"), appleAndBanana()))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(stock("apple")).isEqualTo(10);
  }

  @Test
  void aKeyWhoseCheckoutIsStillRunningIsAReusedKeyForAWithdrawalTheMismatchWins() {
    OrderId earlier = paidOrder("earlier");
    AtomicReference<@Nullable Throwable> duringPayment = new AtomicReference<>();
    AtomicReference<@Nullable Checkout> self = new AtomicReference<>();
    PaymentGateway withdrawingMidPayment =
        request -> {
          Checkout running = self.get();
          assertThat(running).isNotNull();
          duringPayment.set(
              catchThrowableOfType(
                  RuntimeException.class,
                  () -> running.withdraw(key("busy"), WithdrawalRequest.of(earlier, EMAIL))));
          return gateway.charge(request);
        };
    Checkout checkout = checkout(withdrawingMidPayment, CheckoutConfig.ofDefaults());
    self.set(checkout);

    CheckoutResult placed = checkout.placeOrder(key("busy"), appleAndBanana());

    assertThat(duringPayment.get()).isInstanceOf(IdempotencyKeyReusedException.class);
    assertThat(placed.isPlaced()).isTrue();
    assertThat(order(earlier).status()).isEqualTo(OrderStatus.PAID);
  }

  @Test
  void anUnfinishedClaimOfTheSameWithdrawalIsInUseUntilItsLeaseRunsOutThenTakenOver() {
    OrderId id = paidOrder("buy");
    WithdrawalRequest request = WithdrawalRequest.of(id, EMAIL);
    Duration lease = CheckoutConfig.ofDefaults().lease();
    storage.inTransaction(
        tx ->
            tx.idempotency()
                .insert(
                    IdempotencyRecord.claimed(
                        key("w"),
                        request.fingerprint(),
                        1,
                        T0,
                        T0.plus(lease),
                        T0.plus(Duration.ofHours(24)))));

    IdempotencyKeyInUseException inUse =
        catchThrowableOfType(
            IdempotencyKeyInUseException.class, () -> checkout().withdraw(key("w"), request));
    assertThat(inUse.retryAfter()).isPositive();
    assertThat(order(id).status()).isEqualTo(OrderStatus.PAID);

    clock.advance(lease);
    WithdrawalResult takenOver = checkout().withdraw(key("w"), request);

    assertThat(takenOver.replayed()).isFalse();
    assertThat(order(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(findRecord(key("w")).orElseThrow().fence()).isEqualTo(2);
  }

  @Test
  void anExpiredCompletedWithdrawalKeyIsFreshAgainAndTheOrderIsThenAlreadyWithdrawn() {
    OrderId id = paidOrder("buy");
    WithdrawalRequest request = WithdrawalRequest.of(id, EMAIL);
    checkout().withdraw(key("w"), request);
    clock.advance(CheckoutConfig.ofDefaults().retention());

    assertThatThrownBy(() -> checkout().withdraw(key("w"), request))
        .isInstanceOf(AlreadyWithdrawnException.class);

    assertThat(stock("apple")).as("the stock came back once").isEqualTo(10);
  }

  // ---- refusals store nothing ------------------------------------------------------------------

  @Test
  void anotherEmailIsNotFoundStoresNothingAndTheCorrectedRequestSucceedsWithTheSameKey() {
    OrderId id = paidOrder("buy");

    OrderNotFoundException e =
        catchThrowableOfType(
            OrderNotFoundException.class,
            () ->
                checkout()
                    .withdraw(key("w"), WithdrawalRequest.of(id, Email.of("eve@example.com"))));

    assertThat(e.problem()).isEqualTo("not-found");
    assertThat(e.orderId()).isEqualTo(id);
    assertUntouched(id, key("w"));
    WithdrawalResult corrected = checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));
    assertThat(corrected.replayed()).isFalse();
    assertThat(order(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  @Test
  void theEmailMatchesIgnoringCaseAsMailProvidersDo() {
    OrderId id = paidOrder("buy");

    WithdrawalResult result =
        checkout().withdraw(key("w"), WithdrawalRequest.of(id, Email.of("ANN@Example.COM")));

    assertThat(result.replayed()).isFalse();
    assertThat(order(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
    assertThat(audit.export(EMAIL).get(1).email()).as("the order's own address").contains(EMAIL);
  }

  @Test
  void anUnknownOrderIsNotFoundStoresNothingAndTheCorrectedRequestSucceedsWithTheSameKey() {
    OrderId id = paidOrder("buy");
    OrderId unknown = OrderId.generate(clock);

    assertThatThrownBy(() -> checkout().withdraw(key("w"), WithdrawalRequest.of(unknown, EMAIL)))
        .isInstanceOf(OrderNotFoundException.class)
        .hasMessageContaining(unknown.toString());

    assertUntouched(id, key("w"));
    assertThat(checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)).replayed()).isFalse();
  }

  @Test
  void anOrderWithdrawnUnderAnotherKeyIsAlreadyWithdrawnAndNothingHappensTwice() {
    OrderId id = paidOrder("buy");
    WithdrawalResult first = checkout().withdraw(key("w1"), WithdrawalRequest.of(id, EMAIL));

    AlreadyWithdrawnException e =
        catchThrowableOfType(
            AlreadyWithdrawnException.class,
            () -> checkout().withdraw(key("w2"), WithdrawalRequest.of(id, EMAIL)));

    assertThat(e.problem()).isEqualTo("already-withdrawn");
    assertThat(e.orderId()).isEqualTo(id);
    assertThat(findRecord(key("w2"))).isEmpty();
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(stock("banana")).isEqualTo(5);
    assertThat(events(id))
        .filteredOn(ev -> ev.type().equals(OutboxEvent.ORDER_WITHDRAWN))
        .hasSize(1);
    assertThat(consents(id)).hasSize(2);
    assertThat(checkout().withdraw(key("w1"), WithdrawalRequest.of(id, EMAIL)).response())
        .isEqualTo(first.response());
  }

  @Test
  void anAlreadyWithdrawnOrderIsStillNotFoundForAnotherEmail() {
    OrderId id = paidOrder("buy");
    checkout().withdraw(key("w1"), WithdrawalRequest.of(id, EMAIL));

    assertThatThrownBy(
            () ->
                checkout()
                    .withdraw(key("w2"), WithdrawalRequest.of(id, Email.of("eve@example.com"))))
        .isInstanceOf(OrderNotFoundException.class);
  }

  @Test
  void aWithdrawalOnTheLastInstantOfThePeriodSucceeds() {
    OrderId id = paidOrder("buy");
    clock.advance(PERIOD);

    WithdrawalResult result = checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(result.replayed()).isFalse();
    assertThat(order(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  @Test
  void aWithdrawalPastThePeriodIsRefusedWithTheDeadlineAndStoresNothing() {
    OrderId id = paidOrder("buy");
    clock.advance(PERIOD.plusNanos(1));

    WithdrawalPeriodExpiredException e =
        catchThrowableOfType(
            WithdrawalPeriodExpiredException.class,
            () -> checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)));

    assertThat(e.problem()).isEqualTo("withdrawal-period-expired");
    assertThat(e.orderId()).isEqualTo(id);
    assertThat(e.deadline()).isEqualTo(T0.plus(PERIOD));
    assertUntouched(id, key("w"));
  }

  @Test
  void theConfiguredWithdrawalPeriodIsTheOneThatCounts() {
    OrderId id = paidOrder("buy");
    Checkout thirtyDays =
        checkout(gateway, CheckoutConfig.builder().withdrawalPeriod(Duration.ofDays(30)).build());
    Checkout oneDay =
        checkout(gateway, CheckoutConfig.builder().withdrawalPeriod(Duration.ofDays(1)).build());
    clock.advance(Duration.ofDays(20));

    assertThatThrownBy(() -> oneDay.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(WithdrawalPeriodExpiredException.class);
    assertThatThrownBy(() -> checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(WithdrawalPeriodExpiredException.class);
    WithdrawalResult result = thirtyDays.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(result.replayed()).isFalse();
  }

  @Test
  void aCancelledOrderIsNotFoundAndStaysCancelled() {
    CheckoutResult declined =
        checkout().placeOrder(key("declined"), appleAndBanana(TestPaymentGateway.DECLINE));
    OrderId id = OrderId.parse(findRecord(key("declined")).orElseThrow().reference());
    assertThat(declined.isPlaced()).isFalse();

    assertThatThrownBy(() -> checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(OrderNotFoundException.class);

    assertThat(order(id).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(findRecord(key("w"))).isEmpty();
  }

  @Test
  void anOrderAwaitingPaymentIsNotFoundAndKeepsItsReservedStock() {
    assertThatThrownBy(
            () ->
                checkout()
                    .placeOrder(key("pending"), appleAndBanana(TestPaymentGateway.UNAVAILABLE)))
        .isInstanceOf(PaymentUnavailableException.class);
    OrderId id = OrderId.parse(findRecord(key("pending")).orElseThrow().reference());

    assertThatThrownBy(() -> checkout().withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(OrderNotFoundException.class);

    assertThat(order(id).status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(findRecord(key("w"))).isEmpty();
  }

  // ---- one unit of work ------------------------------------------------------------------------

  @Test
  void aFailureAfterTheStatusChangeRollsBackEverythingAndTheRetrySucceeds() {
    OrderId id = paidOrder("buy");
    AtomicInteger failures = new AtomicInteger(1);
    CheckoutStorage consentFailsOnce =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            return storage.inTransaction(tx -> work.run(new ConsentFailingTx(tx, failures)));
          }
        };
    Checkout flaky =
        Checkout.builder()
            .storage(consentFailsOnce)
            .paymentGateway(gateway)
            .termsVersion(TERMS)
            .clock(clock)
            .build();

    assertThatThrownBy(() -> flaky.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("consent log broke");

    assertUntouched(id, key("w"));
    WithdrawalResult retry = flaky.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));
    assertThat(retry.replayed()).isFalse();
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(events(id)).hasSize(2);
  }

  @Test
  void aTransientStorageFailureIsRetriedWithinTheCall() {
    OrderId id = paidOrder("buy");
    AtomicInteger calls = new AtomicInteger();
    CheckoutStorage failsFirst =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            if (calls.incrementAndGet() == 1) {
              throw new StorageException("deadlock victim", true, null);
            }
            return storage.inTransaction(work);
          }
        };
    Checkout checkout =
        Checkout.builder()
            .storage(failsFirst)
            .paymentGateway(gateway)
            .termsVersion(TERMS)
            .clock(clock)
            .build();

    WithdrawalResult result = checkout.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(result.replayed()).isFalse();
    assertThat(calls.get()).isEqualTo(2);
    assertThat(order(id).status()).isEqualTo(OrderStatus.WITHDRAWN);
  }

  @Test
  void aCommittedWithdrawalWhoseAcknowledgementIsLostIsRecognisedByTheRetryAsTheFirstAnswer() {
    OrderId id = paidOrder("buy");
    AtomicInteger calls = new AtomicInteger();
    CheckoutStorage losesFirstAck =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            T result = storage.inTransaction(work);
            if (calls.incrementAndGet() == 1) {
              throw new StorageException("connection reset after commit", true, null);
            }
            return result;
          }
        };
    Checkout checkout =
        Checkout.builder()
            .storage(losesFirstAck)
            .paymentGateway(gateway)
            .termsVersion(TERMS)
            .clock(clock)
            .build();

    WithdrawalResult result = checkout.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));
    WithdrawalResult replay = checkout.withdraw(key("w"), WithdrawalRequest.of(id, EMAIL));

    assertThat(result.replayed()).as("the retry found its own answer").isFalse();
    assertThat(result.receiptId()).isEqualTo(findRecord(key("w")).orElseThrow().reference());
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.response()).isEqualTo(result.response());
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(events(id)).filteredOn(e -> e.type().equals(OutboxEvent.ORDER_WITHDRAWN)).hasSize(1);
  }

  @Test
  void nullArgumentsFailNamingTheParameter() {
    Checkout checkout = checkout();
    WithdrawalRequest request = WithdrawalRequest.of(OrderId.generate(clock), EMAIL);

    assertThatThrownBy(() -> checkout.withdraw(null, request))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> checkout.withdraw(key("w"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("request");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Checkout checkout() {
    return checkout(gateway, CheckoutConfig.ofDefaults());
  }

  private Checkout checkout(PaymentGateway paymentGateway, CheckoutConfig config) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(paymentGateway)
        .terms(TERMS, TERMS_TEXT)
        .consentAudit(audit)
        .clock(clock)
        .config(config)
        .build();
  }

  private static IdempotencyKey key(String value) {
    return IdempotencyKey.of(value);
  }

  private static java.util.Map.Entry<String, String> entry(String name) {
    return java.util.Map.entry(name, "application/json");
  }

  private static CheckoutRequest appleAndBanana() {
    return appleAndBanana(TestPaymentGateway.APPROVE);
  }

  private static CheckoutRequest appleAndBanana(String token) {
    return CheckoutRequest.builder()
        .item("apple", 2)
        .item("banana", 1)
        .email(EMAIL.value())
        .acceptedTerms(TERMS)
        .paymentToken(token)
        .build();
  }

  /** Places a paid order of 2 apples and 1 banana (450 USD cents) at the clock's time. */
  private OrderId paidOrder(String checkoutKey) {
    CheckoutResult placed = checkout().placeOrder(key(checkoutKey), appleAndBanana());
    return placed.orderId().orElseThrow();
  }

  private void assertUntouched(OrderId paid, IdempotencyKey key) {
    assertThat(findRecord(key)).as("nothing stored under the key").isEmpty();
    assertThat(order(paid).status()).isEqualTo(OrderStatus.PAID);
    assertThat(events(paid))
        .extracting(OutboxEvent::type)
        .containsExactly(OutboxEvent.ORDER_PLACED);
    assertThat(consents(paid))
        .extracting(ConsentEntry::action)
        .containsExactly(ConsentAction.GRANTED);
  }

  private long stock(String sku) {
    return storage.inTransaction(tx -> tx.products().find(Sku.of(sku)).orElseThrow().stock());
  }

  private Order order(OrderId id) {
    return storage.inTransaction(tx -> tx.orders().find(id).orElseThrow());
  }

  private Optional<IdempotencyRecord> findRecord(IdempotencyKey key) {
    return storage.inTransaction(tx -> tx.idempotency().find(key));
  }

  private List<OutboxEvent> events(OrderId id) {
    return storage.inTransaction(tx -> tx.outbox().findByAggregate(id.toString()));
  }

  /** The order's consent entries, once what was staged is chained. */
  private List<ConsentEntry> consents(OrderId id) {
    audit.chainPending();
    return storage.inTransaction(tx -> tx.consents().findByOrder(id));
  }

  /** A transaction whose consent log throws on append while failures remain. */
  private record ConsentFailingTx(StorageTransaction tx, AtomicInteger failures)
      implements StorageTransaction {
    @Override
    public ProductStore products() {
      return tx.products();
    }

    @Override
    public OrderStore orders() {
      return tx.orders();
    }

    @Override
    public IdempotencyStore idempotency() {
      return tx.idempotency();
    }

    @Override
    public Outbox outbox() {
      return tx.outbox();
    }

    @Override
    public DeliveryStore deliveries() {
      return tx.deliveries();
    }

    @Override
    public ConsentLog consents() {
      ConsentLog log = tx.consents();
      return new ConsentLog() {
        @Override
        public ConsentEntry append(ConsentDraft draft) {
          if (failures.getAndDecrement() > 0) {
            throw new IllegalStateException("consent log broke");
          }
          return log.append(draft);
        }

        @Override
        public ConsentHead head() {
          return log.head();
        }

        @Override
        public List<ConsentEntry> read(long fromSequence, int limit) {
          return log.read(fromSequence, limit);
        }

        @Override
        public List<ConsentEntry> findByOrder(OrderId orderId) {
          return log.findByOrder(orderId);
        }

        @Override
        public List<ConsentEntry> findBySubject(SubjectId subjectId) {
          return log.findBySubject(subjectId);
        }

        @Override
        public Optional<SubjectKey> subjectKey(SubjectId subjectId) {
          return log.subjectKey(subjectId);
        }

        @Override
        public SubjectKey subjectKeyOrCreate(SubjectId subjectId, SubjectKey candidate) {
          return log.subjectKeyOrCreate(subjectId, candidate);
        }

        @Override
        public boolean eraseSubjectKey(SubjectId subjectId) {
          return log.eraseSubjectKey(subjectId);
        }
      };
    }
  }
}

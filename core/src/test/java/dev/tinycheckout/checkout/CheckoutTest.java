package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.WithdrawalRightWaivedException;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/** Example-based tests of every rule of the checkout write path. */
class CheckoutTest {
  private static final String TERMS = "2026-11-01";
  private static final String TERMS_TEXT = "Terms of sale, version of 1 November 2026. Größe: §1 …";
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30.123Z");
  private static final String EMAIL = "ann@example.com";

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final TestPaymentGateway gateway = new TestPaymentGateway();
  private final ConsentAudit audit =
      ConsentAudit.builder(storage).subjectSecret(new byte[32]).clock(clock).build();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  CheckoutTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10, T0);
          tx.products().upsert(Sku.of("banana"), "Banana", Money.of(250, "USD"), 5, T0);
          tx.products().upsert(Sku.of("cherry"), "Cherry", Money.of(40, "USD"), 1, T0);
          tx.products().upsert(Sku.of("euro-item"), "Euro Item", Money.of(300, "EUR"), 10, T0);
          tx.products().upsert(Sku.of("free-sticker"), "Free Sticker", Money.of(0, "USD"), 50, T0);
          return null;
        });
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  // ---- the happy path ----------------------------------------------------------------------

  @Test
  void aFirstRequestPlacesAPaidOrderAndAnswers201WithLocationAndTheOrderJson() {
    CheckoutResult result =
        checkout().placeOrder(key("k1"), request(r -> r.item("apple", 2).item("banana", 1)));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(result.replayed()).isFalse();
    OrderId id = result.orderId().orElseThrow();
    assertThat(result.response().status()).isEqualTo(201);
    assertThat(result.response().header("Location")).contains("/orders/" + id);
    assertThat(result.response().header("content-type")).contains("application/json");
    assertThat(result.response().bodyText())
        .isEqualTo(
            "{\"id\":\""
                + id
                + "\",\"status\":\"PAID\",\"items\":["
                + "{\"sku\":\"apple\",\"quantity\":2,"
                + "\"unitPrice\":{\"amount\":100,\"currency\":\"USD\"},"
                + "\"lineTotal\":{\"amount\":200,\"currency\":\"USD\"}},"
                + "{\"sku\":\"banana\",\"quantity\":1,"
                + "\"unitPrice\":{\"amount\":250,\"currency\":\"USD\"},"
                + "\"lineTotal\":{\"amount\":250,\"currency\":\"USD\"}}],"
                + "\"total\":{\"amount\":450,\"currency\":\"USD\"},"
                + "\"email\":\"ann@example.com\","
                + "\"createdAt\":\"2026-11-25T10:15:30.123Z\"}");
    assertThat(order(id).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(stock("banana")).isEqualTo(4);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
  }

  @Test
  void theSameKeyWithTheSameRequestReplaysTheStoredAnswerByteForByteWithoutDoingAnythingAgain() {
    Checkout checkout = checkout();
    CheckoutRequest request = request(r -> r.item("apple", 3));
    CheckoutResult first = checkout.placeOrder(key("k1"), request);
    clock.advance(Duration.ofMinutes(5));

    CheckoutResult again = checkout.placeOrder(key("k1"), request);

    assertThat(again.replayed()).isTrue();
    assertThat(again.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(again.orderId()).isEqualTo(first.orderId());
    assertThat(again.response()).isEqualTo(first.response());
    assertThat(again.response().body()).isEqualTo(first.response().body());
    assertThat(again.response().headers()).isEqualTo(first.response().headers());
    assertThat(stock("apple")).isEqualTo(7);
    assertThat(gateway.calls()).isEqualTo(1);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
  }

  @Test
  void anEqualButSeparatelyBuiltRequestIsTheSameRequest() {
    Checkout checkout = checkout();
    CheckoutResult first = checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));

    CheckoutResult again = checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));

    assertThat(again.replayed()).isTrue();
    assertThat(again.response()).isEqualTo(first.response());
  }

  @Test
  void theSameKeyWithAnotherBodyIsAReusedKeyAndChangesNothing() {
    Checkout checkout = checkout();
    CheckoutResult first = checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request(r -> r.item("apple", 2))))
        .isInstanceOf(IdempotencyKeyReusedException.class);
    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    key("k1"), request(r -> r.item("apple", 1).marketingOptIn(true))))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(stock("apple")).isEqualTo(9);
    assertThat(gateway.calls()).isEqualTo(1);
    assertThat(checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1))).response())
        .isEqualTo(first.response());
  }

  @Test
  void theSameKeyValueInDifferentScopesNamesIndependentRecords() {
    Checkout checkout = checkout();

    CheckoutResult a =
        checkout.placeOrder(
            IdempotencyKey.scoped("client-a", "k1"), request(r -> r.item("apple", 1)));
    CheckoutResult b =
        checkout.placeOrder(
            IdempotencyKey.scoped("client-b", "k1"), request(r -> r.item("banana", 1)));
    CheckoutResult unscoped = checkout.placeOrder(key("k1"), request(r -> r.item("apple", 2)));

    assertThat(List.of(a, b, unscoped))
        .allSatisfy(
            r -> {
              assertThat(r.outcome()).isEqualTo(CheckoutOutcome.PLACED);
              assertThat(r.replayed()).isFalse();
            });
    assertThat(List.of(a.orderId(), b.orderId(), unscoped.orderId())).doesNotHaveDuplicates();
    assertThat(stock("apple")).isEqualTo(7);
    assertThat(stock("banana")).isEqualTo(4);
    assertThat(
            checkout
                .placeOrder(
                    IdempotencyKey.scoped("client-a", "k1"), request(r -> r.item("apple", 1)))
                .orderId())
        .isEqualTo(a.orderId());
  }

  // ---- a request still running -------------------------------------------------------------

  @Test
  void aDuplicateWhileTheFirstRequestRunsIsToldToRetryAfterAtLeastOneSecond() throws Exception {
    BlockingGateway blocking = new BlockingGateway(gateway);
    Checkout checkout = checkout(blocking);
    CheckoutRequest request = request(r -> r.item("apple", 1));
    Future<CheckoutResult> first = executor.submit(() -> checkout.placeOrder(key("k1"), request));
    blocking.awaitEntered();

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request))
        .asInstanceOf(type(IdempotencyKeyInUseException.class))
        .satisfies(
            e -> {
              assertThat(e.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
              assertThat(e.isRetryable()).isTrue();
              assertThat(e.problem()).isEqualTo("idempotency-key-in-use");
            });

    blocking.release();
    CheckoutResult placed = first.get(10, TimeUnit.SECONDS);
    assertThat(placed.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(placed.replayed()).isFalse();
    CheckoutResult later = checkout.placeOrder(key("k1"), request);
    assertThat(later.replayed()).isTrue();
    assertThat(later.response()).isEqualTo(placed.response());
    assertThat(stock("apple")).isEqualTo(9);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
  }

  @Test
  void anotherBodyWhileTheFirstRequestRunsIsAReusedKeyNotAConflict() throws Exception {
    BlockingGateway blocking = new BlockingGateway(gateway);
    Checkout checkout = checkout(blocking);
    Future<CheckoutResult> first =
        executor.submit(() -> checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1))));
    blocking.awaitEntered();

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request(r -> r.item("banana", 1))))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    blocking.release();
    assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(stock("banana")).isEqualTo(5);
  }

  // ---- failures before the operation starts store nothing ----------------------------------

  @Test
  void anUnknownSkuStoresNothingAndTheCorrectedRequestThenSucceedsWithTheSameKey() {
    Checkout checkout = checkout();

    assertThatThrownBy(
            () ->
                checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1).item("durian", 1))))
        .asInstanceOf(type(UnknownProductException.class))
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo("items[1].sku");
              assertThat(e.sku()).isEqualTo(Sku.of("durian"));
              assertThat(e.problem()).isEqualTo("unknown-product");
            });
    assertNothingStoredFor(key("k1"));

    CheckoutResult corrected =
        checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1).item("banana", 1)));
    assertThat(corrected.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(corrected.replayed()).isFalse();
    assertThat(stock("apple")).isEqualTo(9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2025-01-01", "2026-11-01 ", "2026-11-1"})
  void termsThatAreNotTheCurrentVersionStoreNothingAndTheCorrectedRequestThenSucceeds(
      String accepted) {
    Checkout checkout = checkout();

    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    key("k1"), request(r -> r.item("apple", 1).acceptedTerms(accepted))))
        .asInstanceOf(type(ConsentRequiredException.class))
        .satisfies(
            e -> {
              assertThat(e.currentTermsVersion()).isEqualTo(TERMS);
              assertThat(e.field()).isEqualTo("acceptedTerms");
              assertThat(e.problem()).isEqualTo("consent-required");
            });
    assertNothingStoredFor(key("k1"));

    assertThat(checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1))).outcome())
        .isEqualTo(CheckoutOutcome.PLACED);
    assertThat(stock("apple")).isEqualTo(9);
  }

  @Test
  void linesInMixedCurrenciesStoreNothingAndTheCorrectedRequestThenSucceeds() {
    Checkout checkout = checkout();

    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    key("k1"), request(r -> r.item("apple", 1).item("euro-item", 1))))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("items[1].sku"));
    assertNothingStoredFor(key("k1"));
    assertThat(stock("euro-item")).isEqualTo(10);

    assertThat(checkout.placeOrder(key("k1"), request(r -> r.item("euro-item", 2))).outcome())
        .isEqualTo(CheckoutOutcome.PLACED);
    assertThat(stock("euro-item")).isEqualTo(8);
    assertThat(stock("apple")).isEqualTo(10);
  }

  // ---- business outcomes are stored and replayed ---------------------------------------------

  @Test
  void outOfStockIsStoredAndReplayedAndTakesNoStockFromTheLinesThatHadEnough() {
    Checkout checkout = checkout();
    // cherry (stock 1) sorts last, so apple and banana are reserved first and must be given back
    CheckoutRequest request = request(r -> r.item("apple", 2).item("banana", 5).item("cherry", 2));

    CheckoutResult first = checkout.placeOrder(key("k1"), request);

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
    assertThat(first.replayed()).isFalse();
    assertThat(first.orderId()).isEmpty();
    assertThat(first.response().status()).isEqualTo(409);
    assertThat(first.response().header("Content-Type")).contains("application/problem+json");
    assertThat(first.response().bodyText())
        .startsWith("{\"type\":\"https://tinycheckout.dev/problems/out-of-stock\"")
        .contains("\"status\":409", "\"sku\":\"cherry\"");
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(stock("banana")).isEqualTo(5);
    assertThat(stock("cherry")).isEqualTo(1);
    assertThat(gateway.calls()).isZero();
    assertThat(storedRecord(key("k1")).reference()).isEmpty();

    storage.inTransaction(
        tx -> tx.products().upsert(Sku.of("cherry"), "Cherry", Money.of(40, "USD"), 100, T0));
    CheckoutResult again = checkout.placeOrder(key("k1"), request);
    assertThat(again.replayed()).isTrue();
    assertThat(again.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
    assertThat(again.response()).isEqualTo(first.response());
    assertThat(stock("cherry")).isEqualTo(100);
  }

  @Test
  void aDeclinedPaymentIsStoredAndReplayedCancelsTheOrderReturnsTheStockAndQueuesPaymentFailed() {
    Checkout checkout = checkout();
    CheckoutRequest request =
        request(r -> r.item("apple", 2).item("banana", 1).paymentToken(TestPaymentGateway.DECLINE));

    CheckoutResult first = checkout.placeOrder(key("k1"), request);

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
    assertThat(first.orderId()).isEmpty();
    assertThat(first.response().status()).isEqualTo(402);
    assertThat(first.response().header("Content-Type")).contains("application/problem+json");
    assertThat(first.response().bodyText())
        .startsWith("{\"type\":\"https://tinycheckout.dev/problems/payment-declined\"")
        .contains("\"status\":402", "\"reason\":\"card_declined\"");
    OrderId cancelled = OrderId.parse(storedRecord(key("k1")).reference());
    assertThat(order(cancelled).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(stock("banana")).isEqualTo(5);
    assertThat(events(cancelled))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(OutboxEvent.PAYMENT_FAILED);
              assertThat(e.payload()).contains("card_declined", cancelled.toString());
            });
    assertThat(consents(cancelled)).isEmpty();

    CheckoutResult again = checkout.placeOrder(key("k1"), request);
    assertThat(again.replayed()).isTrue();
    assertThat(again.response()).isEqualTo(first.response());
    assertThat(gateway.calls()).isEqualTo(1);
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(events(cancelled)).hasSize(1);
  }

  // ---- payment outcome unknown ---------------------------------------------------------------

  @Test
  void anUnavailableProviderLeavesTheOrderPendingWithItsStockReservedAndStoresNoAnswer() {
    Checkout checkout = checkout();
    CheckoutRequest request =
        request(r -> r.item("apple", 2).paymentToken(TestPaymentGateway.UNAVAILABLE));

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request))
        .asInstanceOf(type(PaymentUnavailableException.class))
        .satisfies(e -> assertThat(e.isRetryable()).isTrue());

    IdempotencyRecord record = storedRecord(key("k1"));
    assertThat(record.isCompleted()).isFalse();
    assertThat(record.isLeaseExpired(clock.instant()))
        .as("the lease is released so the client's retry does not have to wait")
        .isTrue();
    OrderId pending = OrderId.parse(record.reference());
    assertThat(order(pending).status()).isEqualTo(OrderStatus.PENDING_PAYMENT);
    assertThat(stock("apple")).isEqualTo(8);

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request))
        .isInstanceOf(PaymentUnavailableException.class);
    assertThat(storedRecord(key("k1")).reference()).isEqualTo(pending.toString());
    assertThat(stock("apple")).as("a retry reuses the reservation").isEqualTo(8);
    assertThat(events(pending)).isEmpty();
  }

  @Test
  void aRetryAfterAnUnavailableProviderResumesThePendingOrderAndChargesItOnce() {
    FailingFirstCalls flaky = new FailingFirstCalls(gateway, 1);
    Checkout checkout = checkout(flaky);
    CheckoutRequest request = request(r -> r.item("apple", 2));

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request))
        .isInstanceOf(PaymentUnavailableException.class);
    OrderId pending = OrderId.parse(storedRecord(key("k1")).reference());

    CheckoutResult retried = checkout.placeOrder(key("k1"), request);

    assertThat(retried.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(retried.replayed()).isFalse();
    assertThat(retried.orderId()).contains(pending);
    assertThat(order(pending).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    assertThat(flaky.requests)
        .extracting(PaymentRequest::idempotencyKey)
        .containsExactly("tinycheckout-" + pending, "tinycheckout-" + pending);
    assertThat(events(pending))
        .singleElement()
        .extracting(OutboxEvent::type)
        .isEqualTo(OutboxEvent.ORDER_PLACED);
    assertThat(checkout.placeOrder(key("k1"), request).response()).isEqualTo(retried.response());
  }

  // ---- what a paid order leaves behind -------------------------------------------------------

  @Test
  void aPaidOrderRecordsTermsOfSaleConsentOnlyAndOneOrderPlacedEvent() {
    CheckoutResult placed = checkout().placeOrder(key("k1"), request(r -> r.item("apple", 1)));
    OrderId id = placed.orderId().orElseThrow();

    assertThat(consents(id))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.purpose()).isEqualTo(ConsentPurpose.TERMS_OF_SALE);
              assertThat(c.action()).isEqualTo(ConsentAction.GRANTED);
              assertThat(c.termsVersion()).isEqualTo(TERMS);
              assertThat(c.termsHash())
                  .isEqualTo(ConsentHash.sha256(TERMS_TEXT.getBytes(StandardCharsets.UTF_8)));
              assertThat(c.channel()).isEqualTo(ConsentEvidence.CHANNEL_CHECKOUT);
              assertThat(c.subjectId()).isEqualTo(audit.subjectId(Email.of(EMAIL)));
              assertThat(c.recordedAt()).isEqualTo(T0);
              assertThat(c.isIntact()).isTrue();
            });
    assertThat(events(id))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(OutboxEvent.ORDER_PLACED);
              assertThat(e.aggregateId()).isEqualTo(id.toString());
              assertThat(e.payload())
                  .startsWith("{\"orderId\":\"" + id + "\",\"paymentId\":\"pay_test_1\"")
                  .contains("\"status\":\"PAID\"");
            });
  }

  @Test
  void aMarketingOptInIsRecordedAsASeparateConsentEntry() {
    CheckoutResult placed =
        checkout().placeOrder(key("k1"), request(r -> r.item("apple", 1).marketingOptIn(true)));

    List<ConsentEntry> entries = consents(placed.orderId().orElseThrow());
    assertThat(entries)
        .extracting(ConsentEntry::purpose)
        .containsExactly(ConsentPurpose.TERMS_OF_SALE, ConsentPurpose.MARKETING);
    assertThat(entries).extracting(ConsentEntry::sequence).doesNotHaveDuplicates();
  }

  @Test
  void theConsentTrailHoldsNoEmailInClearButTheAuditOpensItForTheCustomer() {
    CheckoutResult placed = checkout().placeOrder(key("k1"), request(r -> r.item("apple", 1)));
    ConsentEntry entry = consents(placed.orderId().orElseThrow()).get(0);

    assertThat(new String(entry.canonicalBytes(), StandardCharsets.UTF_8))
        .doesNotContainIgnoringCase(EMAIL)
        .doesNotContainIgnoringCase("ann");
    assertThat(audit.export(Email.of("ANN@example.com")))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.entry()).isEqualTo(entry);
              assertThat(r.email()).contains(Email.of(EMAIL));
              assertThat(r.erased()).isFalse();
            });
  }

  @Test
  void immediatePerformanceOfDigitalContentRecordsConsentAndWaiverAsTwoSeparateEntries() {
    CheckoutResult placed =
        checkout()
            .placeOrder(key("k1"), request(r -> r.item("apple", 1).immediatePerformance(true)));

    assertThat(consents(placed.orderId().orElseThrow()))
        .extracting(ConsentEntry::purpose, ConsentEntry::action)
        .containsExactly(
            tuple(ConsentPurpose.TERMS_OF_SALE, ConsentAction.GRANTED),
            tuple(ConsentPurpose.IMMEDIATE_PERFORMANCE, ConsentAction.GRANTED),
            tuple(ConsentPurpose.WITHDRAWAL_RIGHT_WAIVER, ConsentAction.GRANTED));
  }

  @Test
  void anOrderWithImmediatePerformanceCannotBeWithdrawnAndNothingIsStored() {
    Checkout checkout = checkout();
    OrderId id =
        checkout
            .placeOrder(key("k1"), request(r -> r.item("apple", 2).immediatePerformance(true)))
            .orderId()
            .orElseThrow();

    assertThatThrownBy(
            () -> checkout.withdraw(key("w1"), WithdrawalRequest.of(id, Email.of(EMAIL))))
        .asInstanceOf(type(WithdrawalRightWaivedException.class))
        .satisfies(
            e -> {
              assertThat(e.problem()).isEqualTo("withdrawal-right-waived");
              assertThat(e.orderId()).isEqualTo(id);
            });
    assertThat(order(id).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("apple")).isEqualTo(8);
    assertThat(findRecord(key("w1"))).isEmpty();
    assertThat(consents(id)).hasSize(3);
  }

  @Test
  void everyCheckoutKeepsTheTrailVerifiable() {
    Checkout checkout = checkout();
    for (int i = 0; i < 5; i++) {
      int n = i;
      checkout.placeOrder(
          key("k" + i), request(r -> r.item("apple", 1).marketingOptIn(n % 2 == 0)));
    }

    assertThat(audit.verify().valid()).isTrue();
    assertThat(audit.verify().entries()).isEqualTo(8);
    assertThat(checkout.consentAudit()).isSameAs(audit);
  }

  @Test
  void termsGivenOnlyByVersionAreRecordedWithAnAllZeroTextHash() {
    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway)
            .termsVersion(TERMS)
            .consentAudit(audit)
            .clock(clock)
            .build();

    OrderId id =
        checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1))).orderId().orElseThrow();

    assertThat(checkout.termsHash()).isEqualTo(ConsentHash.ZERO);
    assertThat(consents(id)).extracting(ConsentEntry::termsHash).containsExactly(ConsentHash.ZERO);
  }

  @Test
  void withoutAConfiguredAuditTheCheckoutBuildsOneOverItsStorage() {
    Checkout checkout =
        Checkout.builder().storage(storage).paymentGateway(gateway).termsVersion(TERMS).build();

    checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));

    List<SubjectRecord> records = checkout.consentAudit().export(Email.of(EMAIL));
    assertThat(records).singleElement().satisfies(r -> assertThat(r.email()).isPresent());
  }

  @Test
  void aFreeOrderIsPlacedWithoutCallingThePaymentGateway() {
    CheckoutResult placed =
        checkout().placeOrder(key("k1"), request(r -> r.item("free-sticker", 3)));

    assertThat(placed.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(placed.response().bodyText())
        .contains("\"total\":{\"amount\":0,\"currency\":\"USD\"}");
    assertThat(order(placed.orderId().orElseThrow()).status()).isEqualTo(OrderStatus.PAID);
    assertThat(stock("free-sticker")).isEqualTo(47);
    assertThat(gateway.calls()).isZero();
    assertThat(events(placed.orderId().orElseThrow())).hasSize(1);
  }

  // ---- retention -----------------------------------------------------------------------------

  @Test
  void aKeyIsForgottenAfterTheRetentionSoItMayCarryAnotherRequest() {
    Checkout checkout = checkout();
    CheckoutResult first = checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));
    clock.advance(Duration.ofHours(24).minusMillis(1));
    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request(r -> r.item("banana", 1))))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    clock.advance(Duration.ofMillis(1));
    CheckoutResult second = checkout.placeOrder(key("k1"), request(r -> r.item("banana", 1)));

    assertThat(second.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(second.replayed()).isFalse();
    assertThat(second.orderId()).isNotEqualTo(first.orderId());
    assertThat(stock("banana")).isEqualTo(4);
  }

  @Test
  void theRetentionIsConfigurable() {
    Checkout checkout =
        checkout(gateway, CheckoutConfig.builder().retention(Duration.ofMinutes(10)).build());
    checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1)));
    clock.advance(Duration.ofMinutes(10));

    assertThat(checkout.placeOrder(key("k1"), request(r -> r.item("banana", 1))).replayed())
        .isFalse();
  }

  @Test
  void purgeExpiredKeysDeletesExactlyTheExpiredRecordsInBatches() {
    Checkout checkout = checkout();
    checkout.placeOrder(key("old-1"), request(r -> r.item("apple", 1)));
    checkout.placeOrder(key("old-2"), request(r -> r.item("apple", 1)));
    checkout.placeOrder(key("old-3"), request(r -> r.item("apple", 1)));
    clock.advance(Duration.ofHours(12));
    checkout.placeOrder(key("young"), request(r -> r.item("apple", 1)));
    clock.advance(Duration.ofHours(12));

    assertThat(checkout.purgeExpiredKeys(2)).isEqualTo(2);
    assertThat(checkout.purgeExpiredKeys(2)).isEqualTo(1);
    assertThat(checkout.purgeExpiredKeys(2)).isZero();

    assertThat(findRecord(key("old-1"))).isEmpty();
    assertThat(findRecord(key("old-2"))).isEmpty();
    assertThat(findRecord(key("old-3"))).isEmpty();
    assertThat(findRecord(key("young"))).isPresent();
  }

  @Test
  void purgeExpiredKeysRejectsABatchSizeBelowOne() {
    assertThatThrownBy(() -> checkout().purgeExpiredKeys(0))
        .asInstanceOf(type(ValidationException.class))
        .satisfies(e -> assertThat(e.field()).isEqualTo("batchSize"));
  }

  // ---- building ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"storage", "paymentGateway", "termsVersion"})
  void buildingWithoutARequiredPartFailsNamingIt(String missing) {
    Checkout.Builder builder = Checkout.builder();
    if (!missing.equals("storage")) {
      builder.storage(storage);
    }
    if (!missing.equals("paymentGateway")) {
      builder.paymentGateway(gateway);
    }
    if (!missing.equals("termsVersion")) {
      builder.termsVersion(TERMS);
    }

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("Checkout.builder()." + missing + "(");
  }

  // ---- logging context -----------------------------------------------------------------------

  @Test
  void theMdcCarriesAKeyHashAndTheOrderIdDuringTheCallAndIsClearedAfterwards() throws Exception {
    withWorkingMdc(
        () -> {
          AtomicReference<@Nullable String> keyDuring = new AtomicReference<>();
          AtomicReference<@Nullable String> orderDuring = new AtomicReference<>();
          PaymentGateway observing =
              req -> {
                keyDuring.set(MDC.get(Checkout.MDC_IDEMPOTENCY_KEY));
                orderDuring.set(MDC.get(Checkout.MDC_ORDER_ID));
                return gateway.charge(req);
              };
          Checkout checkout = checkout(observing);

          CheckoutResult placed =
              checkout.placeOrder(key("secret-key-123"), request(r -> r.item("apple", 1)));

          assertThat(keyDuring.get()).isNotBlank().doesNotContain("secret-key-123");
          assertThat(orderDuring.get()).isEqualTo(placed.orderId().orElseThrow().toString());
          assertThat(MDC.get(Checkout.MDC_IDEMPOTENCY_KEY)).isNull();
          assertThat(MDC.get(Checkout.MDC_ORDER_ID)).isNull();

          assertThatThrownBy(
                  () -> checkout.placeOrder(key("k2"), request(r -> r.item("durian", 1))))
              .isInstanceOf(UnknownProductException.class);
          assertThat(MDC.get(Checkout.MDC_IDEMPOTENCY_KEY)).isNull();
          assertThat(MDC.get(Checkout.MDC_ORDER_ID)).isNull();
        });
  }

  /**
   * Runs the body with a working MDC: the test classpath binds slf4j-simple, whose MDC drops every
   * value, which would make assertions about the MDC pass vacuously.
   */
  private static void withWorkingMdc(Runnable body) throws ReflectiveOperationException {
    Field field = MDC.class.getDeclaredField("MDC_ADAPTER");
    field.setAccessible(true);
    MDCAdapter original = MDC.getMDCAdapter();
    field.set(null, new BasicMDCAdapter());
    try {
      MDC.put("probe", "x");
      assertThat(MDC.get("probe")).as("the MDC must keep values for this test").isEqualTo("x");
      MDC.remove("probe");
      body.run();
    } finally {
      MDC.clear();
      field.set(null, original);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private Checkout checkout() {
    return checkout(gateway);
  }

  private Checkout checkout(PaymentGateway paymentGateway) {
    return checkout(paymentGateway, CheckoutConfig.ofDefaults());
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

  private static CheckoutRequest request(
      Function<CheckoutRequest.Builder, CheckoutRequest.Builder> f) {
    CheckoutRequest.Builder b =
        CheckoutRequest.builder()
            .email(EMAIL)
            .acceptedTerms(TERMS)
            .paymentToken(TestPaymentGateway.APPROVE);
    return f.apply(b).build();
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

  private IdempotencyRecord storedRecord(IdempotencyKey key) {
    return findRecord(key).orElseThrow();
  }

  private List<OutboxEvent> events(OrderId id) {
    return storage.inTransaction(tx -> tx.outbox().findByAggregate(id.toString()));
  }

  /** The order's consent entries, once what checkouts staged is chained. */
  private List<ConsentEntry> consents(OrderId id) {
    ConsentAudit.builder(storage).subjectSecret(new byte[32]).build().chainPending();
    return storage.inTransaction(tx -> tx.consents().findByOrder(id));
  }

  private void assertNothingStoredFor(IdempotencyKey key) {
    assertThat(findRecord(key)).isEmpty();
    assertThat(gateway.calls()).isZero();
    assertThat(stock("apple")).isEqualTo(10);
    assertThat(stock("banana")).isEqualTo(5);
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration by) {
      now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the checkout never asks for another zone");
    }
  }

  /** Holds every charge until released, so a test can act while a checkout is mid-payment. */
  private static final class BlockingGateway implements PaymentGateway {
    private final PaymentGateway delegate;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    BlockingGateway(PaymentGateway delegate) {
      this.delegate = delegate;
    }

    @Override
    public PaymentResult charge(PaymentRequest request) {
      entered.countDown();
      try {
        if (!released.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the payment");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return delegate.charge(request);
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(10, TimeUnit.SECONDS)).as("the payment started").isTrue();
    }

    void release() {
      released.countDown();
    }
  }

  /** Fails the first calls as a provider timeout would, without reaching the provider. */
  private static final class FailingFirstCalls implements PaymentGateway {
    private final PaymentGateway delegate;
    private final AtomicInteger failuresLeft;
    final List<PaymentRequest> requests = new CopyOnWriteArrayList<>();

    FailingFirstCalls(PaymentGateway delegate, int failures) {
      this.delegate = delegate;
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public PaymentResult charge(PaymentRequest request) {
      requests.add(request);
      if (failuresLeft.getAndDecrement() > 0) {
        throw new PaymentUnavailableException("simulated provider timeout", null);
      }
      return delegate.charge(request);
    }
  }
}

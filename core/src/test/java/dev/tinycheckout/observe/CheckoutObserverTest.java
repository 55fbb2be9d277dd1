package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.checkout.WithdrawalRequest;
import dev.tinycheckout.checkout.WithdrawalResult;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The checkout's signals to its observer: one {@code checkoutCompleted} per attempt with the
 * outcome's signal, one {@code paymentCompleted} per call to the provider, one {@code
 * consentRecorded} per commit of consent entries; and an observer that throws never fails a
 * checkout.
 */
class CheckoutObserverTest {
  private static final String TERMS = "2026-11-01";
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final String EMAIL = "ann@example.com";

  private final ManualClock clock = new ManualClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final ConsentAudit audit =
      ConsentAudit.builder(storage).subjectSecret(new byte[32]).clock(clock).build();
  private final RecordingObserver observer = new RecordingObserver();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  CheckoutObserverTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(Sku.of("apple"), "Apple", Money.of(100, "USD"), 10, T0);
          tx.products().upsert(Sku.of("cherry"), "Cherry", Money.of(40, "USD"), 1, T0);
          tx.products().upsert(Sku.of("free-sticker"), "Free Sticker", Money.of(0, "USD"), 50, T0);
          return null;
        });
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** An observer that throws from every method, as a broken metrics backend might. */
  private static final class ThrowingObserver implements CheckoutObserver {
    @Override
    public void requestCompleted(String route, String method, int status, long durationNanos) {
      throw new IllegalStateException("broken requestCompleted");
    }

    @Override
    public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
      throw new IllegalStateException("broken checkoutCompleted");
    }

    @Override
    public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
      throw new IllegalStateException("broken paymentCompleted");
    }

    @Override
    public void consentRecorded(int entries) {
      throw new IllegalStateException("broken consentRecorded");
    }

    @Override
    public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
      throw new IllegalStateException("broken deliveryFinished");
    }
  }

  /** Approves, but only after the test lets it: holds the first attempt inside the payment call. */
  private static final class GatedGateway implements PaymentGateway {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final TestPaymentGateway delegate = new TestPaymentGateway();

    @Override
    public PaymentResult charge(PaymentRequest request) {
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the payment");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return delegate.charge(request);
    }
  }

  private Checkout checkout() {
    return checkout(new TestPaymentGateway(), observer);
  }

  private Checkout checkout(PaymentGateway gateway, CheckoutObserver observer) {
    return checkout(storage, gateway, observer);
  }

  private Checkout checkout(
      CheckoutStorage storage, PaymentGateway gateway, CheckoutObserver observer) {
    return Checkout.builder()
        .storage(storage)
        .paymentGateway(gateway)
        .terms(TERMS, "Terms of sale.")
        .consentAudit(audit)
        .clock(clock)
        .observer(observer)
        .build();
  }

  private static CheckoutRequest request(UnaryOperator<CheckoutRequest.Builder> f) {
    return f.apply(
            CheckoutRequest.builder()
                .email(EMAIL)
                .acceptedTerms(TERMS)
                .paymentToken(TestPaymentGateway.APPROVE))
        .build();
  }

  private static CheckoutRequest apples(String token) {
    return request(r -> r.item("apple", 1).paymentToken(token));
  }

  private static IdempotencyKey key(String value) {
    return IdempotencyKey.of(value);
  }

  private int consentEntriesInTrail(OrderId id) {
    audit.chainPending();
    return storage.inTransaction(tx -> tx.consents().findByOrder(id)).size();
  }

  private void assertEveryDurationPositive() {
    assertThat(observer.checkouts).allSatisfy(c -> assertThat(c.nanos()).isPositive());
    assertThat(observer.payments).allSatisfy(p -> assertThat(p.nanos()).isPositive());
  }

  // ---- one checkoutCompleted per attempt ---------------------------------------------------

  @Test
  void aPaidCheckoutSignalsPaidAnApprovedPaymentWithAnEmptyReasonAndOneConsentEntry() {
    CheckoutResult result = checkout().placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.PAID);
    assertThat(observer.payments)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.signal()).isEqualTo(PaymentSignal.APPROVED);
              assertThat(p.reason()).isEmpty();
            });
    assertThat(observer.consents).containsExactly(1);
    assertThat(consentEntriesInTrail(result.orderId().orElseThrow())).isEqualTo(1);
    assertThat(observer.requests).as("the checkout answers no HTTP request").isEmpty();
    assertThat(observer.deliveries).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void aDeclinedCardSignalsDeclinedWithTheProvidersReasonAndRecordsNoConsent() {
    CheckoutResult result = checkout().placeOrder(key("k1"), apples(TestPaymentGateway.DECLINE));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.DECLINED);
    assertThat(observer.payments)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.signal()).isEqualTo(PaymentSignal.DECLINED);
              assertThat(p.reason()).isEqualTo("card_declined");
            });
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void anOutOfStockCheckoutSignalsOutOfStockAndCallsNoProvider() {
    CheckoutResult result = checkout().placeOrder(key("k1"), request(r -> r.item("cherry", 2)));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.OUT_OF_STOCK);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.OUT_OF_STOCK);
    assertThat(observer.payments).isEmpty();
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void aReplayOfTheSameRequestSignalsReplayedAndNeitherPaysNorRecordsConsentAgain() {
    Checkout checkout = checkout();
    checkout.placeOrder(key("paid"), apples(TestPaymentGateway.APPROVE));
    checkout.placeOrder(key("declined"), apples(TestPaymentGateway.DECLINE));
    observer.clear();

    CheckoutResult paidAgain = checkout.placeOrder(key("paid"), apples(TestPaymentGateway.APPROVE));
    CheckoutResult declinedAgain =
        checkout.placeOrder(key("declined"), apples(TestPaymentGateway.DECLINE));

    assertThat(paidAgain.replayed()).isTrue();
    assertThat(declinedAgain.replayed()).isTrue();
    assertThat(observer.signals())
        .containsExactly(CheckoutSignal.REPLAYED, CheckoutSignal.REPLAYED);
    assertThat(observer.payments).isEmpty();
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void theSameKeyWithAnotherRequestSignalsKeyReusedAndCallsNoProvider() {
    Checkout checkout = checkout();
    checkout.placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE));
    observer.clear();

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request(r -> r.item("apple", 2))))
        .isInstanceOf(IdempotencyKeyReusedException.class);

    assertThat(observer.signals()).containsExactly(CheckoutSignal.KEY_REUSED);
    assertThat(observer.payments).isEmpty();
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void staleTermsAndAnUnknownProductAreEachSignalledRejectedOnce() {
    Checkout checkout = checkout();

    assertThatThrownBy(
            () ->
                checkout.placeOrder(
                    key("k1"), request(r -> r.item("apple", 1).acceptedTerms("2020-01-01"))))
        .isInstanceOf(ConsentRequiredException.class);
    assertThatThrownBy(() -> checkout.placeOrder(key("k2"), request(r -> r.item("durian", 1))))
        .isInstanceOf(UnknownProductException.class);

    assertThat(observer.signals())
        .containsExactly(CheckoutSignal.REJECTED, CheckoutSignal.REJECTED);
    assertThat(observer.payments).isEmpty();
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void anUnavailableProviderSignalsPaymentUnavailableWithTheExceptionsSimpleName() {
    Checkout checkout = checkout();

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), apples(TestPaymentGateway.UNAVAILABLE)))
        .isInstanceOf(PaymentUnavailableException.class);

    assertThat(observer.signals()).containsExactly(CheckoutSignal.PAYMENT_UNAVAILABLE);
    assertThat(observer.payments)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.signal()).isEqualTo(PaymentSignal.UNAVAILABLE);
              assertThat(p.reason()).isEqualTo("PaymentUnavailableException");
            });
    assertThat(observer.consents).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void aGatewayThatThrowsAnythingElseIsUnavailableNamedByWhatItThrew() {
    PaymentGateway broken =
        request -> {
          throw new IllegalArgumentException("a bug in the provider's client");
        };

    assertThatThrownBy(
            () ->
                checkout(broken, observer)
                    .placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE)))
        .isInstanceOf(PaymentUnavailableException.class);

    assertThat(observer.signals()).containsExactly(CheckoutSignal.PAYMENT_UNAVAILABLE);
    assertThat(observer.payments)
        .extracting(RecordingObserver.Payment::signal, RecordingObserver.Payment::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                PaymentSignal.UNAVAILABLE, "IllegalArgumentException"));
  }

  @Test
  void aFailingStorageSignalsFailedAndNoPayment() {
    CheckoutStorage failing =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            throw new StorageException("the database is gone", false, null);
          }
        };
    Checkout checkout = checkout(failing, new TestPaymentGateway(), observer);

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE)))
        .isInstanceOf(StorageException.class);

    assertThat(observer.signals()).containsExactly(CheckoutSignal.FAILED);
    assertThat(observer.payments).isEmpty();
    assertEveryDurationPositive();
  }

  @Test
  void aDuplicateSentWhileTheFirstAttemptPaysSignalsInProgressAndOnlyTheFirstPays()
      throws Exception {
    GatedGateway gateway = new GatedGateway();
    Checkout checkout = checkout(gateway, observer);
    CheckoutRequest request = apples(TestPaymentGateway.APPROVE);
    Future<CheckoutResult> first = executor.submit(() -> checkout.placeOrder(key("k1"), request));
    assertThat(gateway.entered.await(30, TimeUnit.SECONDS)).as("first attempt is paying").isTrue();

    assertThatThrownBy(() -> checkout.placeOrder(key("k1"), request))
        .isInstanceOf(IdempotencyKeyInUseException.class);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.IN_PROGRESS);
    gateway.release.countDown();
    CheckoutResult result = first.get(30, TimeUnit.SECONDS);

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.IN_PROGRESS, CheckoutSignal.PAID);
    assertThat(observer.payments)
        .extracting(RecordingObserver.Payment::signal)
        .containsExactly(PaymentSignal.APPROVED);
    assertThat(observer.consents).containsExactly(1);
    assertEveryDurationPositive();
  }

  @Test
  void aFreeOrderIsPaidWithoutAPaymentSignalButRecordsItsConsent() {
    CheckoutResult result =
        checkout().placeOrder(key("k1"), request(r -> r.item("free-sticker", 1)));

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.PAID);
    assertThat(observer.payments).isEmpty();
    assertThat(observer.consents).containsExactly(1);
  }

  // ---- consent entries ---------------------------------------------------------------------

  @ParameterizedTest(name = "marketing {0}, immediate performance {1}: {2} entries")
  @CsvSource({"false, false, 1", "true, false, 2", "false, true, 3", "true, true, 4"})
  void aPaidCheckoutSignalsOneConsentEntryPerPurposeItRecorded(
      boolean marketing, boolean immediatePerformance, int entries) {
    CheckoutResult result =
        checkout()
            .placeOrder(
                key("k1"),
                request(
                    r ->
                        r.item("apple", 1)
                            .marketingOptIn(marketing)
                            .immediatePerformance(immediatePerformance)));

    assertThat(observer.consents).containsExactly(entries);
    assertThat(consentEntriesInTrail(result.orderId().orElseThrow())).isEqualTo(entries);
  }

  @Test
  void aWithdrawalSignalsOneConsentEntryAndItsReplayNone() {
    Checkout checkout = checkout();
    OrderId id =
        checkout.placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE)).orderId().orElseThrow();
    observer.clear();
    WithdrawalRequest withdrawal = WithdrawalRequest.of(id, Email.of(EMAIL));

    WithdrawalResult first = checkout.withdraw(key("w1"), withdrawal);
    assertThat(first.replayed()).isFalse();
    assertThat(observer.consents).containsExactly(1);
    WithdrawalResult again = checkout.withdraw(key("w1"), withdrawal);

    assertThat(again.replayed()).isTrue();
    assertThat(observer.consents).containsExactly(1);
    assertThat(observer.checkouts).as("a withdrawal is not a checkout").isEmpty();
    assertThat(observer.payments).isEmpty();
  }

  // ---- a broken observer -------------------------------------------------------------------

  @Test
  void anObserverBuiltAgainstAnotherMetricsLibraryVersionNeverFailsACheckout() {
    List<CheckoutSignal> heard = new ArrayList<>();
    CheckoutObserver linkageBroken =
        new CheckoutObserver() {
          @Override
          public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
            throw new NoSuchMethodError("io.micrometer.core.instrument.Timer.record(J)V");
          }

          @Override
          public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
            throw new AssertionError("an assert in a metrics backend");
          }
        };
    CheckoutObserver recording =
        new CheckoutObserver() {
          @Override
          public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
            heard.add(signal);
          }
        };
    Checkout checkout =
        checkout(new TestPaymentGateway(), CheckoutObserver.of(linkageBroken, recording));

    CheckoutResult paid = checkout.placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE));

    assertThat(paid.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(heard).containsExactly(CheckoutSignal.PAID);
  }

  @Test
  void anObserverThatThrowsFromEveryMethodNeverFailsACheckoutOrAWithdrawal() {
    Checkout checkout = checkout(new TestPaymentGateway(), new ThrowingObserver());

    CheckoutResult paid =
        checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1).marketingOptIn(true)));
    CheckoutResult replayed =
        checkout.placeOrder(key("k1"), request(r -> r.item("apple", 1).marketingOptIn(true)));
    CheckoutResult declined = checkout.placeOrder(key("k2"), apples(TestPaymentGateway.DECLINE));
    WithdrawalResult withdrawn =
        checkout.withdraw(
            key("w1"), WithdrawalRequest.of(paid.orderId().orElseThrow(), Email.of(EMAIL)));

    assertThat(paid.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(paid.replayed()).isFalse();
    assertThat(replayed.replayed()).isTrue();
    assertThat(declined.outcome()).isEqualTo(CheckoutOutcome.PAYMENT_DECLINED);
    assertThat(withdrawn.replayed()).isFalse();
    // What the checkout itself throws still reaches the caller, not the observer's exception.
    assertThatThrownBy(() -> checkout.placeOrder(key("k3"), apples(TestPaymentGateway.UNAVAILABLE)))
        .isInstanceOf(PaymentUnavailableException.class);
  }

  @Test
  void aCombinedObserverStillDeliversToTheOthersWhenOneThrows() {
    CheckoutObserver combined = CheckoutObserver.of(new ThrowingObserver(), observer);
    Checkout checkout = checkout(new TestPaymentGateway(), combined);

    CheckoutResult result = checkout.placeOrder(key("k1"), apples(TestPaymentGateway.APPROVE));
    combined.requestCompleted("/checkout", "POST", 201, 5);
    combined.deliveryFinished("shipping", DeliverySignal.SUCCEEDED, 7);

    assertThat(result.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(observer.signals()).containsExactly(CheckoutSignal.PAID);
    assertThat(observer.payments)
        .extracting(RecordingObserver.Payment::signal)
        .containsExactly(PaymentSignal.APPROVED);
    assertThat(observer.consents).containsExactly(1);
    assertThat(observer.requests)
        .containsExactly(new RecordingObserver.Request("/checkout", "POST", 201, 5));
    assertThat(observer.deliveries)
        .containsExactly(new RecordingObserver.Finished("shipping", DeliverySignal.SUCCEEDED, 7));
  }

  @Test
  void ofNothingIsTheNoOpObserver() {
    assertThat(CheckoutObserver.of()).isSameAs(CheckoutObserver.NONE);
    assertThat(CheckoutObserver.of(CheckoutObserver.NONE)).isSameAs(CheckoutObserver.NONE);
  }

  @Test
  void ofOneObserverGuardsItSoThatItNeverThrowsAndStillPassesSignalsOn() {
    CheckoutObserver guarded = CheckoutObserver.of(new ThrowingObserver());
    CheckoutObserver recording = CheckoutObserver.of(observer);

    assertThatCode(
            () -> {
              guarded.requestCompleted("/checkout", "POST", 201, 1);
              guarded.checkoutCompleted(CheckoutSignal.PAID, 1);
              guarded.paymentCompleted(PaymentSignal.APPROVED, "", 1);
              guarded.consentRecorded(1);
              guarded.deliveryFinished("shipping", DeliverySignal.SUCCEEDED, 1);
            })
        .doesNotThrowAnyException();
    recording.checkoutCompleted(CheckoutSignal.DECLINED, 3);
    assertThat(recording).isNotSameAs(observer);
    assertThat(observer.checkouts)
        .containsExactly(new RecordingObserver.Checkout(CheckoutSignal.DECLINED, 3));
    assertThat(CheckoutObserver.of(guarded)).as("guarding twice wraps once").isSameAs(guarded);
  }

  @Test
  void ofRejectsANullArray() {
    assertThatThrownBy(() -> CheckoutObserver.of((CheckoutObserver[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("observers");
  }
}

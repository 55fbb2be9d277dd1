package dev.tinycheckout.checkout;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.TinyCheckoutException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.fulfilment.FulfilmentHooks;
import dev.tinycheckout.fulfilment.OutboxEvent;
import dev.tinycheckout.fulfilment.PendingDelivery;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.IdempotencyRecord;
import dev.tinycheckout.idempotency.RequestFingerprint;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.internal.JsonWriter;
import dev.tinycheckout.internal.SafeObserver;
import dev.tinycheckout.money.MoneyArithmeticException;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.PaymentSignal;
import dev.tinycheckout.order.AlreadyWithdrawnException;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderLine;
import dev.tinycheckout.order.OrderNotFoundException;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.WithdrawalPeriodExpiredException;
import dev.tinycheckout.order.WithdrawalRightWaivedException;
import dev.tinycheckout.payment.PaymentGateway;
import dev.tinycheckout.payment.PaymentRequest;
import dev.tinycheckout.payment.PaymentResult;
import dev.tinycheckout.payment.PaymentUnavailableException;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The single write path for orders: the only code in tinycheckout that creates one ({@link
 * #placeOrder}) or withdraws one ({@link #withdraw}).
 *
 * <p>{@link #placeOrder} is idempotent on its {@link IdempotencyKey}, with the rules of the IETF
 * httpapi {@code Idempotency-Key} draft and Stripe:
 *
 * <ul>
 *   <li>the first request executes; a duplicate while it runs gets {@link
 *       IdempotencyKeyInUseException}; after it completed, the same request gets the stored answer
 *       again, marked {@link CheckoutResult#replayed() replayed}; the same key with another request
 *       gets {@link IdempotencyKeyReusedException};
 *   <li>failures before the operation starts (terms not accepted, unknown product, mixed
 *       currencies) throw a {@link ValidationException} and store nothing, so the client can
 *       correct the request and send it again with the same key;
 *   <li>business outcomes once it started (out of stock, payment declined) are stored and replayed;
 *   <li>an attempt that crashed mid-way leaves its key leased; once the lease runs out, the next
 *       retry takes over at the last committed recovery point and finishes the checkout exactly
 *       once.
 * </ul>
 *
 * <p>The work runs in atomic phases, each one unit of work of the {@link CheckoutStorage}:
 *
 * <ol>
 *   <li><b>claim</b>: claim the key, check the terms, price the lines, reserve stock for every line
 *       in SKU order (conditional updates, a fixed lock order, so no oversell and no deadlock),
 *       insert the order {@link OrderStatus#PENDING_PAYMENT}, and record the recovery point {@code
 *       order-created}; or store the out-of-stock answer;
 *   <li><b>pay</b>: outside any transaction, charge through the {@link PaymentGateway} with a
 *       payment key derived from the order id, the same on every retry;
 *   <li><b>finish</b>: if the key's fence still matches, mark the order paid, enqueue the
 *       fulfilment event (and one delivery per {@linkplain Builder#hooks subscribed hook}), append
 *       the consent entries through the {@link ConsentAudit} (terms of sale; marketing if opted in;
 *       immediate performance and the withdrawal-right waiver, each its own entry, if {@linkplain
 *       CheckoutRequest#immediatePerformance() given}), and store the answer; or, if declined,
 *       cancel the order, return its stock, enqueue the payment-failed event and store the decline.
 * </ol>
 *
 * <p>No database lock is held while the payment provider is called, so the stock row of a popular
 * product is locked for milliseconds, not for a payment round trip.
 *
 * <p>{@link #withdraw} calls no provider (the refund is requested through the outbox), so it runs
 * in a single unit of work: claim the key, check the order, move it from {@link OrderStatus#PAID}
 * to {@link OrderStatus#WITHDRAWN}, return the stock, enqueue the event, append the consent entry
 * (with the customer's name, if given) and store the answer, all or nothing.
 *
 * <p>Thread-safe; build one per shop with {@link #builder()} and share it.
 */
public final class Checkout {
  /** MDC key holding a hash of the idempotency key (never the key itself) during a checkout. */
  public static final String MDC_IDEMPOTENCY_KEY = "tinycheckout.idempotencyKey";

  /** MDC key holding the order id once it is known. */
  public static final String MDC_ORDER_ID = "tinycheckout.orderId";

  /**
   * MDC key of the request id, which a server adapter puts before calling the checkout (the HTTP
   * adapter takes a well-formed {@code X-Request-Id} or makes one); the outcome line repeats it.
   */
  public static final String MDC_REQUEST_ID = "tinycheckout.requestId";

  static final String ORDER_CREATED = "order-created";
  static final String FINISHED = "finished";
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(Checkout.class);

  private final CheckoutStorage storage;
  private final PaymentGateway gateway;
  private final Clock clock;
  private final CheckoutConfig config;
  private final String termsVersion;
  private final ConsentHash termsHash;
  private final ConsentAudit consentAudit;
  private final FulfilmentHooks hooks;
  private final Runnable afterEventsCommitted;
  private final CheckoutObserver observer;

  private Checkout(Builder b) {
    this.storage = require(b.storage, "storage");
    this.gateway = require(b.gateway, "paymentGateway");
    this.termsVersion = require(b.termsVersion, "termsVersion");
    this.termsHash = b.termsHash;
    if (termsHash.equals(ConsentHash.ZERO)) {
      LOG.warn(
          "the terms text is not configured: consent entries will record terms version '{}' with"
              + " an all-zero text hash; set Checkout.builder().terms(version, text)",
          termsVersion);
    }
    ConsentAudit audit = b.consentAudit;
    this.consentAudit = audit != null ? audit : ConsentAudit.builder(storage).build();
    this.clock = b.clock;
    this.config = b.config;
    this.hooks = b.hooks;
    this.afterEventsCommitted = b.afterEventsCommitted;
    this.observer = SafeObserver.guard(b.observer);
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(
          name + " is required: call Checkout.builder()." + name + "(...)");
    }
    return value;
  }

  /**
   * A builder; {@code storage}, {@code paymentGateway} and the terms ({@code terms} or {@code
   * termsVersion}) are required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The terms version a customer must accept.
   *
   * @return the current terms version
   */
  public String termsVersion() {
    return termsVersion;
  }

  /**
   * The SHA-256 of the exact terms text that consent entries record.
   *
   * @return the hash given through {@link Builder#terms(String, String)}, or {@link
   *     ConsentHash#ZERO} if only {@link Builder#termsVersion(String)} was set
   */
  public ConsentHash termsHash() {
    return termsHash;
  }

  /**
   * The consent audit trail that this checkout appends to: verify, export and erase through it.
   *
   * @return the audit given to {@link Builder#consentAudit}, or the default one
   */
  public ConsentAudit consentAudit() {
    return consentAudit;
  }

  /**
   * Places an order, idempotently on the key.
   *
   * @param key the client's idempotency key, in its scope
   * @param request the validated request
   * @return the outcome and its stored answer; {@link CheckoutResult#replayed()} tells a replay
   * @throws IdempotencyKeyInUseException if an attempt with the same key and request is running
   * @throws IdempotencyKeyReusedException if the key was used with another request
   * @throws ConsentRequiredException if the accepted terms are not the current ones (nothing
   *     stored)
   * @throws UnknownProductException if a SKU is not in the catalog (nothing stored)
   * @throws ValidationException if the lines mix currencies or the total overflows (nothing stored)
   * @throws PaymentUnavailableException if the payment outcome is unknown; retry with the same key
   * @throws StorageException if the storage failed; nothing partial is visible, retry with the same
   *     key when {@link StorageException#isRetryable()}
   */
  public CheckoutResult placeOrder(IdempotencyKey key, CheckoutRequest request) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(request, "request");
    long start = System.nanoTime();
    CheckoutSignal signal = CheckoutSignal.FAILED;
    RequestFingerprint fingerprint = request.fingerprint();
    String keyHash = keyHash(key);
    @Nullable String orderId = null;
    MDC.put(MDC_IDEMPOTENCY_KEY, keyHash);
    try {
      // Chosen once, outside the retried unit of work: if a claim commits but its acknowledgement
      // is lost, the retry recognises its own record by this id instead of answering 409.
      OrderId newOrderId = OrderId.generate(clock);
      Step step = transact(tx -> claim(tx, key, fingerprint, request, newOrderId));
      CheckoutResult result;
      if (step instanceof Pay pay) {
        orderId = pay.order.id().toString();
        MDC.put(MDC_ORDER_ID, orderId);
        result = pay(request, pay.record, pay.order);
      } else {
        Answered answered = (Answered) step;
        result = result(answered.record, answered.replayed);
        if (result.orderId().isPresent()) {
          orderId = result.orderId().get().toString();
        }
      }
      signal = signalOf(result);
      return result;
    } catch (RuntimeException e) {
      signal = signalOf(e);
      throw e;
    } finally {
      long elapsed = System.nanoTime() - start;
      observer.checkoutCompleted(signal, elapsed);
      logOutcome("checkout", signal.label(), signal.isServerError(), elapsed, orderId, keyHash);
      MDC.remove(MDC_ORDER_ID);
      MDC.remove(MDC_IDEMPOTENCY_KEY);
    }
  }

  /**
   * The one line per outcome: its fields repeat the MDC (for backends that do not print it, such as
   * slf4j-simple, whose MDC keeps nothing; the request id then shows as "-"), and never hold
   * personal data: the key is a hash, the order id is random.
   */
  private static void logOutcome(
      String what,
      String outcome,
      boolean serverError,
      long nanos,
      @Nullable String order,
      String keyHash) {
    if (serverError ? !LOG.isWarnEnabled() : !LOG.isInfoEnabled()) {
      return;
    }
    String request = MDC.get(MDC_REQUEST_ID);
    String line =
        what
            + " outcome="
            + outcome
            + " order="
            + (order == null ? "-" : order)
            + " key="
            + keyHash
            + " request="
            + (request == null ? "-" : request)
            + " durationMs="
            + nanos / 1_000_000;
    if (serverError) {
      LOG.warn(line);
    } else {
      LOG.info(line);
    }
  }

  /** How many consent entries a paid checkout of this request records: one per purpose. */
  private static int consentEntries(CheckoutRequest request) {
    return 1 + (request.marketingOptIn() ? 1 : 0) + (request.immediatePerformance() ? 2 : 0);
  }

  private static CheckoutSignal signalOf(CheckoutResult result) {
    if (result.replayed()) {
      return CheckoutSignal.REPLAYED;
    }
    return switch (result.outcome()) {
      case PLACED -> CheckoutSignal.PAID;
      case PAYMENT_DECLINED -> CheckoutSignal.DECLINED;
      case OUT_OF_STOCK -> CheckoutSignal.OUT_OF_STOCK;
    };
  }

  /** The signal of a checkout that threw: a refusal of the client's request, or a failure. */
  private static CheckoutSignal signalOf(RuntimeException e) {
    if (e instanceof IdempotencyKeyInUseException) {
      return CheckoutSignal.IN_PROGRESS;
    }
    if (e instanceof IdempotencyKeyReusedException) {
      return CheckoutSignal.KEY_REUSED;
    }
    if (e instanceof PaymentUnavailableException) {
      return CheckoutSignal.PAYMENT_UNAVAILABLE;
    }
    if (e instanceof ValidationException
        || e instanceof ConsentRequiredException
        || e instanceof UnknownProductException) {
      return CheckoutSignal.REJECTED;
    }
    return CheckoutSignal.FAILED;
  }

  /**
   * Withdraws a paid order at its customer's request (the EU withdrawal function), idempotently on
   * the key, in one unit of work: the order becomes {@link OrderStatus#WITHDRAWN}, the stock of
   * every line returns, a {@link ConsentAction#WITHDRAWN} entry joins the consent trail, an {@value
   * OutboxEvent#ORDER_WITHDRAWN} event asks the fulfilment hooks to refund the total and confirm to
   * the customer, and the 200 answer is stored under the key. Either all of it commits or none of
   * it does.
   *
   * <p>The key follows the rules of {@link #placeOrder}, in the same key space: the same request
   * after completion gets the stored answer again, byte for byte, marked {@link
   * WithdrawalResult#replayed() replayed}; a key already used for another request (a checkout, or a
   * withdrawal of another order or with another email or name) gets {@link
   * IdempotencyKeyReusedException}, even while that request still runs. A refusal stores nothing,
   * so the client may correct the request and send it again with the same key.
   *
   * <p>Of many concurrent withdrawals of one order under different keys exactly one succeeds (the
   * status compare-and-set decides) and the others get {@link AlreadyWithdrawnException}.
   *
   * @param key the client's idempotency key, in its scope
   * @param request the validated request
   * @return the stored answer; {@link WithdrawalResult#replayed()} tells a replay
   * @throws OrderNotFoundException if no order has the id, the email is not the order's (compared
   *     ignoring case), or the order is not one the customer can see (awaiting payment or
   *     cancelled); nothing stored
   * @throws AlreadyWithdrawnException if the order was withdrawn under another key; nothing stored
   * @throws WithdrawalRightWaivedException if the customer consented to immediate performance of
   *     digital content and acknowledged losing the right of withdrawal with this order; nothing
   *     stored
   * @throws WithdrawalPeriodExpiredException if the order was placed more than {@link
   *     CheckoutConfig#withdrawalPeriod()} ago; nothing stored
   * @throws IdempotencyKeyInUseException if an attempt with the same key and request is running
   * @throws IdempotencyKeyReusedException if the key was used with another request
   * @throws StorageException if the storage failed; nothing partial is visible, retry with the same
   *     key when {@link StorageException#isRetryable()}
   */
  public WithdrawalResult withdraw(IdempotencyKey key, WithdrawalRequest request) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(request, "request");
    long start = System.nanoTime();
    RequestFingerprint fingerprint = request.fingerprint();
    String keyHash = keyHash(key);
    MDC.put(MDC_IDEMPOTENCY_KEY, keyHash);
    MDC.put(MDC_ORDER_ID, request.orderId().toString());
    String outcome = CheckoutSignal.FAILED.label();
    boolean serverError = true;
    try {
      // Chosen once, outside the retried unit of work: if the withdrawal commits but its
      // acknowledgement is lost, the retry recognises its own answer by this id and reports it as
      // the first answer, not as a replay.
      String receiptId = UUID.randomUUID().toString();
      WithdrawalResult result =
          transact(tx -> withdrawal(tx, key, fingerprint, request, receiptId));
      if (!result.replayed()) {
        eventsCommitted();
        observer.consentRecorded(1);
      }
      outcome = result.replayed() ? "replayed" : "withdrawn";
      return result;
    } catch (TinyCheckoutException e) {
      // A refusal of the customer's request (not found, already withdrawn, period over, right
      // waived, key in use or reused) is named by its problem; a storage failure is ours.
      serverError = e instanceof StorageException;
      outcome = serverError ? CheckoutSignal.FAILED.label() : e.problem().replace('-', '_');
      throw e;
    } finally {
      logOutcome(
          "withdrawal",
          outcome,
          serverError,
          System.nanoTime() - start,
          request.orderId().toString(),
          keyHash);
      MDC.remove(MDC_ORDER_ID);
      MDC.remove(MDC_IDEMPOTENCY_KEY);
    }
  }

  /**
   * Deletes up to {@code batchSize} idempotency records whose retention has run out, in one short
   * unit of work. Call it periodically, in a loop while it returns {@code batchSize}.
   *
   * @param batchSize the most records to delete, at least 1
   * @return how many were deleted
   * @throws ValidationException if batchSize is below 1
   */
  public int purgeExpiredKeys(int batchSize) {
    if (batchSize < 1) {
      throw new ValidationException("batchSize", "must be at least 1, but was " + batchSize);
    }
    return transact(tx -> tx.idempotency().deleteExpired(clock.instant(), batchSize));
  }

  // ---- phase 1: claim ----------------------------------------------------------------------

  private sealed interface Step permits Answered, Pay {}

  private record Answered(IdempotencyRecord record, boolean replayed) implements Step {}

  private record Pay(IdempotencyRecord record, Order order) implements Step {}

  private Step claim(
      StorageTransaction tx,
      IdempotencyKey key,
      RequestFingerprint fp,
      CheckoutRequest request,
      OrderId newOrderId) {
    Instant now = clock.instant();
    Optional<IdempotencyRecord> found = tx.idempotency().find(key);
    // An expired record is forgotten, unless it is an unfinished checkout with an order: that one
    // may have charged, so a late retry must resume it (same order, same payment key), never
    // start over with a second order.
    if (found.isEmpty() || found.get().isPurgeable(now)) {
      long fence = found.map(r -> r.fence() + 1).orElse(1L);
      IdempotencyRecord claim =
          IdempotencyRecord.claimed(
              key, fp, fence, now, now.plus(config.lease()), now.plus(config.retention()));
      return reserve(
          tx, claim, found.map(IdempotencyRecord::fence).orElse(0L), request, now, newOrderId);
    }
    IdempotencyRecord existing = found.get();
    if (!existing.fingerprint().equals(fp)) {
      throw new IdempotencyKeyReusedException();
    }
    if (existing.isCompleted()) {
      return new Answered(existing, true);
    }
    if (ORDER_CREATED.equals(existing.recoveryPoint())
        && existing.reference().equals(newOrderId.toString())) {
      // Our own claim, committed by an earlier try of this unit of work whose answer was lost.
      return new Pay(existing, findOrder(tx, newOrderId));
    }
    if (!existing.isLeaseExpired(now)) {
      throw new IdempotencyKeyInUseException(RETRY_AFTER);
    }
    IdempotencyRecord taken = existing.takenOver(now.plus(config.lease()));
    if (existing.isExpired(now)) {
      taken = taken.withExpiresAt(now.plus(config.retention()));
    }
    LOG.warn(
        "taking over an abandoned checkout at recovery point '{}' (attempt {})",
        existing.recoveryPoint(),
        taken.fence());
    if (ORDER_CREATED.equals(existing.recoveryPoint())) {
      Order order = findOrder(tx, OrderId.parse(existing.reference()));
      write(tx, taken, existing.fence());
      return new Pay(taken, order);
    }
    return reserve(tx, taken, existing.fence(), request, now, newOrderId);
  }

  private static Order findOrder(StorageTransaction tx, OrderId orderId) {
    return tx.orders()
        .find(orderId)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "idempotency record points to order " + orderId + ", which is missing"));
  }

  private Step reserve(
      StorageTransaction tx,
      IdempotencyRecord claim,
      long previousFence,
      CheckoutRequest request,
      Instant now,
      OrderId orderId) {
    if (!request.acceptedTerms().equals(termsVersion)) {
      throw new ConsentRequiredException(termsVersion);
    }
    List<OrderLine> lines = new ArrayList<>(request.items().size());
    for (int i = 0; i < request.items().size(); i++) {
      LineItem item = request.items().get(i);
      String path = "items[" + i + "]";
      Product product =
          tx.products()
              .find(item.sku())
              .orElseThrow(() -> new UnknownProductException(path + ".sku", item.sku()));
      if (!lines.isEmpty()
          && !lines.get(0).unitPrice().currency().equals(product.price().currency())) {
        throw new ValidationException(
            path + ".sku",
            "is priced in "
                + product.price().currency()
                + " but earlier lines in "
                + lines.get(0).unitPrice().currency()
                + "; one order has one currency");
      }
      try {
        lines.add(OrderLine.of(item.sku(), item.quantity(), product.price()));
      } catch (MoneyArithmeticException e) {
        throw new ValidationException(path + ".quantity", "line total is out of range");
      }
    }
    Order order;
    try {
      order = Order.create(orderId, lines, request.email(), now);
    } catch (MoneyArithmeticException e) {
      throw new ValidationException("items", "order total is out of range");
    }
    List<OrderLine> bySku = new ArrayList<>(lines);
    bySku.sort(Comparator.comparing(OrderLine::sku));
    List<OrderLine> reserved = new ArrayList<>(bySku.size());
    for (OrderLine line : bySku) {
      if (!tx.products().reserve(line.sku(), line.quantity(), now)) {
        for (OrderLine r : reserved) {
          tx.products().release(r.sku(), r.quantity(), now);
        }
        IdempotencyRecord done =
            claim.completedWith(FINISHED, CheckoutResponses.outOfStock(line.sku()));
        write(tx, done, previousFence);
        return new Answered(done, false);
      }
      reserved.add(line);
    }
    tx.orders().insert(order);
    IdempotencyRecord created =
        claim.advancedTo(ORDER_CREATED, order.id().toString(), claim.leaseExpiresAt());
    write(tx, created, previousFence);
    return new Pay(created, order);
  }

  /**
   * Inserts (previousFence 0) or fenced-replaces the record; a lost race is a retryable failure.
   */
  private static void write(StorageTransaction tx, IdempotencyRecord record, long previousFence) {
    boolean written =
        previousFence == 0
            ? tx.idempotency().insert(record)
            : tx.idempotency().replace(record, previousFence);
    if (!written) {
      throw new StorageException(
          "another request claimed this idempotency key at the same moment; retrying", true, null);
    }
  }

  // ---- phase 2: pay, phase 3: finish ----------------------------------------------------------

  private CheckoutResult pay(CheckoutRequest request, IdempotencyRecord record, Order order) {
    PaymentResult payment;
    if (order.total().isZero()) {
      payment = new PaymentResult.Approved("free-order");
    } else {
      long start = System.nanoTime();
      try {
        payment =
            Objects.requireNonNull(
                gateway.charge(
                    new PaymentRequest(
                        "tinycheckout-" + order.id(),
                        order.id(),
                        order.total(),
                        request.paymentToken())),
                "PaymentGateway.charge returned null");
      } catch (RuntimeException e) {
        observer.paymentCompleted(
            PaymentSignal.UNAVAILABLE, e.getClass().getSimpleName(), System.nanoTime() - start);
        releaseLease(record);
        LOG.warn("payment outcome unknown; the order stays pending until the client retries", e);
        throw e instanceof PaymentUnavailableException p
            ? p
            : new PaymentUnavailableException("the payment gateway failed: " + e, e);
      }
      long elapsed = System.nanoTime() - start;
      if (payment instanceof PaymentResult.Declined declined) {
        observer.paymentCompleted(PaymentSignal.DECLINED, declined.reason(), elapsed);
      } else {
        observer.paymentCompleted(PaymentSignal.APPROVED, "", elapsed);
      }
    }
    PaymentResult outcome = payment;
    IdempotencyRecord done;
    try {
      done = transact(tx -> finish(tx, record, order, request, outcome));
    } catch (IdempotencyKeyInUseException e) {
      throw e;
    } catch (RuntimeException e) {
      releaseLease(record);
      throw e;
    }
    eventsCommitted();
    if (outcome instanceof PaymentResult.Approved) {
      consentAudit.chainSoon();
    }
    if (outcome instanceof PaymentResult.Approved) {
      observer.consentRecorded(consentEntries(request));
    }
    return result(done, false);
  }

  private IdempotencyRecord finish(
      StorageTransaction tx,
      IdempotencyRecord record,
      Order order,
      CheckoutRequest request,
      PaymentResult payment) {
    Instant now = clock.instant();
    IdempotencyRecord current = tx.idempotency().find(record.key()).orElse(null);
    if (current != null && current.fence() == record.fence() && current.isCompleted()) {
      // Only the holder of this fence can complete it: an earlier try of this unit of work
      // committed and its acknowledgement was lost.
      return current;
    }
    if (current == null || current.fence() != record.fence()) {
      // Our lease ran out and a retry took over: it finishes the checkout, not us.
      throw new IdempotencyKeyInUseException(RETRY_AFTER);
    }
    StoredResponse response;
    if (payment instanceof PaymentResult.Approved approved) {
      Order paid =
          tx.orders()
              .updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, now)
              .orElseThrow(
                  () -> new IllegalStateException("order " + order.id() + " is not pending"));
      JsonWriter event = new JsonWriter().beginObject();
      event.name("orderId").value(paid.id().toString());
      event.name("paymentId").value(approved.paymentId());
      CheckoutResponses.writeOrder(event.name("order"), paid);
      enqueueEvent(
          tx, OutboxEvent.ORDER_PLACED, paid.id().toString(), event.endObject().toString(), now);
      // Consent is staged, not chained: chaining takes the trail's one head lock, which a
      // checkout would hold through its commit; ConsentAudit chains in batches after it.
      // The text hash belongs to the current version; terms changed between claim and finish
      // (a restart with new terms) leave the accepted version without a known text hash.
      ConsentHash acceptedHash =
          request.acceptedTerms().equals(termsVersion) ? termsHash : ConsentHash.ZERO;
      grant(tx, paid, ConsentPurpose.TERMS_OF_SALE, request, acceptedHash, now);
      if (request.marketingOptIn()) {
        grant(tx, paid, ConsentPurpose.MARKETING, request, acceptedHash, now);
      }
      if (request.immediatePerformance()) {
        grant(tx, paid, ConsentPurpose.IMMEDIATE_PERFORMANCE, request, acceptedHash, now);
        grant(tx, paid, ConsentPurpose.WITHDRAWAL_RIGHT_WAIVER, request, acceptedHash, now);
      }
      response = CheckoutResponses.placed(paid);
    } else {
      String reason = ((PaymentResult.Declined) payment).reason();
      Order cancelled =
          tx.orders()
              .updateStatus(order.id(), OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, now)
              .orElseThrow(
                  () -> new IllegalStateException("order " + order.id() + " is not pending"));
      List<OrderLine> bySku = new ArrayList<>(order.lines());
      bySku.sort(Comparator.comparing(OrderLine::sku));
      for (OrderLine line : bySku) {
        tx.products().release(line.sku(), line.quantity(), now);
      }
      JsonWriter event = new JsonWriter().beginObject();
      event.name("orderId").value(cancelled.id().toString());
      event.name("reason").value(reason);
      CheckoutResponses.money(event.name("amount"), cancelled.total());
      enqueueEvent(
          tx, OutboxEvent.PAYMENT_FAILED, order.id().toString(), event.endObject().toString(), now);
      response = CheckoutResponses.paymentDeclined(reason);
    }
    IdempotencyRecord done = current.completedWith(FINISHED, response);
    if (!tx.idempotency().replace(done, record.fence())) {
      throw new IdempotencyKeyInUseException(RETRY_AFTER);
    }
    return done;
  }

  private void grant(
      StorageTransaction tx,
      Order paid,
      ConsentPurpose purpose,
      CheckoutRequest request,
      ConsentHash acceptedHash,
      Instant now) {
    consentAudit.record(
        tx,
        ConsentEvidence.of(
            paid.email(),
            ConsentAction.GRANTED,
            purpose,
            request.acceptedTerms(),
            acceptedHash,
            ConsentEvidence.CHANNEL_CHECKOUT,
            paid.id(),
            now));
  }

  // ---- withdrawal: one unit of work ---------------------------------------------------------

  private WithdrawalResult withdrawal(
      StorageTransaction tx,
      IdempotencyKey key,
      RequestFingerprint fp,
      WithdrawalRequest request,
      String receiptId) {
    Instant now = clock.instant();
    Optional<IdempotencyRecord> found = tx.idempotency().find(key);
    IdempotencyRecord claim;
    long previousFence;
    if (found.isEmpty() || found.get().isPurgeable(now)) {
      previousFence = found.map(IdempotencyRecord::fence).orElse(0L);
      claim =
          IdempotencyRecord.claimed(
              key,
              fp,
              previousFence + 1,
              now,
              now.plus(config.lease()),
              now.plus(config.retention()));
    } else {
      IdempotencyRecord existing = found.get();
      if (!existing.fingerprint().equals(fp)) {
        throw new IdempotencyKeyReusedException();
      }
      if (existing.isCompleted()) {
        // Our own answer, committed by an earlier try whose acknowledgement was lost, is the first
        // answer; any other is a replay.
        boolean ours = existing.reference().equals(receiptId);
        return new WithdrawalResult(
            existing.response().orElseThrow(), !ours, request.orderId(), existing.reference());
      }
      // A withdrawal commits complete or not at all, so an unfinished record with this request
      // comes from an attempt that is still running elsewhere, or from one that died.
      if (!existing.isLeaseExpired(now)) {
        throw new IdempotencyKeyInUseException(RETRY_AFTER);
      }
      previousFence = existing.fence();
      claim = existing.takenOver(now.plus(config.lease()));
      if (existing.isExpired(now)) {
        claim = claim.withExpiresAt(now.plus(config.retention()));
      }
    }
    // Claim the key before touching the order: a duplicate under the same key then waits for this
    // unit of work at the key (and replays its answer) instead of losing the race for the order
    // and answering "already withdrawn" to its own client.
    write(tx, claim, previousFence);

    OrderId orderId = request.orderId();
    Order order =
        tx.orders()
            .find(orderId)
            // Ignoring case: mail providers do, and phone keyboards capitalise the first letter.
            // The unguessable order id is the secret; the email shows whose order it is.
            .filter(o -> o.email().value().equalsIgnoreCase(request.email().value()))
            .orElseThrow(() -> new OrderNotFoundException(orderId));
    if (order.status() == OrderStatus.WITHDRAWN) {
      throw new AlreadyWithdrawnException(orderId);
    }
    if (order.status() != OrderStatus.PAID) {
      // Awaiting payment or cancelled: customers never see these orders, and "not found" tells a
      // caller nothing about them.
      throw new OrderNotFoundException(orderId);
    }
    // The order's consent entries must be in the chain, where findByOrder sees them: its checkout
    // staged them, and they may not be chained yet. Withdrawals are rare, so this one holds the
    // trail's head lock from here to its commit, and appends its own entry directly.
    while (tx.consents().chainStaged(ConsentAudit.CHAIN_BATCH).size() == ConsentAudit.CHAIN_BATCH) {
      // chain on until nothing is left staged
    }
    List<ConsentEntry> consents = tx.consents().findByOrder(orderId);
    if (consents.stream()
        .anyMatch(
            c ->
                c.action() == ConsentAction.GRANTED
                    && c.purpose() == ConsentPurpose.WITHDRAWAL_RIGHT_WAIVER)) {
      throw new WithdrawalRightWaivedException(orderId);
    }
    Instant deadline = order.createdAt().plus(config.withdrawalPeriod());
    if (now.isAfter(deadline)) {
      throw new WithdrawalPeriodExpiredException(orderId, deadline);
    }
    Order withdrawn =
        tx.orders()
            .updateStatus(orderId, OrderStatus.PAID, OrderStatus.WITHDRAWN, now)
            .orElseThrow(() -> lostWithdrawalRace(tx, orderId));
    Instant withdrawnAt = withdrawn.updatedAt();
    List<OrderLine> bySku = new ArrayList<>(withdrawn.lines());
    bySku.sort(Comparator.comparing(OrderLine::sku));
    for (OrderLine line : bySku) {
      if (!tx.products().release(line.sku(), line.quantity(), now)) {
        LOG.warn("product {} of a withdrawn order is no longer in the catalog", line.sku());
      }
    }
    JsonWriter event = new JsonWriter().beginObject();
    event.name("orderId").value(orderId.toString());
    event.name("receiptId").value(receiptId);
    event.name("withdrawnAt").value(CheckoutResponses.timestamp(withdrawnAt));
    CheckoutResponses.money(event.name("refund"), withdrawn.total());
    event.name("email").value(withdrawn.email().value());
    request.name().ifPresent(name -> event.name("name").value(name));
    enqueueEvent(
        tx, OutboxEvent.ORDER_WITHDRAWN, orderId.toString(), event.endObject().toString(), now);
    // Consent last: this unit of work holds the head lock already.
    Optional<ConsentEntry> accepted =
        consents.stream()
            .filter(
                c ->
                    c.action() == ConsentAction.GRANTED
                        && c.purpose() == ConsentPurpose.TERMS_OF_SALE)
            .reduce((first, later) -> later);
    consentAudit.append(
        tx,
        new ConsentEvidence(
            withdrawn.email(),
            ConsentAction.WITHDRAWN,
            ConsentPurpose.TERMS_OF_SALE,
            accepted.map(ConsentEntry::termsVersion).orElse(termsVersion),
            accepted.map(ConsentEntry::termsHash).orElse(termsHash),
            ConsentEvidence.CHANNEL_WITHDRAWAL_FUNCTION,
            orderId,
            now,
            request.name()));
    StoredResponse response = CheckoutResponses.withdrawn(withdrawn, withdrawnAt, receiptId);
    IdempotencyRecord done =
        claim
            .advancedTo(FINISHED, receiptId, claim.leaseExpiresAt())
            .completedWith(FINISHED, response);
    write(tx, done, claim.fence());
    return new WithdrawalResult(response, false, orderId, receiptId);
  }

  /**
   * Writes an event to the outbox and, in the same unit of work, one delivery per hook that
   * subscribes to its type: the event and its deliveries commit together with the change they
   * report, or not at all.
   */
  private void enqueueEvent(
      StorageTransaction tx, String type, String aggregateId, String payload, Instant now) {
    OutboxEvent event = new OutboxEvent(UUID.randomUUID(), type, aggregateId, payload, now);
    tx.outbox().enqueue(event);
    for (PendingDelivery delivery : hooks.deliveriesFor(event, now)) {
      tx.deliveries().enqueue(delivery);
    }
  }

  /**
   * Tells the dispatcher that events committed. Called after the unit of work returned, never
   * inside it: a dispatcher woken before the commit would find nothing to claim.
   */
  private void eventsCommitted() {
    if (hooks.isEmpty()) {
      return;
    }
    try {
      afterEventsCommitted.run();
    } catch (RuntimeException e) {
      LOG.warn(
          "the after-commit callback failed; the dispatcher will find the events by polling", e);
    }
  }

  /** The status compare-and-set failed: another unit of work changed the order since we read it. */
  private static RuntimeException lostWithdrawalRace(StorageTransaction tx, OrderId orderId) {
    Optional<OrderStatus> status = tx.orders().find(orderId).map(Order::status);
    if (status.isPresent() && status.get() == OrderStatus.WITHDRAWN) {
      return new AlreadyWithdrawnException(orderId);
    }
    return new StorageException(
        "order " + orderId + " changed while it was being withdrawn; retrying", true, null);
  }

  /** Lets the next retry take over at once; best effort, as the lease runs out anyway. */
  private void releaseLease(IdempotencyRecord record) {
    try {
      storage.inTransaction(
          tx -> {
            Instant now = clock.instant();
            tx.idempotency()
                .find(record.key())
                .filter(r -> r.fence() == record.fence() && !r.isCompleted())
                .ifPresent(r -> tx.idempotency().replace(r.withLeaseExpiresAt(now), r.fence()));
            return Boolean.TRUE;
          });
    } catch (RuntimeException e) {
      LOG.warn("could not release the lease; it will run out by itself", e);
    }
  }

  private static CheckoutResult result(IdempotencyRecord record, boolean replayed) {
    StoredResponse response = record.response().orElseThrow();
    CheckoutOutcome outcome = CheckoutOutcome.ofStatus(response.status());
    Optional<OrderId> orderId =
        outcome == CheckoutOutcome.PLACED
            ? Optional.of(OrderId.parse(record.reference()))
            : Optional.empty();
    return new CheckoutResult(outcome, response, replayed, orderId);
  }

  private <T> T transact(UnitOfWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storage.inTransaction(work);
      } catch (StorageException e) {
        if (!e.isRetryable() || attempt >= config.transactionAttempts()) {
          throw e;
        }
        LOG.debug(
            "transient storage failure, attempt {} of {}",
            attempt,
            config.transactionAttempts(),
            e);
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static String keyHash(IdempotencyKey key) {
    return RequestFingerprint.of(key.scope(), key.value()).hex().substring(0, 16);
  }

  /** Builds a {@link Checkout}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CheckoutStorage storage;
    private @Nullable PaymentGateway gateway;
    private @Nullable String termsVersion;
    private ConsentHash termsHash = ConsentHash.ZERO;
    private @Nullable ConsentAudit consentAudit;
    private Clock clock = Clock.systemUTC();
    private CheckoutConfig config = CheckoutConfig.ofDefaults();
    private FulfilmentHooks hooks = FulfilmentHooks.none();
    private Runnable afterEventsCommitted = () -> {};
    private CheckoutObserver observer = CheckoutObserver.NONE;

    private Builder() {}

    /**
     * Hears every checkout's outcome and duration, each payment call and the consent entries
     * recorded: for metrics and service-level objectives. Default {@link CheckoutObserver#NONE}.
     *
     * @param observer the observer; combine several with {@link CheckoutObserver#of}
     * @return this builder
     */
    public Builder observer(CheckoutObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Sets the storage (required).
     *
     * @param storage where orders, stock, keys, events and consents live
     * @return this builder
     */
    public Builder storage(CheckoutStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets the payment gateway (required).
     *
     * @param gateway the provider
     * @return this builder
     */
    public Builder paymentGateway(PaymentGateway gateway) {
      this.gateway = Objects.requireNonNull(gateway, "gateway");
      return this;
    }

    /**
     * Sets the terms customers must accept: their version and exact text (this or {@link
     * #termsVersion} is required). Every consent entry records the version and the SHA-256 of the
     * text's UTF-8 bytes, so the shop can later prove which words a customer agreed to; keep every
     * version's text.
     *
     * @param version 1-64 printable ASCII characters without spaces, such as {@code 2026-11-01}
     * @param text the exact text shown to the customer, hashed as UTF-8 bytes
     * @return this builder
     * @throws ValidationException if the version is malformed or the text is empty
     */
    public Builder terms(String version, String text) {
      Objects.requireNonNull(text, "text");
      String v = ConsentEvidence.requireValidTermsVersion(version);
      if (text.isEmpty()) {
        throw new ValidationException("termsText", "must not be empty");
      }
      this.termsVersion = v;
      this.termsHash = ConsentHash.sha256(text.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /**
     * Sets only the terms version customers must accept (this or {@link #terms(String, String)} is
     * required). Consent entries then record the version with an all-zero text hash ({@link
     * ConsentHash#ZERO}), which proves nothing about the words; the checkout logs a warning. Prefer
     * {@link #terms(String, String)}.
     *
     * @param version 1-64 printable ASCII characters without spaces, such as {@code 2026-11-01}
     * @return this builder
     * @throws ValidationException if the version is malformed
     */
    public Builder termsVersion(String version) {
      this.termsVersion = ConsentEvidence.requireValidTermsVersion(version);
      this.termsHash = ConsentHash.ZERO;
      return this;
    }

    /**
     * Sets the consent audit trail to append to (default: one built over the {@linkplain #storage
     * storage} with a random subject secret, which logs a warning). Build it over the same database
     * as the storage, with the shop's subject secret.
     *
     * @param audit the audit
     * @return this builder
     */
    public Builder consentAudit(ConsentAudit audit) {
      this.consentAudit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /**
     * Sets the clock (default {@link Clock#systemUTC()}).
     *
     * @param clock the time source for orders, leases and expiry
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the configuration (default {@link CheckoutConfig#ofDefaults()}).
     *
     * @param config leases, retention, retries
     * @return this builder
     */
    public Builder config(CheckoutConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the fulfilment hooks (default {@link FulfilmentHooks#none()}). For every event the
     * checkout writes to the outbox it also writes, in the same unit of work, one delivery per hook
     * that {@linkplain dev.tinycheckout.fulfilment.FulfilmentHook#subscribesTo subscribes} to the
     * event's type; with no hooks, events go to the outbox only. Give the same instance to the
     * {@link dev.tinycheckout.fulfilment.FulfilmentDispatcher}.
     *
     * @param hooks the hooks
     * @return this builder
     */
    public Builder hooks(FulfilmentHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * Sets what to run after a unit of work that wrote deliveries has committed (default: nothing),
     * typically {@code dispatcher::wakeUp}, so a delivery starts milliseconds after its commit
     * instead of at the dispatcher's next poll. Runs on the request's thread, after the commit and
     * never inside a transaction; it must be fast and must not block. An exception it throws is
     * logged and otherwise ignored.
     *
     * @param callback the callback
     * @return this builder
     */
    public Builder afterEventsCommitted(Runnable callback) {
      this.afterEventsCommitted = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Builds the checkout.
     *
     * @return the checkout
     * @throws IllegalStateException if a required part is missing
     */
    public Checkout build() {
      return new Checkout(this);
    }
  }
}

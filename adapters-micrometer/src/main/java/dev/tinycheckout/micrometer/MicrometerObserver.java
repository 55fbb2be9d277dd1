package dev.tinycheckout.micrometer;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.observe.CheckoutObserver;
import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.DeliverySignal;
import dev.tinycheckout.observe.PaymentSignal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CheckoutObserver} that records the checkout's signals as Micrometer meters. Give it to
 * {@code CheckoutApi.builder().observer(…)} (which passes it on to its checkout) and to {@code
 * FulfilmentDispatcher.builder().observer(…)}:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * CheckoutApi api =
 *     CheckoutApi.builder()
 *         .storage(storage)
 *         .paymentGateway(gateway)
 *         .terms("v1", termsText)
 *         .observer(MicrometerObserver.of(registry))
 *         .build();
 * }</pre>
 *
 * <p><b>Meters.</b> Every timer publishes a histogram with the fixed {@linkplain #SLO_BUCKETS
 * buckets} 5 ms, 10 ms, 25 ms, 50 ms, 75 ms, 100 ms, 250 ms, 300 ms, 500 ms, 750 ms, 1 s, 2.5 s, 5
 * s, 7.5 s and 10 s (the OpenTelemetry default boundaries for HTTP durations, plus 300 ms), and no
 * percentile histogram, so each timer has 16 buckets. Names are given in Micrometer's dotted form;
 * the Prometheus name follows in brackets.
 *
 * <table>
 *   <caption>Meters of this observer</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>Records</th></tr>
 *   <tr><td>{@value #HTTP_SERVER_REQUEST_DURATION} ({@code
 *       http_server_request_duration_seconds})</td><td>timer</td><td>{@code http.route} (the route
 *       template, such as {@code /products/{sku}}, or {@code other}), {@code http.request.method}
 *       ({@code GET}, {@code POST}…, or {@code _OTHER}), {@code http.response.status_code} (such as
 *       {@code 201})</td><td>every answered HTTP request, named after the OpenTelemetry semantic
 *       conventions</td></tr>
 *   <tr><td>{@value #CHECKOUT_DURATION} ({@code
 *       tinycheckout_checkout_duration_seconds})</td><td>timer</td><td>{@code outcome}: {@link
 *       CheckoutSignal#label()}, one of {@code paid}, {@code declined}, {@code out_of_stock},
 *       {@code replayed}, {@code in_progress}, {@code key_reused}, {@code rejected}, {@code
 *       throttled}, {@code payment_unavailable}, {@code failed}</td><td>every checkout
 *       attempt</td></tr>
 *   <tr><td>{@value #PAYMENT_DURATION} ({@code
 *       tinycheckout_payment_duration_seconds})</td><td>timer</td><td>{@code outcome}: {@code
 *       approved}, {@code declined} or {@code unavailable}; {@code reason}: the decline reason or
 *       the failure's exception name, lower case, {@code [a-z0-9_]} only, at most 40 characters;
 *       {@code none} when there is none; {@code other} once {@link
 *       Builder#maxPaymentReasons(int)} distinct reasons were seen</td><td>every call to the
 *       payment provider</td></tr>
 *   <tr><td>{@value #CONSENT_ENTRIES} ({@code tinycheckout_consent_entries_total})</td>
 *       <td>counter</td><td>none</td><td>consent entries committed (one per purpose of a paid
 *       checkout, one per withdrawal)</td></tr>
 *   <tr><td>{@value #DELIVERY_DURATION} ({@code
 *       tinycheckout_fulfilment_delivery_duration_seconds})</td><td>timer</td><td>{@code hook}: the
 *       hook's name; {@code outcome}: {@code succeeded}, {@code retrying} or {@code
 *       dead_lettered}</td><td>every attempt to run a fulfilment hook</td></tr>
 * </table>
 *
 * <p><b>Cost and cardinality.</b> The checkout timers (all ten outcomes), the approved payment
 * timer and the consent counter are created when the observer is built, so a dashboard sees zeros
 * rather than missing series, and recording them is an array read and a timer update. Request,
 * payment reason and hook timers are created on first use and cached in concurrent maps, so
 * recording them later is one map lookup. Every tag is bounded: request timers are capped at
 * {@value #MAX_REQUEST_TIMERS} distinct route, method and status combinations (beyond that the
 * route is folded into {@code other}), reasons at {@link Builder#maxPaymentReasons(int)} and hooks
 * at {@value #MAX_HOOKS}.
 *
 * <p>Thread-safe; recording never blocks except, once per new tag value, to admit it.
 */
public final class MicrometerObserver implements CheckoutObserver {

  /** The HTTP request timer, as the OpenTelemetry semantic conventions name it. */
  public static final String HTTP_SERVER_REQUEST_DURATION = "http.server.request.duration";

  /** The checkout attempt timer, tagged with {@code outcome}. */
  public static final String CHECKOUT_DURATION = "tinycheckout.checkout.duration";

  /** The payment provider call timer, tagged with {@code outcome} and {@code reason}. */
  public static final String PAYMENT_DURATION = "tinycheckout.payment.duration";

  /** The counter of committed consent entries. */
  public static final String CONSENT_ENTRIES = "tinycheckout.consent.entries";

  /** The fulfilment hook attempt timer, tagged with {@code hook} and {@code outcome}. */
  public static final String DELIVERY_DURATION = "tinycheckout.fulfilment.delivery.duration";

  /** The default bound of distinct payment reasons: 20. */
  public static final int DEFAULT_MAX_PAYMENT_REASONS = 20;

  /** The largest bound of distinct payment reasons a builder accepts: 1000. */
  public static final int MAX_PAYMENT_REASONS = 1000;

  /** The most distinct request timers (route, method and status) before routes fold into other. */
  public static final int MAX_REQUEST_TIMERS = 1000;

  /** The most distinct hook names before further hooks fold into {@code other}. */
  public static final int MAX_HOOKS = 1000;

  /** The longest reason tag value, in characters. */
  public static final int MAX_REASON_LENGTH = 40;

  /**
   * The histogram bucket boundaries of every timer: 5 ms to 10 s, ascending. In Prometheus text
   * they are the {@code le} labels {@code 0.005}, {@code 0.01}, … {@code 0.3}, … {@code 1.0}, …
   * {@code 10.0}, plus {@code +Inf}.
   */
  public static final List<Duration> SLO_BUCKETS =
      List.of(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(75),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(300),
          Duration.ofMillis(500),
          Duration.ofMillis(750),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofMillis(7500),
          Duration.ofSeconds(10));

  static final String OTHER = "other";
  static final String NONE = "none";

  /** How many raw reason strings each payment outcome caches before sanitizing on every call. */
  private static final int MAX_CACHED_RAW_REASONS = 1000;

  private static final Duration[] BUCKETS = SLO_BUCKETS.toArray(new Duration[0]);

  /** The key of a cached request timer. */
  private record RequestKey(String route, String method, int status) {}

  private final MeterRegistry registry;
  private final int maxPaymentReasons;
  private final EnumMap<CheckoutSignal, Timer> checkouts = new EnumMap<>(CheckoutSignal.class);
  private final Counter consents;
  private final ConcurrentMap<RequestKey, Timer> requests = new ConcurrentHashMap<>();

  /** Per payment outcome, the timer of each raw reason seen (bounded). */
  private final EnumMap<PaymentSignal, ConcurrentMap<String, Timer>> paymentsByRaw =
      new EnumMap<>(PaymentSignal.class);

  /** Per payment outcome, the timer of each reason tag value. */
  private final EnumMap<PaymentSignal, ConcurrentMap<String, Timer>> paymentsByLabel =
      new EnumMap<>(PaymentSignal.class);

  /** The admitted reason tag values, other than {@code none} and {@code other}. */
  private final Set<String> reasons = ConcurrentHashMap.newKeySet();

  private final Object reasonLock = new Object();

  /** Per hook name, its timers in {@link DeliverySignal} order. */
  private final ConcurrentMap<String, EnumMap<DeliverySignal, Timer>> hooks =
      new ConcurrentHashMap<>();

  private MicrometerObserver(Builder b) {
    this.registry = b.registry;
    this.maxPaymentReasons = b.maxPaymentReasons;
    for (CheckoutSignal signal : CheckoutSignal.values()) {
      checkouts.put(
          signal,
          timer(CHECKOUT_DURATION, "How long checkout attempts took, by outcome")
              .tag("outcome", signal.label())
              .register(registry));
    }
    this.consents =
        Counter.builder(CONSENT_ENTRIES)
            .description("Consent entries committed to the consent trail")
            .register(registry);
    for (PaymentSignal signal : PaymentSignal.values()) {
      paymentsByRaw.put(signal, new ConcurrentHashMap<>());
      paymentsByLabel.put(signal, new ConcurrentHashMap<>());
    }
    paymentTimer(PaymentSignal.APPROVED, "");
  }

  /**
   * A builder of an observer that records into a registry.
   *
   * @param registry the registry the meters are registered with
   * @return a builder with the default settings
   * @throws NullPointerException if registry is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  /**
   * An observer with the default settings that records into a registry.
   *
   * @param registry the registry the meters are registered with
   * @return the observer, its meters registered
   * @throws NullPointerException if registry is null
   */
  public static MicrometerObserver of(MeterRegistry registry) {
    return builder(registry).build();
  }

  /**
   * The registry this observer records into.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void requestCompleted(String route, String method, int status, long durationNanos) {
    RequestKey key = new RequestKey(route, method, status);
    Timer timer = requests.get(key);
    if (timer == null) {
      timer = requestTimer(key);
    }
    timer.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void checkoutCompleted(CheckoutSignal signal, long durationNanos) {
    get(checkouts, signal).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void paymentCompleted(PaymentSignal signal, String reason, long durationNanos) {
    paymentTimer(signal, reason).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void consentRecorded(int entries) {
    if (entries > 0) {
      consents.increment(entries);
    }
  }

  @Override
  public void deliveryFinished(String hook, DeliverySignal signal, long durationNanos) {
    EnumMap<DeliverySignal, Timer> timers = hooks.get(hook);
    if (timers == null) {
      timers = hookTimers(hook);
    }
    get(timers, signal).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  private Timer requestTimer(RequestKey key) {
    RequestKey admitted =
        requests.size() < MAX_REQUEST_TIMERS
            ? key
            : new RequestKey(OTHER, key.method(), key.status());
    return requests.computeIfAbsent(
        admitted,
        k ->
            timer(HTTP_SERVER_REQUEST_DURATION, "Duration of HTTP server requests")
                .tag("http.route", k.route())
                .tag("http.request.method", k.method())
                .tag("http.response.status_code", Integer.toString(k.status()))
                .register(registry));
  }

  private Timer paymentTimer(PaymentSignal signal, String reason) {
    ConcurrentMap<String, Timer> byRaw = get(paymentsByRaw, signal);
    Timer timer = byRaw.get(reason);
    if (timer != null) {
      return timer;
    }
    String label = reasonLabel(reason);
    Timer created =
        get(paymentsByLabel, signal)
            .computeIfAbsent(
                label,
                l ->
                    timer(PAYMENT_DURATION, "How long calls to the payment provider took")
                        .tag("outcome", signal.label())
                        .tag("reason", l)
                        .register(registry));
    if (byRaw.size() < MAX_CACHED_RAW_REASONS) {
      byRaw.putIfAbsent(reason, created);
    }
    return created;
  }

  private String reasonLabel(String reason) {
    String label = sanitize(reason);
    if (label.equals(NONE) || label.equals(OTHER) || reasons.contains(label)) {
      return label;
    }
    synchronized (reasonLock) {
      if (reasons.contains(label)) {
        return label;
      }
      if (reasons.size() >= maxPaymentReasons) {
        return OTHER;
      }
      reasons.add(label);
      return label;
    }
  }

  /**
   * A reason as a tag value: lower case, each character outside {@code [a-z0-9_]} replaced by
   * {@code _}, cut to {@value #MAX_REASON_LENGTH} characters; {@code none} for an empty reason.
   */
  static String sanitize(String reason) {
    if (reason.isEmpty()) {
      return NONE;
    }
    String lower = reason.toLowerCase(Locale.ROOT);
    int length = Math.min(lower.length(), MAX_REASON_LENGTH);
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char c = lower.charAt(i);
      out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return out.toString();
  }

  private EnumMap<DeliverySignal, Timer> hookTimers(String hook) {
    String name = hooks.size() < MAX_HOOKS ? hook : OTHER;
    return hooks.computeIfAbsent(
        name,
        h -> {
          EnumMap<DeliverySignal, Timer> timers = new EnumMap<>(DeliverySignal.class);
          for (DeliverySignal signal : DeliverySignal.values()) {
            timers.put(
                signal,
                timer(DELIVERY_DURATION, "How long fulfilment hook attempts ran, by outcome")
                    .tag("hook", h)
                    .tag("outcome", signal.label())
                    .register(registry));
          }
          return timers;
        });
  }

  /** A value of a map that holds every key of its enum. */
  private static <K extends Enum<K>, V> V get(EnumMap<K, V> map, K key) {
    return Objects.requireNonNull(map.get(key), "every enum constant has a value");
  }

  private static Timer.Builder timer(String name, String description) {
    return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
  }

  @Override
  public String toString() {
    return "MicrometerObserver[" + registry.getClass().getSimpleName() + "]";
  }

  /** Builds a {@link MicrometerObserver}. Not thread-safe; each setter validates at once. */
  public static final class Builder {
    private final MeterRegistry registry;
    private int maxPaymentReasons = DEFAULT_MAX_PAYMENT_REASONS;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The most distinct payment {@code reason} tag values, not counting {@code none} and {@code
     * other}: once that many were seen, every new reason is recorded as {@code other}, so a gateway
     * that puts ids into its decline reasons cannot flood the registry. Default {@value
     * #DEFAULT_MAX_PAYMENT_REASONS}.
     *
     * @param max from 0 (every reason is {@code other}) to {@value #MAX_PAYMENT_REASONS}
     * @return this builder
     * @throws ValidationException if max is out of range
     */
    public Builder maxPaymentReasons(int max) {
      if (max < 0 || max > MAX_PAYMENT_REASONS) {
        throw new ValidationException(
            "maxPaymentReasons", "must be from 0 to " + MAX_PAYMENT_REASONS + ", but was " + max);
      }
      this.maxPaymentReasons = max;
      return this;
    }

    /**
     * Builds the observer and registers its fixed meters: the ten checkout timers, the approved
     * payment timer and the consent counter.
     *
     * @return the observer
     */
    public MicrometerObserver build() {
      return new MicrometerObserver(this);
    }
  }
}

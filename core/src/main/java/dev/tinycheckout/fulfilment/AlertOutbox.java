package dev.tinycheckout.fulfilment;

import dev.tinycheckout.internal.JsonWriter;
import dev.tinycheckout.observe.AlertEvent;
import dev.tinycheckout.observe.AlertListener;
import dev.tinycheckout.observe.BurnRateRule;
import dev.tinycheckout.observe.RuleStatus;
import dev.tinycheckout.observe.SloMonitor;
import dev.tinycheckout.observe.SloStatus;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert hook: an {@link AlertListener} that writes each alert change to the transactional
 * outbox, so a {@link FulfilmentDispatcher} delivers it to hooks exactly as it delivers an order:
 * at least once, retried with backoff, dead-lettered and replayable, and not lost on a crash. A
 * shop pages itself with the hooks it already has (a webhook, an email), subscribed to {@value
 * #ALERT_FIRED} and {@value #ALERT_RESOLVED}.
 *
 * <p>One event is written per change of a rule's state (the {@link SloMonitor} calls its listeners
 * once per change, never per request). Its aggregate id is {@code <objective>/<rule>}, so a hook
 * that is {@linkplain FulfilmentHook#ordered() ordered} gets the fired and resolved events of one
 * rule in order. The payload is JSON without personal data:
 *
 * <pre>{@code
 * {"objective":"checkout-availability","target":"0.999","rule":"page-fast","severity":"PAGE",
 *  "firing":true,"threshold":"14.4","longWindow":"PT1H","longBurnRate":"20.00",
 *  "longEvents":3650,"longBadEvents":73,"shortWindow":"PT5M","shortBurnRate":"100.00",
 *  "at":"2026-11-25T10:00:00Z","summary":"checkout-availability page-fast (PAGE): …"}
 * }</pre>
 *
 * <p>The dispatcher runs hooks by name from its own {@link FulfilmentHooks}: give it every hook
 * that this listener's hooks hold. If the storage fails (an alert about a database outage is
 * written while the database is down), the alert is logged at ERROR with its summary, kept in
 * memory (at most {@value #MAX_UNWRITTEN}, oldest dropped first) and written again after each
 * evaluation of the monitor, in order, until the storage takes it; a restart loses what was kept.
 *
 * <p>Thread-safe.
 */
public final class AlertOutbox implements AlertListener {
  /** The event type of a rule that started firing. */
  public static final String ALERT_FIRED = "alert.fired";

  /** The event type of a rule that stopped firing. */
  public static final String ALERT_RESOLVED = "alert.resolved";

  private static final Logger LOG = LoggerFactory.getLogger(AlertOutbox.class);

  /** The most alerts kept for a retry while the storage fails; older ones are dropped, logged. */
  static final int MAX_UNWRITTEN = 1000;

  private final CheckoutStorage storage;
  private final FulfilmentHooks hooks;
  private final Runnable afterCommit;
  private final Deque<Unwritten> unwritten = new ArrayDeque<>(); // guarded by itself

  /** An alert whose outbox write failed, kept for the next try. */
  private record Unwritten(OutboxEvent event, String summary) {}

  private AlertOutbox(CheckoutStorage storage, FulfilmentHooks hooks, Runnable afterCommit) {
    this.storage = storage;
    this.hooks = hooks;
    this.afterCommit = afterCommit;
  }

  /**
   * A builder; {@code storage} and {@code hooks} are required.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void fired(AlertEvent event) {
    write(ALERT_FIRED, event);
  }

  @Override
  public void resolved(AlertEvent event) {
    write(ALERT_RESOLVED, event);
  }

  /**
   * The event this listener writes for an alert change.
   *
   * @param type {@value #ALERT_FIRED} or {@value #ALERT_RESOLVED}
   * @param event the change
   * @return the outbox event
   */
  static OutboxEvent eventOf(String type, AlertEvent event) {
    RuleStatus status = event.status();
    BurnRateRule rule = status.rule();
    JsonWriter json = new JsonWriter().beginObject();
    json.name("objective").value(event.slo().name());
    json.name("target").value(Double.toString(event.slo().target()));
    json.name("rule").value(rule.name());
    json.name("severity").value(rule.severity().name());
    json.name("firing").value(status.firing());
    json.name("threshold").value(Double.toString(rule.threshold()));
    json.name("longWindow").value(rule.longWindow().toString());
    json.name("longBurnRate").value(rate(status.longWindow().burnRate()));
    json.name("longEvents").value(status.longWindow().events());
    json.name("longBadEvents").value(status.longWindow().badEvents());
    json.name("shortWindow").value(rule.shortWindow().toString());
    json.name("shortBurnRate").value(rate(status.shortWindow().burnRate()));
    json.name("at").value(event.at().toString());
    json.name("summary").value(event.summary());
    String aggregate = event.slo().name() + "/" + rule.name();
    if (aggregate.length() > 64) {
      aggregate = aggregate.substring(0, 64);
    }
    return new OutboxEvent(
        UUID.randomUUID(), type, aggregate, json.endObject().toString(), event.at());
  }

  private static String rate(double burnRate) {
    return String.format(Locale.ROOT, "%.2f", burnRate);
  }

  private void write(String type, AlertEvent event) {
    enqueue(eventOf(type, event), event.summary());
  }

  /**
   * Writes another kind of alert, such as a card-testing flag, to the outbox for this listener's
   * hooks, exactly as a burn-rate alert is written: one event, one delivery per subscribed hook, in
   * one unit of work. Never throws for a storage failure: the alert is then logged at ERROR with
   * its summary instead.
   *
   * @param type the event type, dotted lower-case words such as {@code fraud.spike}; hooks choose
   *     by it
   * @param aggregateId what the alert is about, 1 to 64 characters, such as a rule's name
   * @param payload the event body as JSON text, without personal data
   * @param at when it happened; the deliveries become due then
   * @param summary one line for the log, without personal data
   * @throws dev.tinycheckout.ValidationException if the type or the aggregate id is malformed
   */
  public void publish(String type, String aggregateId, String payload, Instant at, String summary) {
    Objects.requireNonNull(summary, "summary");
    enqueue(new OutboxEvent(UUID.randomUUID(), type, aggregateId, payload, at), summary);
  }

  /**
   * Retries the alerts whose outbox write failed earlier (the storage was down), oldest first, so
   * an alert that fired during a database outage is delivered once the database is back, not lost.
   * Called after every evaluation of a monitor this listener belongs to.
   *
   * @param status the evaluation's status (not used)
   */
  @Override
  public void evaluated(SloStatus status) {
    retryUnwritten();
  }

  /**
   * How many alerts wait for a retry of their outbox write.
   *
   * @return 0 unless the storage failed
   */
  public int unwritten() {
    synchronized (unwritten) {
      return unwritten.size();
    }
  }

  private void retryUnwritten() {
    while (true) {
      Unwritten next;
      synchronized (unwritten) {
        next = unwritten.peekFirst();
      }
      if (next == null || !write(next.event(), next.summary())) {
        return;
      }
      synchronized (unwritten) {
        unwritten.remove(next);
      }
      LOG.info("{} written to the outbox after an earlier failure", next.event().type());
      wakeDispatcher();
    }
  }

  private void enqueue(OutboxEvent outboxEvent, String summary) {
    retryUnwritten(); // keeps the order of alerts when the storage is back
    boolean waiting;
    synchronized (unwritten) {
      waiting = !unwritten.isEmpty();
    }
    if (waiting || !write(outboxEvent, summary)) {
      keep(new Unwritten(outboxEvent, summary));
      return;
    }
    LOG.info("{} written to the outbox", outboxEvent.type());
    wakeDispatcher();
  }

  private void keep(Unwritten alert) {
    synchronized (unwritten) {
      if (unwritten.size() >= MAX_UNWRITTEN) {
        Unwritten dropped = unwritten.removeFirst();
        LOG.error(
            "dropping the unwritten alert {} {}: {} more wait for the storage",
            dropped.event().type(),
            dropped.summary(),
            MAX_UNWRITTEN);
      }
      unwritten.addLast(alert);
    }
  }

  /** One try; false (logged) if the storage failed. */
  private boolean write(OutboxEvent outboxEvent, String summary) {
    try {
      storage.inTransaction(
          tx -> {
            tx.outbox().enqueue(outboxEvent);
            List<PendingDelivery> deliveries =
                hooks.deliveriesFor(outboxEvent, outboxEvent.createdAt());
            for (PendingDelivery d : deliveries) {
              tx.deliveries().enqueue(d);
            }
            return deliveries.size();
          });
      return true;
    } catch (RuntimeException e) {
      LOG.error(
          "{} {}, but it could not be written to the outbox; it is kept and written again after"
              + " the next evaluation",
          outboxEvent.type(),
          summary,
          e);
      return false;
    }
  }

  private void wakeDispatcher() {
    try {
      afterCommit.run();
    } catch (RuntimeException e) {
      LOG.warn(
          "the after-commit callback failed; the dispatcher will find the alert by polling", e);
    }
  }

  @Override
  public String toString() {
    return "AlertOutbox" + hooks.names();
  }

  /** Builds an {@link AlertOutbox}. Not thread-safe. */
  public static final class Builder {
    private @Nullable CheckoutStorage storage;
    private @Nullable FulfilmentHooks hooks;
    private Runnable afterCommit = () -> {};

    private Builder() {}

    /**
     * The storage whose outbox receives the alerts: the checkout's.
     *
     * @param storage the storage
     * @return this builder
     */
    public Builder storage(CheckoutStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * The hooks that receive alerts: each one that {@linkplain FulfilmentHook#subscribesTo
     * subscribes} to {@value #ALERT_FIRED} or {@value #ALERT_RESOLVED} gets a delivery.
     *
     * @param hooks the hooks
     * @return this builder
     */
    public Builder hooks(FulfilmentHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * Called after an alert committed, such as {@code dispatcher::wakeUp}, so its deliveries run at
     * once instead of at the dispatcher's next poll.
     *
     * @param callback the callback; must not block
     * @return this builder
     */
    public Builder afterCommit(Runnable callback) {
      this.afterCommit = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /**
     * Builds the listener.
     *
     * @return the listener
     * @throws IllegalStateException if storage or hooks are missing
     */
    public AlertOutbox build() {
      if (storage == null || hooks == null) {
        throw new IllegalStateException(
            "storage and hooks are required: call AlertOutbox.builder().storage(...).hooks(...)");
      }
      return new AlertOutbox(storage, hooks, afterCommit);
    }
  }
}

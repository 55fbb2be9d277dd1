package dev.tinycheckout.fulfilment;

import java.time.Duration;

/**
 * Work to do after an order commits: ship it, send a receipt, record analytics, refund a
 * withdrawal. Register hooks in a {@link FulfilmentHooks} given to both the checkout (which writes
 * one delivery per subscribed hook in the order's transaction) and the {@link FulfilmentDispatcher}
 * (which runs them).
 *
 * <p><b>Delivery is at least once.</b> A delivery runs again after a failure, a timeout, or a
 * worker that died mid-handler, and may even run twice at once when a hung handler outlives its
 * lease. A handler must therefore be idempotent: de-duplicate on {@link Delivery#deliveryId()}
 * (stable across attempts), or pass it on as the idempotency key of the system it calls. A handler
 * that returns normally has done its work; one that throws will be retried with backoff and, after
 * the dispatcher's {@link DispatchConfig#maxAttempts() maximum attempts}, dead-lettered with the
 * error's text until someone replays it.
 *
 * <p>Implementations must be thread-safe: deliveries of different events run at once, on the
 * dispatcher's executor, outside any database transaction.
 */
public interface FulfilmentHook {

  /** The default {@link #timeout()}: 30 seconds. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The hook's name, stored with each of its deliveries: stable across releases, unique among the
   * hooks of a shop, and matching {@link PendingDelivery#HOOK_NAME} (such as {@code
   * shipping.warehouse} or {@code email-receipt}).
   *
   * @return the name, never null
   */
  String name();

  /**
   * Whether the hook wants events of a type. Called by the write path for every event; must be fast
   * and must not change its answer while a shop runs.
   *
   * @param eventType the {@link OutboxEvent#type()}, such as {@value OutboxEvent#ORDER_PLACED}
   * @return {@code true} to receive the event (the default: every type)
   */
  default boolean subscribesTo(String eventType) {
    return true;
  }

  /**
   * Whether the hook needs per-order ordering: if {@code true}, the deliveries of one order (one
   * {@link OutboxEvent#aggregateId()}) to this hook run one at a time, in the order they were
   * written, and a delivery that is being retried holds back the later ones of the same order until
   * it is done or dead. Events of other orders are not held back.
   *
   * @return {@code true} for ordered delivery; {@code false} (the default) to run independently
   */
  default boolean ordered() {
    return false;
  }

  /**
   * How long one run of {@link #handle} may take. A run that takes longer is abandoned: its attempt
   * counts as failed and is retried, and the handler's thread is interrupted. The dispatcher's
   * {@link DispatchConfig#lease() lease} must be longer than the longest hook timeout.
   *
   * @return a positive duration; {@link #DEFAULT_TIMEOUT} by default
   */
  default Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  /**
   * Handles one delivery. Runs outside any transaction, on the dispatcher's executor.
   *
   * @param delivery the delivery: its stable id, the attempt number and the event
   * @throws Exception if the work failed and should be retried later; its class and message become
   *     the delivery's last error, so keep personal data out of the message
   */
  void handle(Delivery delivery) throws Exception;
}

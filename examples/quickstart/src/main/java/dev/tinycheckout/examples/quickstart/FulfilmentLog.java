package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's stand-in for shipping and email: a hook that logs each paid order, withdrawal
 * and failed payment once it has committed, as a real hook would ship or mail it. It logs the event
 * type and order id only, never the customer's email.
 *
 * <p>Delivery is at least once, so it de-duplicates on the delivery id, as every hook should.
 */
final class FulfilmentLog implements FulfilmentHook {
  static final String NAME = "fulfilment-log";
  private static final Logger LOG = LoggerFactory.getLogger(FulfilmentLog.class);

  private final Set<UUID> seen = ConcurrentHashMap.newKeySet();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void handle(Delivery delivery) {
    if (seen.add(delivery.deliveryId())) {
      LOG.info(
          "fulfilment: {} for order {} (delivery {}, attempt {})",
          delivery.event().type(),
          delivery.event().aggregateId(),
          delivery.deliveryId(),
          delivery.attempt());
    }
  }

  /** How many distinct deliveries it has handled. */
  int handled() {
    return seen.size();
  }
}

package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.fulfilment.AlertOutbox;
import dev.tinycheckout.fulfilment.Delivery;
import dev.tinycheckout.fulfilment.FulfilmentHook;
import dev.tinycheckout.http.fraud.FraudAlertOutbox;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The quickstart's stand-in for a pager: a hook that receives the SLO alerts the {@link
 * AlertOutbox} writes ({@value AlertOutbox#ALERT_FIRED} and {@value AlertOutbox#ALERT_RESOLVED})
 * and the card-testing alerts of {@link FraudAlertOutbox} ({@value FraudAlertOutbox#FRAUD_FLAGGED},
 * a digest per rule, and {@value FraudAlertOutbox#FRAUD_SPIKE}), and logs one WARN line per alert
 * with its summary, as a real hook would send a message or call a webhook. The summary holds no
 * personal data.
 *
 * <p>It is ordered, so the fired and resolved alerts of one rule arrive in order; delivery is at
 * least once, so it de-duplicates on the delivery id. Thread-safe.
 */
final class AlertLog implements FulfilmentHook {
  static final String NAME = "alert-log";
  private static final Logger LOG = LoggerFactory.getLogger(AlertLog.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * One alert this hook handled.
   *
   * @param type {@value AlertOutbox#ALERT_FIRED}, {@value AlertOutbox#ALERT_RESOLVED}, {@value
   *     FraudAlertOutbox#FRAUD_FLAGGED} or {@value FraudAlertOutbox#FRAUD_SPIKE}
   * @param alert the objective and rule, such as {@code checkout-availability/page-fast}, or the
   *     fraud rule
   * @param summary the alert's one-line summary
   */
  record Delivered(String type, String alert, String summary) {}

  private final Set<UUID> seen = ConcurrentHashMap.newKeySet();
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean subscribesTo(String eventType) {
    return eventType.equals(AlertOutbox.ALERT_FIRED)
        || eventType.equals(AlertOutbox.ALERT_RESOLVED)
        || eventType.equals(FraudAlertOutbox.FRAUD_FLAGGED)
        || eventType.equals(FraudAlertOutbox.FRAUD_SPIKE);
  }

  @Override
  public boolean ordered() {
    return true;
  }

  @Override
  public void handle(Delivery delivery) {
    if (!seen.add(delivery.deliveryId())) {
      return;
    }
    String type = delivery.event().type();
    String summary = summary(delivery.event().payload());
    delivered.add(new Delivered(type, delivery.event().aggregateId(), summary));
    LOG.warn(
        "{}: {} (delivery {}, attempt {})",
        type.equals(AlertOutbox.ALERT_RESOLVED) ? "alert resolved" : "ALERT",
        summary,
        delivery.deliveryId(),
        delivery.attempt());
  }

  /** The payload's summary, or the objective and rule if it has none. */
  private static String summary(String payload) {
    try {
      JsonNode node = JSON.readTree(payload);
      JsonNode summary = node.get("summary");
      if (summary != null && summary.isString()) {
        return summary.asString();
      }
      return node.path("objective").asString("?") + " " + node.path("rule").asString("?");
    } catch (JacksonException e) {
      return "(unreadable alert payload: " + e.getOriginalMessage() + ")";
    }
  }

  /** The alerts it handled, in the order it handled them. */
  List<Delivered> delivered() {
    return List.copyOf(delivered);
  }
}

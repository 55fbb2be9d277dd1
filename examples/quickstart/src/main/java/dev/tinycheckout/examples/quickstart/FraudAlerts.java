package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.http.fraud.DeclineSpike;
import dev.tinycheckout.http.fraud.FraudFlag;
import dev.tinycheckout.http.fraud.FraudListener;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each fraud flag as a shop owner would want an alert: which rule fired and for how long,
 * never who (no address, no email, no token). Thread-safe.
 */
final class FraudAlerts implements FraudListener {
  private static final Logger LOG = LoggerFactory.getLogger(FraudAlerts.class);

  private final AtomicLong flags = new AtomicLong();
  private final FraudListener then;

  /**
   * Logs each flag, then passes it on.
   *
   * @param then the listener that sends the alert on, such as a {@code FraudAlertOutbox}
   */
  FraudAlerts(FraudListener then) {
    this.then = then;
  }

  @Override
  public void flagged(FraudFlag flag) {
    LOG.warn(
        "fraud alert #{}: rule {} blocked a {} for {}; its checkouts get 429 too-many-attempts",
        flags.incrementAndGet(),
        flag.rule(),
        flag.subject().startsWith("email#") ? "buyer email" : "client address",
        flag.blockedFor());
    then.flagged(flag);
  }

  @Override
  public void spike(DeclineSpike spike) {
    LOG.warn(
        "fraud alert: {} of {} payments declined lately, a decline spike; limits are tightened",
        spike.declines(),
        spike.payments());
    then.spike(spike);
  }

  /** How many blocks were flagged since the start. */
  long flags() {
    return flags.get();
  }
}

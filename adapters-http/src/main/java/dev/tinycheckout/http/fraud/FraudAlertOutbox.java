package dev.tinycheckout.http.fraud;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.fulfilment.AlertOutbox;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@link FraudListener} that sends card-testing alerts through the alert hook: it writes them to
 * the transactional outbox with {@link AlertOutbox#publish}, so the hooks that page the shop for a
 * burn-rate alert (a webhook, an email) also hear about an attack, delivered at least once.
 *
 * <ul>
 *   <li>{@value #FRAUD_SPIKE}: a site-wide decline spike started (once per spike), with the
 *       window's payments and declines, the baseline ratio and the threshold;
 *   <li>{@value #FRAUD_FLAGGED}: a rule blocked a client address or an email. An attack from many
 *       addresses blocks many of them, so this is a digest: at most one event per rule per {@code
 *       digestPeriod} (10 minutes by default), which says how many blocks the rule started since
 *       the previous event of that rule. Every block is still counted by {@link FraudGuard#flags()}
 *       (and its metric) and logged.
 * </ul>
 *
 * <p>Payloads name the rule, never the subject: no address, email or token leaves the guard.
 *
 * <p>Thread-safe. The outbox write runs on the thread that recorded the attempt, at most once per
 * rule per period (plus once per spike), in a short unit of work of its own.
 */
public final class FraudAlertOutbox implements FraudListener {
  /** The event type of a rule's digest of blocks. */
  public static final String FRAUD_FLAGGED = "fraud.flagged";

  /** The event type of a decline spike. */
  public static final String FRAUD_SPIKE = "fraud.spike";

  /** The default digest period: 10 minutes. */
  public static final Duration DEFAULT_DIGEST_PERIOD = Duration.ofMinutes(10);

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final AlertOutbox outbox;
  private final Duration digestPeriod;
  private final Map<FraudRule, Digest> digests = new EnumMap<>(FraudRule.class);

  /** Per rule: when the next event may be written, and the blocks since the last one. */
  private static final class Digest {
    private Instant nextAt = Instant.MIN; // guarded by this
    private long blocksSinceLast; // guarded by this
  }

  private FraudAlertOutbox(AlertOutbox outbox, Duration digestPeriod) {
    this.outbox = outbox;
    this.digestPeriod = digestPeriod;
    for (FraudRule rule : FraudRule.values()) {
      digests.put(rule, new Digest());
    }
  }

  /**
   * A listener with the default digest period.
   *
   * @param outbox the alert outbox whose hooks receive the alerts; its hooks choose by {@link
   *     #FRAUD_FLAGGED} and {@link #FRAUD_SPIKE}
   * @return the listener
   */
  public static FraudAlertOutbox of(AlertOutbox outbox) {
    return of(outbox, DEFAULT_DIGEST_PERIOD);
  }

  /**
   * A listener with a digest period of its own.
   *
   * @param outbox the alert outbox whose hooks receive the alerts
   * @param digestPeriod the shortest time between two {@value #FRAUD_FLAGGED} events of one rule,
   *     positive
   * @return the listener
   * @throws ValidationException if the period is not positive
   */
  public static FraudAlertOutbox of(AlertOutbox outbox, Duration digestPeriod) {
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(digestPeriod, "digestPeriod");
    if (digestPeriod.isNegative() || digestPeriod.isZero()) {
      throw new ValidationException("digestPeriod", "must be positive, but was " + digestPeriod);
    }
    return new FraudAlertOutbox(outbox, digestPeriod);
  }

  @Override
  public void flagged(FraudFlag flag) {
    Digest digest = Objects.requireNonNull(digests.get(flag.rule()), "digest");
    long blocks;
    synchronized (digest) {
      digest.blocksSinceLast++;
      if (flag.at().isBefore(digest.nextAt)) {
        return;
      }
      blocks = digest.blocksSinceLast;
      digest.blocksSinceLast = 0;
      digest.nextAt = flag.at().plus(digestPeriod);
    }
    String rule = flag.rule().name().toLowerCase(Locale.ROOT);
    String kind = flag.subject().startsWith("email#") ? "email" : "client-address";
    String summary =
        String.format(
            Locale.ROOT,
            "fraud rule %s blocked %d %s since its last alert (each for %s); their checkouts get"
                + " 429 too-many-attempts; next digest of this rule in %s at the earliest, at %s",
            rule,
            blocks,
            kind.equals("email") ? "buyer email(s)" : "client address(es)",
            flag.blockedFor(),
            digestPeriod,
            flag.at());
    ObjectNode payload = JSON.createObjectNode();
    payload.put("rule", rule);
    payload.put("subjectKind", kind);
    payload.put("blocks", blocks);
    payload.put("blockedFor", flag.blockedFor().toString());
    payload.put("digestPeriod", digestPeriod.toString());
    payload.put("at", flag.at().toString());
    payload.put("summary", summary);
    outbox.publish(FRAUD_FLAGGED, rule, JSON.writeValueAsString(payload), flag.at(), summary);
  }

  @Override
  public void spike(DeclineSpike spike) {
    String summary =
        String.format(
            Locale.ROOT,
            "decline spike: %d of %d payments declined lately (ratio %.3f, threshold %.3f, baseline"
                + " %.3f); per-address and per-email limits are halved while it lasts, at %s",
            spike.declines(),
            spike.payments(),
            spike.payments() == 0 ? 0.0 : (double) spike.declines() / spike.payments(),
            spike.threshold(),
            spike.baselineRatio(),
            spike.at());
    ObjectNode payload = JSON.createObjectNode();
    payload.put("payments", spike.payments());
    payload.put("declines", spike.declines());
    payload.put("baselineRatio", String.format(Locale.ROOT, "%.4f", spike.baselineRatio()));
    payload.put("threshold", String.format(Locale.ROOT, "%.4f", spike.threshold()));
    payload.put("at", spike.at().toString());
    payload.put("summary", summary);
    outbox.publish(
        FRAUD_SPIKE, "decline-spike", JSON.writeValueAsString(payload), spike.at(), summary);
  }

  @Override
  public String toString() {
    return "FraudAlertOutbox[" + outbox + ", digest every " + digestPeriod + "]";
  }
}

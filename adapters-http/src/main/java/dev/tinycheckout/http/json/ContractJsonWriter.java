package dev.tinycheckout.http.json;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.consent.ChainBreak;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.fulfilment.DeadLetter;
import dev.tinycheckout.fulfilment.DeliveryBacklog;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.observe.AlertEvent;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderLine;
import java.io.ByteArrayOutputStream;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JsonEncoding;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the response bodies of the HTTP contract as compact UTF-8 JSON.
 *
 * <ul>
 *   <li>product: {@code {"sku","name","price":{"amount","currency"},"stock"}}
 *   <li>product list: {@code {"products":[product...]}}
 *   <li>terms: {@code {"version","text"}}
 *   <li>audit verification: {@code {"valid","entries","head",...}}
 *   <li>consent records: {@code {"records":[{"sequence","action","termsVersion","purposes",...}]}}
 *   <li>problem (RFC 9457, {@code application/problem+json}): {@code
 *       {"type","title","status","detail",...extensions}}
 * </ul>
 *
 * <p>Money is always an object of integer minor units and an ISO 4217 code, never a float. Text is
 * escaped as JSON requires; an unpaired UTF-16 surrogate, which UTF-8 cannot encode, is written as
 * U+FFFD so that every output is valid JSON. Stateless and thread-safe.
 */
public final class ContractJsonWriter {
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private ContractJsonWriter() {}

  /**
   * A product.
   *
   * @param product the product
   * @return {@code {"sku","name","price":{"amount","currency"},"stock"}} in UTF-8
   */
  public static byte[] product(Product product) {
    Objects.requireNonNull(product, "product");
    return write(g -> writeProduct(g, product));
  }

  /**
   * The product list, in the given order.
   *
   * @param products the products
   * @return {@code {"products":[product...]}} in UTF-8
   */
  public static byte[] products(List<Product> products) {
    List<Product> copy = List.copyOf(Objects.requireNonNull(products, "products"));
    return write(
        g -> {
          g.writeStartObject();
          g.writeName("products");
          g.writeStartArray();
          for (Product product : copy) {
            writeProduct(g, product);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * The health report: {@code {"status":"UP"|"DOWN"}}, then, when known, {@code
   * "outbox":{"pending", "dead","oldestPendingAgeSeconds"}} and {@code
   * "alerts":[{"objective","rule","severity"}]}.
   *
   * @param up whether the storage answered
   * @param backlog the fulfilment backlog, if read
   * @param now the time the backlog's age is measured at
   * @param alerts the open alerts, each at the time it started firing, if any objective is
   *     monitored
   * @return the report in UTF-8
   */
  public static byte[] health(
      boolean up,
      java.util.Optional<DeliveryBacklog> backlog,
      java.time.Instant now,
      java.util.Optional<List<AlertEvent>> alerts) {
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(alerts, "alerts");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringProperty("status", up ? "UP" : "DOWN");
          if (backlog.isPresent()) {
            DeliveryBacklog b = backlog.get();
            g.writeName("outbox");
            g.writeStartObject();
            g.writeNumberProperty("pending", b.pending());
            g.writeNumberProperty("dead", b.dead());
            g.writeNumberProperty(
                "oldestPendingAgeSeconds",
                b.oldestPendingSince()
                    .map(t -> Math.max(0, java.time.Duration.between(t, now).toSeconds()))
                    .orElse(0L));
            g.writeEndObject();
          }
          if (alerts.isPresent()) {
            g.writeName("alerts");
            g.writeStartArray();
            for (AlertEvent a : alerts.get()) {
              g.writeStartObject();
              g.writeStringProperty("objective", a.slo().name());
              g.writeStringProperty("rule", a.rule().name());
              g.writeStringProperty("severity", a.severity().name());
              g.writeStringProperty("since", instant(a.at()));
              g.writeStringProperty("summary", a.summary());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        });
  }

  /**
   * The terms a customer accepts at checkout.
   *
   * @param version the terms version, the value a checkout's {@code acceptedTerms} must carry
   * @param text the terms text
   * @return {@code {"version","text"}} in UTF-8
   */
  public static byte[] terms(String version, String text) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(text, "text");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringProperty("version", safe(version));
          g.writeStringProperty("text", safe(text));
          g.writeEndObject();
        });
  }

  /**
   * An order, as {@code GET /orders/{id}} shows it; the same shape as the stored checkout answer.
   *
   * @param order the order
   * @return {@code {"id","status","items":[...],"total","email","createdAt"}} in UTF-8
   */
  public static byte[] order(Order order) {
    Objects.requireNonNull(order, "order");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringProperty("id", order.id().toString());
          g.writeStringProperty("status", order.status().name());
          g.writeName("items");
          g.writeStartArray();
          for (OrderLine line : order.lines()) {
            g.writeStartObject();
            g.writeStringProperty("sku", line.sku().value());
            g.writeNumberProperty("quantity", line.quantity());
            g.writeName("unitPrice");
            writeMoney(g, line.unitPrice());
            g.writeName("lineTotal");
            writeMoney(g, line.lineTotal());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeName("total");
          writeMoney(g, order.total());
          g.writeStringProperty("email", order.email().value());
          g.writeStringProperty(
              "createdAt",
              DateTimeFormatter.ISO_INSTANT.format(
                  order.createdAt().truncatedTo(ChronoUnit.MILLIS)));
          g.writeEndObject();
        });
  }

  /**
   * The dead letters of the fulfilment outbox, for {@code GET /admin/fulfilment/dead-letters}. The
   * event's payload is left out: it may hold personal data, and the admin needs the event's
   * identity, not its contents, to decide on a replay.
   *
   * @param deadLetters the dead letters
   * @return {@code {"deadLetters":[{"id","hook","attempts","lastError","deadAt","event":{...}}]}}
   */
  public static byte[] deadLetters(List<DeadLetter> deadLetters) {
    Objects.requireNonNull(deadLetters, "deadLetters");
    return write(
        g -> {
          g.writeStartObject();
          g.writeName("deadLetters");
          g.writeStartArray();
          for (DeadLetter dead : deadLetters) {
            g.writeStartObject();
            g.writeStringProperty("id", dead.deliveryId().toString());
            g.writeStringProperty("hook", dead.hook());
            g.writeNumberProperty("attempts", dead.attempts());
            g.writeStringProperty("lastError", safe(dead.lastError()));
            g.writeStringProperty("deadAt", instant(dead.deadAt()));
            g.writeName("event");
            g.writeStartObject();
            g.writeStringProperty("id", dead.event().id().toString());
            g.writeStringProperty("type", dead.event().type());
            g.writeStringProperty("aggregateId", dead.event().aggregateId());
            g.writeStringProperty("createdAt", instant(dead.event().createdAt()));
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /**
   * The result of verifying the consent audit trail, for {@code GET /admin/audit/verify}: whether
   * it is valid, how many entries were read, and the hash of the last one as 64 lower-case hex
   * digits (all zeros for an empty trail). A valid result also carries the head's one-line text
   * form as {@code anchor}, the value to keep outside the database and send back later as {@code
   * trustedHead}; an invalid one carries the first break instead.
   *
   * @param verification the result
   * @return {@code {"valid","entries","head","anchor"}} or {@code
   *     {"valid":false,"entries","head","firstBreak":{"sequence","reason","detail"}}} in UTF-8
   */
  public static byte[] auditVerification(ConsentVerification verification) {
    Objects.requireNonNull(verification, "verification");
    return write(
        g -> {
          g.writeStartObject();
          g.writeBooleanProperty("valid", verification.valid());
          g.writeNumberProperty("entries", verification.entries());
          g.writeStringProperty("head", verification.head().hash().hex());
          if (verification.valid()) {
            g.writeStringProperty("anchor", verification.head().toText());
          }
          if (verification.firstBreak().isPresent()) {
            ChainBreak broken = verification.firstBreak().get();
            g.writeName("firstBreak");
            g.writeStartObject();
            g.writeNumberProperty("sequence", broken.sequence());
            g.writeStringProperty("reason", broken.reason().name());
            g.writeStringProperty("detail", safe(broken.detail()));
            g.writeEndObject();
          }
          g.writeEndObject();
        });
  }

  /**
   * A data subject's consent records, for {@code GET /admin/consents}, in the given order. Each
   * record is the stored entry without its personal data: no email, no name, no pseudonymous
   * subject id, nothing sealed. {@code recordedAt} keeps the microseconds the entry's hash covers.
   *
   * @param records the records, as {@link dev.tinycheckout.consent.ConsentAudit#export} returns
   *     them
   * @return {@code {"records":[{"sequence","action","termsVersion","purposes":[purpose],"orderId",
   *     "recordedAt","hash","previousHash","channel","termsHash","erased"}]}} in UTF-8
   */
  public static byte[] consentRecords(List<SubjectRecord> records) {
    List<SubjectRecord> copy = List.copyOf(Objects.requireNonNull(records, "records"));
    return write(
        g -> {
          g.writeStartObject();
          g.writeName("records");
          g.writeStartArray();
          for (SubjectRecord record : copy) {
            ConsentEntry entry = record.entry();
            g.writeStartObject();
            g.writeNumberProperty("sequence", entry.sequence());
            g.writeStringProperty("action", entry.action().name());
            g.writeStringProperty("termsVersion", safe(entry.termsVersion()));
            g.writeName("purposes");
            g.writeStartArray();
            g.writeString(entry.purpose().name());
            g.writeEndArray();
            g.writeStringProperty("orderId", entry.orderId().toString());
            g.writeStringProperty(
                "recordedAt", DateTimeFormatter.ISO_INSTANT.format(entry.recordedAt()));
            g.writeStringProperty("hash", entry.hash().hex());
            g.writeStringProperty("previousHash", entry.previousHash().hex());
            g.writeStringProperty("channel", safe(entry.channel()));
            g.writeStringProperty("termsHash", entry.termsHash().hex());
            g.writeBooleanProperty("erased", record.erased());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  private static String instant(java.time.Instant at) {
    return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS));
  }

  /**
   * An RFC 9457 problem: the standard members, then the extensions in their order.
   *
   * @param problem the problem
   * @return {@code {"type","title","status","detail",...}} in UTF-8
   */
  public static byte[] problem(Problem problem) {
    Objects.requireNonNull(problem, "problem");
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringProperty("type", problem.type());
          g.writeStringProperty("title", safe(problem.title()));
          g.writeNumberProperty("status", problem.status());
          g.writeStringProperty("detail", safe(problem.detail()));
          for (Map.Entry<String, Object> e : problem.extensions().entrySet()) {
            g.writeName(safe(e.getKey()));
            Object value = e.getValue();
            if (value instanceof String s) {
              g.writeString(safe(s));
            } else if (value instanceof Boolean b) {
              g.writeBoolean(b);
            } else {
              g.writeNumber(((Number) value).longValue());
            }
          }
          g.writeEndObject();
        });
  }

  private static void writeProduct(JsonGenerator g, Product product) {
    g.writeStartObject();
    g.writeStringProperty("sku", product.sku().value());
    g.writeStringProperty("name", safe(product.name()));
    g.writeName("price");
    writeMoney(g, product.price());
    g.writeNumberProperty("stock", product.stock());
    g.writeEndObject();
  }

  private static void writeMoney(JsonGenerator g, Money money) {
    g.writeStartObject();
    g.writeNumberProperty("amount", money.amount());
    g.writeStringProperty("currency", money.currency().getCurrencyCode());
    g.writeEndObject();
  }

  /** Replaces unpaired surrogates, which the UTF-8 encoder would refuse, with U+FFFD. */
  static String safe(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints()
            .forEach(
                c ->
                    b.appendCodePoint(
                        c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE ? 0xFFFD : c));
        return b.toString();
      }
    }
    return s;
  }

  private interface Body {
    void writeTo(JsonGenerator g);
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g =
        FACTORY.createGenerator(ObjectWriteContext.empty(), out, JsonEncoding.UTF8)) {
      body.writeTo(g);
    }
    return out.toByteArray();
  }
}

package dev.tinycheckout.checkout;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.idempotency.StoredResponse;
import dev.tinycheckout.internal.JsonWriter;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.order.Order;
import dev.tinycheckout.order.OrderLine;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Renders the answers the checkout stores: order and withdrawal JSON and RFC 9457 problems, per the
 * contract.
 */
final class CheckoutResponses {
  static final String PROBLEM_BASE = "https://tinycheckout.dev/problems/";
  private static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";

  private CheckoutResponses() {}

  static StoredResponse placed(Order order) {
    return new StoredResponse(
        201,
        Map.of("Content-Type", JSON, "Location", "/orders/" + order.id()),
        orderJson(order).toBytes());
  }

  static StoredResponse withdrawn(Order order, Instant withdrawnAt, String receiptId) {
    JsonWriter w = new JsonWriter().beginObject();
    w.name("orderId").value(order.id().toString());
    w.name("status").value(order.status().name());
    w.name("withdrawnAt").value(timestamp(withdrawnAt));
    w.name("receiptId").value(receiptId);
    return new StoredResponse(200, Map.of("Content-Type", JSON), w.endObject().toBytes());
  }

  static StoredResponse outOfStock(Sku sku) {
    JsonWriter w =
        problem(
            "out-of-stock",
            "Out of stock",
            409,
            "Not enough stock for '" + sku + "'; nothing was taken and no order was placed.");
    w.name("sku").value(sku.value()).endObject();
    return new StoredResponse(409, Map.of("Content-Type", PROBLEM_JSON), w.toBytes());
  }

  static StoredResponse paymentDeclined(String reason) {
    JsonWriter w =
        problem(
            "payment-declined",
            "Payment declined",
            402,
            "The payment was declined ("
                + reason
                + "); no order was placed and nothing was charged.");
    w.name("reason").value(reason).endObject();
    return new StoredResponse(402, Map.of("Content-Type", PROBLEM_JSON), w.toBytes());
  }

  private static JsonWriter problem(String name, String title, int status, String detail) {
    return new JsonWriter()
        .beginObject()
        .name("type")
        .value(PROBLEM_BASE + name)
        .name("title")
        .value(title)
        .name("status")
        .value(status)
        .name("detail")
        .value(detail);
  }

  static JsonWriter orderJson(Order order) {
    return writeOrder(new JsonWriter(), order);
  }

  static JsonWriter writeOrder(JsonWriter w, Order order) {
    w.beginObject();
    w.name("id").value(order.id().toString());
    w.name("status").value(order.status().name());
    w.name("items").beginArray();
    for (OrderLine line : order.lines()) {
      w.beginObject();
      w.name("sku").value(line.sku().value());
      w.name("quantity").value(line.quantity());
      money(w.name("unitPrice"), line.unitPrice());
      money(w.name("lineTotal"), line.lineTotal());
      w.endObject();
    }
    w.endArray();
    money(w.name("total"), order.total());
    w.name("email").value(order.email().value());
    w.name("createdAt").value(timestamp(order.createdAt()));
    return w.endObject();
  }

  /** RFC 3339 in UTC with millisecond precision, such as {@code 2026-11-25T10:15:30.123Z}. */
  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }

  static void money(JsonWriter w, Money money) {
    w.beginObject()
        .name("amount")
        .value(money.amount())
        .name("currency")
        .value(money.currency().getCurrencyCode())
        .endObject();
  }
}

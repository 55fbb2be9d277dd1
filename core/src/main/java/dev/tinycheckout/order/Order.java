package dev.tinycheckout.order;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An order: its id, status, lines, total, the customer's email, and when it was created and last
 * changed. Immutable; {@link #transitionTo} returns a new order.
 *
 * @param id the order id, time-ordered and unguessable
 * @param status where the order stands
 * @param lines 1 to {@value #MAX_LINES} lines with distinct SKUs, in the order the customer gave
 * @param total the sum of the line totals, all in one currency
 * @param email the customer's email
 * @param createdAt when the order was placed
 * @param updatedAt when its status last changed (equal to {@code createdAt} at first)
 */
public record Order(
    OrderId id,
    OrderStatus status,
    List<OrderLine> lines,
    Money total,
    Email email,
    Instant createdAt,
    Instant updatedAt) {
  /** The most lines in one order. */
  public static final int MAX_LINES = 20;

  /**
   * Validates the order.
   *
   * @param id the order id, time-ordered and unguessable
   * @param status where the order stands
   * @param lines 1 to {@value #MAX_LINES} lines with distinct SKUs, in the order the customer gave
   * @param total the sum of the line totals, all in one currency
   * @param email the customer's email
   * @param createdAt when the order was placed
   * @param updatedAt when its status last changed (equal to {@code createdAt} at first)
   * @throws ValidationException if the lines are empty, too many, repeat a SKU, or do not add up to
   *     the total
   * @throws dev.tinycheckout.money.MoneyArithmeticException if the lines mix currencies
   */
  public Order {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    if (lines.isEmpty() || lines.size() > MAX_LINES) {
      throw new ValidationException(
          "items", "must have 1 to " + MAX_LINES + " lines, but had " + lines.size());
    }
    Set<Sku> seen = new HashSet<>();
    Money sum = Money.zero(total.currency());
    for (OrderLine line : lines) {
      if (!seen.add(line.sku())) {
        throw new ValidationException("items", "must not repeat SKU '" + line.sku() + "'");
      }
      sum = sum.plus(line.lineTotal());
    }
    if (!sum.equals(total)) {
      throw new ValidationException(
          "total", "must be the sum of the lines, " + sum + ", but was " + total);
    }
    if (updatedAt.isBefore(createdAt)) {
      throw new ValidationException("updatedAt", "must not be before createdAt");
    }
  }

  /**
   * A new order awaiting payment, with the total computed from the lines.
   *
   * @param id the id
   * @param lines the lines
   * @param email the customer's email
   * @param now the creation time
   * @return an order in {@link OrderStatus#PENDING_PAYMENT}
   */
  public static Order create(OrderId id, List<OrderLine> lines, Email email, Instant now) {
    Objects.requireNonNull(lines, "lines");
    if (lines.isEmpty()) {
      throw new ValidationException("items", "must have 1 to " + MAX_LINES + " lines, but had 0");
    }
    Money total = Money.zero(lines.get(0).unitPrice().currency());
    for (OrderLine line : lines) {
      total = total.plus(line.lineTotal());
    }
    return new Order(id, OrderStatus.PENDING_PAYMENT, lines, total, email, now, now);
  }

  /**
   * This order in another status.
   *
   * @param next the target status
   * @param now the time of the change
   * @return a new order with {@code status == next} and {@code updatedAt == now}
   * @throws IllegalOrderTransitionException if the state machine does not allow the transition
   */
  public Order transitionTo(OrderStatus next, Instant now) {
    if (!status.canTransitionTo(next)) {
      throw new IllegalOrderTransitionException(id, status, next);
    }
    Instant at = now.isBefore(createdAt) ? createdAt : now;
    return new Order(id, next, lines, total, email, createdAt, at);
  }
}

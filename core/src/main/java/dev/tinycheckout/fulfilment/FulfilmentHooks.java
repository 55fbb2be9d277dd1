package dev.tinycheckout.fulfilment;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The fulfilment hooks of a shop, by name. Give the same instance to the checkout (which fans each
 * event out into one delivery per subscribed hook) and to the {@link FulfilmentDispatcher} (which
 * runs them). Immutable and thread-safe.
 */
public final class FulfilmentHooks {
  private static final FulfilmentHooks NONE = new FulfilmentHooks(Map.of());

  private final Map<String, FulfilmentHook> byName;

  private FulfilmentHooks(Map<String, FulfilmentHook> byName) {
    this.byName = byName;
  }

  /**
   * No hooks: events still go to the outbox, but no delivery is written.
   *
   * @return the empty registry
   */
  public static FulfilmentHooks none() {
    return NONE;
  }

  /**
   * The given hooks.
   *
   * @param hooks the hooks, in any order
   * @return the registry
   * @throws ValidationException if a name is malformed, two hooks share a name, or a timeout is not
   *     positive
   */
  public static FulfilmentHooks of(FulfilmentHook... hooks) {
    return of(List.of(hooks));
  }

  /**
   * The given hooks.
   *
   * @param hooks the hooks, in any order
   * @return the registry
   * @throws ValidationException if a name is malformed, two hooks share a name, or a timeout is not
   *     positive
   */
  public static FulfilmentHooks of(List<? extends FulfilmentHook> hooks) {
    Objects.requireNonNull(hooks, "hooks");
    Map<String, FulfilmentHook> byName = new LinkedHashMap<>();
    for (FulfilmentHook hook : hooks) {
      Objects.requireNonNull(hook, "hook");
      String name = PendingDelivery.requireHookName(Objects.requireNonNull(hook.name(), "name"));
      Duration timeout = Objects.requireNonNull(hook.timeout(), "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ValidationException(
            "timeout", "of hook '" + name + "' must be positive, but was " + timeout);
      }
      if (byName.putIfAbsent(name, hook) != null) {
        throw new ValidationException(
            "hook", "names must be unique, but '" + name + "' is used twice");
      }
    }
    return byName.isEmpty() ? NONE : new FulfilmentHooks(Map.copyOf(byName));
  }

  /**
   * Whether there is no hook.
   *
   * @return {@code true} if empty
   */
  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /**
   * The hook with a name.
   *
   * @param name the name
   * @return the hook, or empty if none has that name
   */
  public Optional<FulfilmentHook> find(String name) {
    return Optional.ofNullable(byName.get(Objects.requireNonNull(name, "name")));
  }

  /**
   * The names of the hooks.
   *
   * @return the names, sorted; an immutable list
   */
  public List<String> names() {
    return byName.keySet().stream().sorted().toList();
  }

  /**
   * The longest {@link FulfilmentHook#timeout()} of the hooks.
   *
   * @return the longest timeout, or {@link Duration#ZERO} when empty
   */
  public Duration longestTimeout() {
    return byName.values().stream()
        .map(FulfilmentHook::timeout)
        .max(Duration::compareTo)
        .orElse(Duration.ZERO);
  }

  /**
   * The deliveries to write for an event, one per subscribed hook, each with a fresh delivery id,
   * available at once and keyed by the event's aggregate id for an {@linkplain
   * FulfilmentHook#ordered() ordered} hook. The write path calls this and enqueues the result in
   * the event's own transaction.
   *
   * @param event the event, enqueued in the outbox in the same transaction
   * @param now when the deliveries become available
   * @return the deliveries, sorted by hook name; empty if no hook subscribes; an immutable list
   */
  public List<PendingDelivery> deliveriesFor(OutboxEvent event, Instant now) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(now, "now");
    List<PendingDelivery> out = new ArrayList<>();
    for (String name : names()) {
      FulfilmentHook hook = byName.get(name);
      if (hook != null && hook.subscribesTo(event.type())) {
        out.add(
            new PendingDelivery(
                UUID.randomUUID(),
                event.id(),
                name,
                hook.ordered() ? Optional.of(event.aggregateId()) : Optional.empty(),
                now));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return "FulfilmentHooks" + names();
  }
}

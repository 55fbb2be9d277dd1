package dev.tinycheckout.fulfilment;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hook that subscribes to the given event types and keeps every delivery it handles. */
final class RecordingHook implements FulfilmentHook {
  private final String name;
  private final Set<String> types;
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  RecordingHook(String name, Set<String> types) {
    this.name = name;
    this.types = Set.copyOf(types);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean subscribesTo(String eventType) {
    return types.contains(eventType);
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @Override
  public void handle(Delivery delivery) {
    deliveries.add(delivery);
  }
}

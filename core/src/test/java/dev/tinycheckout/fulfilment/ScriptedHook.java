package dev.tinycheckout.fulfilment;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** A hook whose failures a test scripts, and which remembers every run. */
class ScriptedHook implements FulfilmentHook {
  private final String name;
  private final boolean ordered;
  private final Duration timeout;
  volatile Predicate<Delivery> fails = d -> false;
  final ConcurrentLinkedQueue<Delivery> runs = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Delivery> successes = new ConcurrentLinkedQueue<>();

  ScriptedHook(String name) {
    this(name, false, Duration.ofSeconds(5));
  }

  ScriptedHook(String name, boolean ordered, Duration timeout) {
    this.name = name;
    this.ordered = ordered;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean ordered() {
    return ordered;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public void handle(Delivery delivery) {
    runs.add(delivery);
    if (fails.test(delivery)) {
      throw new IllegalStateException("scripted failure of attempt " + delivery.attempt());
    }
    successes.add(delivery);
  }

  List<UUID> succeededIds() {
    return successes.stream().map(Delivery::deliveryId).toList();
  }
}

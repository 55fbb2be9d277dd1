package dev.tinycheckout.micrometer;

import dev.tinycheckout.observe.CheckoutObserver;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/** Placeholder replaced by the module's real implementation in this same change. */
public final class MicrometerObserver implements CheckoutObserver {
  private final MeterRegistry registry;

  /**
   * Observes into a registry.
   *
   * @param registry the registry
   */
  public MicrometerObserver(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public String toString() {
    return "MicrometerObserver[" + registry + "]";
  }
}

package dev.tinycheckout.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceLevelObjectiveTest {

  @Test
  void theErrorBudgetIsOneMinusTheTargetInDecimal() {
    assertThat(ServiceLevelObjective.of("checkout-availability", 0.999).errorBudget())
        .isEqualTo(0.001);
    assertThat(ServiceLevelObjective.of("checkout-latency", 0.99).errorBudget()).isEqualTo(0.01);
    assertThat(ServiceLevelObjective.of("x", 0.9999).errorBudget()).isEqualTo(0.0001);
  }

  @Test
  void ofLeavesTheDescriptionEmpty() {
    ServiceLevelObjective slo = ServiceLevelObjective.of("checkout-latency", 0.99);

    assertThat(slo.description()).isEmpty();
    assertThat(slo)
        .isEqualTo(new ServiceLevelObjective("checkout-latency", 0.99, ""))
        .isNotEqualTo(new ServiceLevelObjective("checkout-latency", 0.99, "under 300 ms"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, 1, 1.5, -0.1, 99.9, Double.NaN, Double.POSITIVE_INFINITY})
  void aTargetOutsideZeroToOneIsRefusedWithTheValue(double target) {
    assertThatThrownBy(() -> ServiceLevelObjective.of("checkout-availability", target))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("target");
              assertThat(e.reason()).contains("between 0 and 1").endsWith("was " + target);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "has space", "-leading-dash", "ümlaut", "slash/name"})
  void aNameThatCannotBeAMetricTagIsRefusedWithTheValue(String name) {
    assertThatThrownBy(() -> ServiceLevelObjective.of(name, 0.999))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.field()).isEqualTo("name");
              assertThat(e.reason()).endsWith("but was \"" + name + "\"");
            });
  }

  @Test
  void namesMayHaveUpToSixtyFourCharacters() {
    assertThat(ServiceLevelObjective.of("a".repeat(64), 0.999).name()).hasSize(64);
    assertThatThrownBy(() -> ServiceLevelObjective.of("a".repeat(65), 0.999))
        .isInstanceOf(ValidationException.class);
    assertThat(ServiceLevelObjective.of("checkout.availability_v2-eu", 0.999).name())
        .isEqualTo("checkout.availability_v2-eu");
  }

  @Test
  void nullsAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> ServiceLevelObjective.of(null, 0.999))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
    assertThatThrownBy(() -> new ServiceLevelObjective("x", 0.999, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("description");
  }
}

package dev.tinycheckout.observe;

import dev.tinycheckout.ValidationException;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A service level objective: the share of events that must be good, such as "99.9% of checkouts
 * succeed without a server error" ({@code of("checkout-availability", 0.999)}) or "99% of checkouts
 * finish under 300 ms" ({@code of("checkout-latency", 0.99)}). What makes an event good is up to
 * the code that {@linkplain SloMonitor#record(boolean) records} it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name a stable name for logs, metric tags and alerts: 1 to 64 letters, digits, {@code .},
 *     {@code _} or {@code -}, starting with a letter or digit, such as {@code
 *     checkout-availability}
 * @param target the share of events that must be good, strictly between 0 and 1, such as {@code
 *     0.999}
 * @param description what the objective promises, in words, for alert texts; may be empty
 */
public record ServiceLevelObjective(String name, double target, String description) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * Validates.
   *
   * @param name 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter
   *     or digit
   * @param target strictly between 0 and 1
   * @param description any text, possibly empty
   * @throws ValidationException naming the bad value
   * @throws NullPointerException if an argument is null
   */
  public ServiceLevelObjective {
    checkName("name", name);
    if (!(target > 0 && target < 1)) {
      throw new ValidationException(
          "target",
          "must be strictly between 0 and 1 (for example 0.999 for 99.9%), but was " + target);
    }
    Objects.requireNonNull(description, "description");
  }

  /**
   * An objective without a description.
   *
   * @param name the name, such as {@code checkout-availability}
   * @param target the share of events that must be good, such as {@code 0.999}
   * @return the objective
   * @throws ValidationException naming the bad value
   */
  public static ServiceLevelObjective of(String name, double target) {
    return new ServiceLevelObjective(name, target, "");
  }

  /**
   * The error budget: the share of events that may be bad, {@code 1 - target} computed in decimal
   * (so 0.001, not 0.0010000000000000009, for a target of 0.999). A burn rate of 1 spends exactly
   * this share.
   *
   * @return a number strictly between 0 and 1, such as {@code 0.001} for a target of 0.999
   */
  public double errorBudget() {
    // 1 - 0.999 in binary floating point is 0.0010000000000000009; in decimal it is 0.001.
    return BigDecimal.ONE.subtract(BigDecimal.valueOf(target)).doubleValue();
  }

  static String checkName(String field, String name) {
    Objects.requireNonNull(name, field);
    if (!NAME.matcher(name).matches()) {
      throw new ValidationException(
          field,
          "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, but"
              + " was \""
              + name
              + "\"");
    }
    return name;
  }
}

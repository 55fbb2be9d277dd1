package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.http.fraud.FraudRules;
import java.util.Locale;

/**
 * The {@code --fraud-rules} choice: the card-testing guard's {@linkplain FraudRules#ofDefaults()
 * default rules}, or {@linkplain FraudRules#off() none}.
 */
enum FraudRulesChoice {
  /** The default rules, on: declines and distinct cards per address, declines per email. */
  DEFAULT,
  /** No fraud rules: no checkout is ever refused with 429. */
  OFF;

  static FraudRulesChoice parse(String source, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "default" -> DEFAULT;
      case "off" -> OFF;
      default ->
          throw new UsageException(
              source + " must be 'default' or 'off', but was '" + Settings.printable(value) + "'");
    };
  }

  /** The guard's rules for this choice. */
  FraudRules rules() {
    return this == OFF ? FraudRules.off() : FraudRules.ofDefaults();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

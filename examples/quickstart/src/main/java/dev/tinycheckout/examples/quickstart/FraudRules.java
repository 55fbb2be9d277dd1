package dev.tinycheckout.examples.quickstart;

import java.util.Locale;

/**
 * The {@code --fraud-rules} choice. Accepted and validated now; the rules themselves (counting
 * declined payments per client, 429 {@code too-many-attempts}) arrive with a later issue, and until
 * then both values serve the same.
 */
enum FraudRules {
  /** The default rules, on. */
  DEFAULT,
  /** No fraud rules. */
  OFF;

  static FraudRules parse(String source, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "default" -> DEFAULT;
      case "off" -> OFF;
      default ->
          throw new UsageException(
              source + " must be 'default' or 'off', but was '" + Settings.printable(value) + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}

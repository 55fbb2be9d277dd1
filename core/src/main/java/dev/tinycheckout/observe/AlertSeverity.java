package dev.tinycheckout.observe;

/** How urgently a firing {@link BurnRateRule} wants a human, as the SRE workbook divides alerts. */
public enum AlertSeverity {
  /** Wake someone up: the error budget burns so fast that it will be gone within days. */
  PAGE,

  /** Look at it during working hours: the budget burns too fast, but slowly enough to wait. */
  TICKET
}

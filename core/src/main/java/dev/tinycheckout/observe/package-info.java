/**
 * Observability: service level objectives checked in process with the multiwindow, multi-burn-rate
 * alerts of the Google SRE workbook (chapter 5, "Alerting on SLOs"), so that a shop without a
 * monitoring stack can still page itself when checkouts fail.
 *
 * <p>Declare a {@link dev.tinycheckout.observe.ServiceLevelObjective} (for example 99.9% of
 * checkouts succeed without a server error, or 99% finish under 300 ms), give it to a {@link
 * dev.tinycheckout.observe.SloMonitor} with its {@link dev.tinycheckout.observe.BurnRateRule rules}
 * (by default the workbook's four: page at 14.4x over 1 h confirmed over 5 min and at 6x over 6 h
 * confirmed over 30 min, ticket at 3x over 1 day confirmed over 2 h and at 1x over 3 days confirmed
 * over 6 h, each with a minimum number of events so that a quiet shop is not paged for one
 * failure), {@linkplain dev.tinycheckout.observe.SloMonitor#record(boolean) record} every checkout
 * as good or bad, and {@linkplain dev.tinycheckout.observe.SloMonitor#evaluate() evaluate} on a
 * timer. An {@link dev.tinycheckout.observe.AlertListener} hears once when an alert starts and once
 * when it stops; {@link dev.tinycheckout.observe.SloMonitor#lastStatus()} carries the burn rates
 * and alert states for metrics.
 *
 * <pre>{@code
 * SloMonitor availability =
 *     SloMonitor.builder(ServiceLevelObjective.of("checkout-availability", 0.999))
 *         .listener(pager) // fired(...) and resolved(...), once per transition
 *         .build();
 * ScheduledFuture<?> timer = availability.evaluateEvery(scheduler, Duration.ofSeconds(30));
 * // in the checkout path:
 * availability.record(response.status() < 500);
 * }</pre>
 */
@NullMarked
package dev.tinycheckout.observe;

import org.jspecify.annotations.NullMarked;

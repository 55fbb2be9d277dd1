/**
 * The observability cost benchmark: checkout throughput through {@code CheckoutApi} with the
 * Micrometer observer, the SLO monitors, bound gauges and a scraping thread, against the same API
 * without an observer, in alternating windows of one run, on in-memory storage and on embedded
 * PostgreSQL. Run {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tinycheckout.benchmarks.observe.ObservabilityCostBenchmark}; see {@code docs/benchmarks.md}.
 */
@NullMarked
package dev.tinycheckout.benchmarks.observe;

import org.jspecify.annotations.NullMarked;

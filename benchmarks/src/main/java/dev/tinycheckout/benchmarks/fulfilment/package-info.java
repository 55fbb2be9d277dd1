/**
 * The outbox drain benchmark: how fast the fulfilment dispatcher works off a backlog of deliveries
 * on PostgreSQL, beside db-scheduler draining as many one-time tasks in the same run, and how soon
 * after its commit a new delivery reaches its hook. Run {@code java -cp
 * benchmarks/target/benchmarks.jar dev.tinycheckout.benchmarks.fulfilment.OutboxDrainBenchmark};
 * see {@code docs/benchmarks.md}.
 */
@NullMarked
package dev.tinycheckout.benchmarks.fulfilment;

import org.jspecify.annotations.NullMarked;

/**
 * The consent trail benchmark: consent appends per second on PostgreSQL with many writers, the time
 * to verify the trail, and checkout throughput with and without the trail in the same run. Run
 * {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tinycheckout.benchmarks.consent.ConsentTrailBenchmark}; see {@code docs/benchmarks.md}.
 */
@NullMarked
package dev.tinycheckout.benchmarks.consent;

import org.jspecify.annotations.NullMarked;

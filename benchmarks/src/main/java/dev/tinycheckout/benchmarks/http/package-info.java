/**
 * The HTTP load benchmark: requests per second and latency percentiles of the tinycheckout HTTP API
 * on the JDK server and on Jetty, each beside a bare server of the same kind answering a fixed
 * body, measured in one run. Run {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tinycheckout.benchmarks.http.HttpLoadBenchmark}; see {@code docs/benchmarks.md}.
 */
@NullMarked
package dev.tinycheckout.benchmarks.http;

import org.jspecify.annotations.NullMarked;

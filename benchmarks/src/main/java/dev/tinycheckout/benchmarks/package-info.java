/**
 * JMH benchmarks of tinycheckout's critical path. Not published; build with {@code ./mvnw -pl
 * benchmarks -am package} and run {@code java -jar benchmarks/target/benchmarks.jar}. See {@code
 * docs/benchmarks.md} for what each benchmark measures and the figures.
 */
@NullMarked
package dev.tinycheckout.benchmarks;

import org.jspecify.annotations.NullMarked;

/**
 * {@link dev.tinycheckout.memory.InMemoryStorage}: every store in memory, atomic and thread-safe,
 * for tests, examples and benchmarks.
 */
@NullMarked
package dev.tinycheckout.memory;

import org.jspecify.annotations.NullMarked;

/**
 * The card-testing guard: rules that notice a client trying stolen cards at checkout, and refuse
 * its further attempts for a while.
 *
 * <p>{@link dev.tinycheckout.http.fraud.FraudGuard} is asked before each checkout ({@link
 * dev.tinycheckout.http.fraud.FraudGuard#admit admit}) and told how it ended ({@link
 * dev.tinycheckout.http.fraud.FraudGuard#recordOutcome recordOutcome}). It counts declined payments
 * per client address and per email, distinct payment tokens per address, optionally all checkouts
 * per address, and the site-wide decline ratio against its own baseline; thresholds come from
 * {@link dev.tinycheckout.http.fraud.FraudRules}. A refused checkout is answered 429 {@code
 * too-many-attempts} with {@code Retry-After}. Every flag is counted ({@link
 * dev.tinycheckout.http.fraud.FraudGuard#flags()}), logged, and handed to a {@link
 * dev.tinycheckout.http.fraud.FraudListener}.
 *
 * <p>Emails and payment tokens are kept only as keyed hashes; client addresses are kept and may be
 * logged. Every table is a size-bounded Caffeine cache, so memory stays bounded however many
 * addresses an attacker uses.
 */
@NullMarked
package dev.tinycheckout.http.fraud;

import org.jspecify.annotations.NullMarked;

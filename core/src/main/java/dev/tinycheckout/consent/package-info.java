/**
 * Consent evidence: what each customer agreed to at checkout, appended to a {@link
 * dev.tinycheckout.consent.ConsentLog} in the same transaction as the order.
 */
@NullMarked
package dev.tinycheckout.consent;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer meters for tinycheckout: the checkout observer and binders for the outbox backlog, the
 * product cache, the fraud guard and service-level objectives.
 */
@NullMarked
package dev.tinycheckout.micrometer;

import org.jspecify.annotations.NullMarked;

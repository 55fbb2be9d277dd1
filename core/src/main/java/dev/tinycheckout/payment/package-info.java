/**
 * Payments: the {@link dev.tinycheckout.payment.PaymentGateway} SPI to a provider, and a
 * deterministic {@link dev.tinycheckout.payment.TestPaymentGateway}.
 */
@NullMarked
package dev.tinycheckout.payment;

import org.jspecify.annotations.NullMarked;

/**
 * The checkout: {@link dev.tinycheckout.checkout.Checkout}, the single idempotent write path for
 * orders, with its {@link dev.tinycheckout.checkout.CheckoutRequest request} and {@link
 * dev.tinycheckout.checkout.CheckoutResult result}.
 */
@NullMarked
package dev.tinycheckout.checkout;

import org.jspecify.annotations.NullMarked;

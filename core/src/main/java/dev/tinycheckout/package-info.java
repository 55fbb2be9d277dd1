/**
 * The root of tinycheckout: the exception hierarchy shared by every module.
 *
 * <p>Start with {@link dev.tinycheckout.checkout.Checkout}, the single write path for orders.
 */
@NullMarked
package dev.tinycheckout;

import org.jspecify.annotations.NullMarked;

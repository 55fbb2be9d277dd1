/** Exact money: {@link dev.tinycheckout.money.Money}, minor units and an ISO 4217 currency. */
@NullMarked
package dev.tinycheckout.money;

import org.jspecify.annotations.NullMarked;

/**
 * Orders: {@link dev.tinycheckout.order.Order} and its {@link dev.tinycheckout.order.OrderStatus
 * state machine}, time-ordered {@link dev.tinycheckout.order.OrderId ids}, validated {@link
 * dev.tinycheckout.order.Email emails}, and the {@link dev.tinycheckout.order.OrderStore} SPI.
 */
@NullMarked
package dev.tinycheckout.order;

import org.jspecify.annotations.NullMarked;

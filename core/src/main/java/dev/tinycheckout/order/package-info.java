/**
 * Orders: {@link dev.tinycheckout.order.Order} and its {@link dev.tinycheckout.order.OrderStatus
 * state machine}, time-ordered {@link dev.tinycheckout.order.OrderId ids}, validated {@link
 * dev.tinycheckout.order.Email emails}, the {@link dev.tinycheckout.order.OrderStore} SPI, and the
 * failures a withdrawal reports ({@link dev.tinycheckout.order.OrderNotFoundException}, {@link
 * dev.tinycheckout.order.AlreadyWithdrawnException}, {@link
 * dev.tinycheckout.order.WithdrawalPeriodExpiredException}).
 */
@NullMarked
package dev.tinycheckout.order;

import org.jspecify.annotations.NullMarked;

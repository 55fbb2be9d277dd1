/**
 * A Spring Boot 4 shop that serves tinycheckout's HTTP contract from Tomcat 11: {@link
 * dev.tinycheckout.examples.spring.ShopApplication} starts it, {@link
 * dev.tinycheckout.examples.spring.CheckoutConfiguration} wires the storage, the API and the
 * servlet, and {@link dev.tinycheckout.examples.spring.ShopProperties} holds the {@code
 * tinycheckout.*} settings.
 */
@NullMarked
package dev.tinycheckout.examples.spring;

import org.jspecify.annotations.NullMarked;

/**
 * The tinycheckout HTTP API on any Jakarta Servlet 6 container (Jetty 12, Tomcat 11, Undertow,
 * Spring Boot 4's embedded servers).
 *
 * <p>{@link dev.tinycheckout.http.servlet.CheckoutServlet} serves an {@link
 * dev.tinycheckout.http.ApiHandler}; register it programmatically, at {@code /*} or under a prefix
 * such as {@code /api/*}. The Servlet API is a {@code provided} dependency: the container brings
 * it. See {@code docs/mounting.md}.
 */
@NullMarked
package dev.tinycheckout.http.servlet;

import org.jspecify.annotations.NullMarked;

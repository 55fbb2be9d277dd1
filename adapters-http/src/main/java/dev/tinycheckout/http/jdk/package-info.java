/**
 * The tinycheckout HTTP API on the JDK's built-in server ({@code com.sun.net.httpserver}), with no
 * other dependency.
 *
 * <p>{@link dev.tinycheckout.http.jdk.JdkHttpMount} starts a server that serves an {@link
 * dev.tinycheckout.http.ApiHandler} (usually {@link dev.tinycheckout.http.CheckoutApi}) with a
 * bounded worker pool, TCP_NODELAY on, request and response time limits, and a graceful stop.
 * {@link dev.tinycheckout.http.jdk.JdkHttpHandler} is the adapter alone, for a shop that runs its
 * own {@link com.sun.net.httpserver.HttpServer}.
 *
 * <p>The JDK server reads its tuning from system properties once per JVM, when its first server is
 * created; {@link dev.tinycheckout.http.jdk.JdkHttpMount} explains which ones tinycheckout sets and
 * how to change them. See {@code docs/mounting.md}.
 */
@NullMarked
package dev.tinycheckout.http.jdk;

import org.jspecify.annotations.NullMarked;

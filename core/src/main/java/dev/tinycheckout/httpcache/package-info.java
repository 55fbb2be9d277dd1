/**
 * HTTP caching without a server: {@link dev.tinycheckout.httpcache.EntityTag entity tags} (RFC 9110
 * §8.8.3), {@link dev.tinycheckout.httpcache.HttpDates HTTP dates} (§5.6.7), {@link
 * dev.tinycheckout.httpcache.CacheControl Cache-Control and CDN-Cache-Control} values (RFC 9111,
 * RFC 9213) and the {@link dev.tinycheckout.httpcache.ConditionalRequest evaluation of conditional
 * requests} in the order of RFC 9110 §13.2.2, answering 304 or 412.
 *
 * <p>Everything here works on header field values as strings and on JDK types only, so any HTTP
 * adapter (the JDK server, a servlet container) can use it. All types are immutable and
 * thread-safe, except the {@link dev.tinycheckout.httpcache.CacheControl.Builder builder}.
 */
@NullMarked
package dev.tinycheckout.httpcache;

import org.jspecify.annotations.NullMarked;

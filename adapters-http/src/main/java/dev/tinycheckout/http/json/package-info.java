/**
 * The strict JSON codec of the tinycheckout HTTP contract, independent of any HTTP server: bytes or
 * text in, core objects out, and core objects back to UTF-8 JSON.
 *
 * <p>{@link dev.tinycheckout.http.json.CheckoutRequestReader} reads a {@code POST /checkout} body
 * into a {@link dev.tinycheckout.checkout.CheckoutRequest}: a body that is not JSON or has the
 * wrong shape fails with {@link dev.tinycheckout.http.json.MalformedRequestException} (problem
 * {@code malformed-request}, HTTP 400); well-typed values that break a rule fail with {@link
 * dev.tinycheckout.ValidationException} (problem {@code validation-failed}, HTTP 422). Both name
 * the offending field as a path such as {@code items[1].quantity}.
 *
 * <p>{@link dev.tinycheckout.http.json.ContractJsonWriter} renders products, the product list, the
 * terms and RFC 9457 {@linkplain dev.tinycheckout.http.json.Problem problems}. Money is always an
 * object of integer minor units and an ISO 4217 code, never a floating-point number.
 *
 * <p>Every type here is immutable or stateless and safe to share between threads. No method takes
 * or returns {@code null}.
 */
@NullMarked
package dev.tinycheckout.http.json;

import org.jspecify.annotations.NullMarked;

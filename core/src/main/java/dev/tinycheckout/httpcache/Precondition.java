package dev.tinycheckout.httpcache;

/**
 * What the evaluation of a conditional request (RFC 9110 §13.2.2) tells the server to do.
 *
 * @see ConditionalRequest#evaluate(ResourceState)
 */
public enum Precondition {
  /**
   * Every precondition held, or none applied: perform the method and answer as usual (RFC 9110
   * §13.2.2 step 6).
   */
  PROCEED,

  /**
   * Answer {@code 304 Not Modified} (RFC 9110 §15.4.5), only ever for GET or HEAD: no content, but
   * the {@code ETag}, {@code Cache-Control}, {@code Expires}, {@code Vary}, {@code
   * Content-Location} and {@code Date} fields that a 200 to the same request would have carried.
   * Other representation metadata is best left out ({@code Last-Modified} only helps when there is
   * no {@code ETag}).
   */
  NOT_MODIFIED,

  /**
   * Answer {@code 412 Precondition Failed} (RFC 9110 §15.5.13) and do not perform the method; the
   * tinycheckout HTTP adapter sends the RFC 9457 problem {@code precondition-failed}. An origin
   * that can tell that the very state change asked for has already been made (such as an idempotent
   * replay) may answer with that 2xx instead (RFC 9110 §13.1.1, §13.1.4).
   */
  PRECONDITION_FAILED;

  /**
   * The status code to answer with instead of performing the method.
   *
   * @return 304 for {@link #NOT_MODIFIED}, 412 for {@link #PRECONDITION_FAILED}
   * @throws IllegalStateException for {@link #PROCEED}, which answers whatever the method does
   */
  public int statusCode() {
    return switch (this) {
      case NOT_MODIFIED -> 304;
      case PRECONDITION_FAILED -> 412;
      case PROCEED ->
          throw new IllegalStateException("PROCEED has no status of its own; perform the method");
    };
  }
}

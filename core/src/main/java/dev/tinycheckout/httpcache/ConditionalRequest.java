package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditional parts of a request (RFC 9110 §13.1) and their evaluation against the target
 * resource in the order of precedence of RFC 9110 §13.2.2.
 *
 * <p>The header values are raw field values as received; several lines of one field are joined with
 * {@code ", "} (RFC 9110 §5.3). {@link #evaluate(ResourceState)} then takes these steps:
 *
 * <ol>
 *   <li>{@code If-Match} present: false ({@code *} with no current representation, or no listed tag
 *       matching the current one by strong comparison) answers 412;
 *   <li>otherwise {@code If-Unmodified-Since} present: a last modification later than the date
 *       answers 412; the field is ignored when its date is invalid or the resource has no
 *       modification date;
 *   <li>{@code If-None-Match} present: false ({@code *} with a current representation, or a listed
 *       tag matching the current one by weak comparison) answers 304 to GET and HEAD and 412 to
 *       every other method;
 *   <li>otherwise, for GET and HEAD only, {@code If-Modified-Since} present: a last modification
 *       not later than the date answers 304; ignored like {@code If-Unmodified-Since};
 *   <li>({@code If-Range} belongs with range requests, which tinycheckout does not serve);
 *   <li>otherwise proceed.
 * </ol>
 *
 * <p>Modification dates compare at whole seconds, the precision of HTTP dates. Preconditions are
 * ignored for CONNECT, OPTIONS and TRACE, which select no representation (RFC 9110 §13.2.1).
 *
 * <p>Call it only where the answer without the preconditions would be 2xx or 412: a GET of a
 * resource that does not exist answers 404 without looking at preconditions, and so does a request
 * that fails authentication or validation first (RFC 9110 §13.2.1). Immutable and thread-safe.
 *
 * @param method the request method, case-sensitive ({@code GET}, {@code HEAD}, {@code PUT}...)
 * @param ifMatch the {@code If-Match} field value, if sent
 * @param ifNoneMatch the {@code If-None-Match} field value, if sent
 * @param ifModifiedSince the {@code If-Modified-Since} field value, if sent
 * @param ifUnmodifiedSince the {@code If-Unmodified-Since} field value, if sent
 */
public record ConditionalRequest(
    String method,
    Optional<String> ifMatch,
    Optional<String> ifNoneMatch,
    Optional<String> ifModifiedSince,
    Optional<String> ifUnmodifiedSince) {

  /** The header names, as {@link #from(String, Function)} looks them up. */
  private static final String IF_MATCH = "If-Match";

  private static final String IF_NONE_MATCH = "If-None-Match";
  private static final String IF_MODIFIED_SINCE = "If-Modified-Since";
  private static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";

  /**
   * Validates the method; header values are checked by {@link #evaluate(ResourceState)}.
   *
   * @param method the request method, a token such as {@code GET}
   * @param ifMatch the {@code If-Match} field value, if sent
   * @param ifNoneMatch the {@code If-None-Match} field value, if sent
   * @param ifModifiedSince the {@code If-Modified-Since} field value, if sent
   * @param ifUnmodifiedSince the {@code If-Unmodified-Since} field value, if sent
   * @throws ValidationException with field {@code method} if the method is not a token
   */
  public ConditionalRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(ifMatch, "ifMatch");
    Objects.requireNonNull(ifNoneMatch, "ifNoneMatch");
    Objects.requireNonNull(ifModifiedSince, "ifModifiedSince");
    Objects.requireNonNull(ifUnmodifiedSince, "ifUnmodifiedSince");
    if (method.isEmpty() || !method.chars().allMatch(ConditionalRequest::isTchar)) {
      throw new ValidationException(
          "method", "must be a token such as GET, but was '" + HeaderText.printable(method) + "'");
    }
  }

  private static boolean isTchar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /**
   * Reads the four conditional headers through a lookup, so an adapter needs one line.
   *
   * @param method the request method
   * @param header looks up a request header by name ({@code If-Match}, {@code If-None-Match},
   *     {@code If-Modified-Since}, {@code If-Unmodified-Since}) and returns its field value,
   *     repeated lines joined with {@code ", "}, or empty when absent
   * @return the conditional request
   * @throws ValidationException if the method is not a token
   */
  public static ConditionalRequest from(String method, Function<String, Optional<String>> header) {
    Objects.requireNonNull(header, "header");
    return new ConditionalRequest(
        method,
        header.apply(IF_MATCH),
        header.apply(IF_NONE_MATCH),
        header.apply(IF_MODIFIED_SINCE),
        header.apply(IF_UNMODIFIED_SINCE));
  }

  /**
   * Evaluates the preconditions against the resource, reading two-digit years of obsolete RFC 850
   * dates relative to the system clock.
   *
   * @param state the target resource's current state
   * @return what to answer; see the steps above
   * @throws ValidationException naming {@code If-Match} or {@code If-None-Match} if that field
   *     value is neither {@code *} nor a list of entity tags (answer 400); bad dates never throw,
   *     they are ignored
   */
  public Precondition evaluate(ResourceState state) {
    return evaluate(state, Clock.systemUTC());
  }

  /**
   * Evaluates the preconditions against the resource.
   *
   * @param state the target resource's current state
   * @param clock the current time, only for two-digit years of obsolete RFC 850 dates
   * @return what to answer; see the steps above
   * @throws ValidationException naming {@code If-Match} or {@code If-None-Match} if that field
   *     value is neither {@code *} nor a list of entity tags (answer 400); bad dates never throw,
   *     they are ignored
   */
  public Precondition evaluate(ResourceState state, Clock clock) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(clock, "clock");
    if (method.equals("CONNECT") || method.equals("OPTIONS") || method.equals("TRACE")) {
      return Precondition.PROCEED;
    }
    // Both tag lists are parsed first, so a malformed one is refused whatever the other says.
    Optional<EntityTagList> match = ifMatch.map(v -> EntityTagList.parse(IF_MATCH, v));
    Optional<EntityTagList> noneMatch = ifNoneMatch.map(v -> EntityTagList.parse(IF_NONE_MATCH, v));
    boolean getOrHead = method.equals("GET") || method.equals("HEAD");

    // Step 1 (§13.1.1), or step 2 (§13.1.4) only when there is no If-Match.
    if (match.isPresent()) {
      if (!ifMatchHolds(match.get(), state)) {
        return Precondition.PRECONDITION_FAILED;
      }
    } else if (ifUnmodifiedSince.isPresent()) {
      Optional<Long> date = date(ifUnmodifiedSince.get(), clock);
      Optional<Long> modified = state.lastModified().map(Instant::getEpochSecond);
      if (date.isPresent() && modified.isPresent() && modified.get() > date.get()) {
        return Precondition.PRECONDITION_FAILED;
      }
    }

    // Step 3 (§13.1.2), or step 4 (§13.1.3) only for GET and HEAD without If-None-Match.
    if (noneMatch.isPresent()) {
      if (!ifNoneMatchHolds(noneMatch.get(), state)) {
        return getOrHead ? Precondition.NOT_MODIFIED : Precondition.PRECONDITION_FAILED;
      }
    } else if (getOrHead && ifModifiedSince.isPresent()) {
      Optional<Long> date = date(ifModifiedSince.get(), clock);
      Optional<Long> modified = state.lastModified().map(Instant::getEpochSecond);
      if (date.isPresent() && modified.isPresent() && modified.get() <= date.get()) {
        return Precondition.NOT_MODIFIED;
      }
    }
    return Precondition.PROCEED;
  }

  /** RFC 9110 §13.1.1: {@code *} needs a current representation; a list needs a strong match. */
  private static boolean ifMatchHolds(EntityTagList list, ResourceState state) {
    if (list.any()) {
      return state.exists();
    }
    return state.etag().map(list::containsStrongMatch).orElse(false);
  }

  /** RFC 9110 §13.1.2: {@code *} needs no current representation; a list needs no weak match. */
  private static boolean ifNoneMatchHolds(EntityTagList list, ResourceState state) {
    if (list.any()) {
      return !state.exists();
    }
    return !state.etag().map(list::containsWeakMatch).orElse(false);
  }

  /** The date in epoch seconds, or empty if the value is not a valid HTTP date (then ignored). */
  private static Optional<Long> date(String value, Clock clock) {
    return HttpDates.parse(value, clock.instant()).map(Instant::getEpochSecond);
  }
}

package dev.tinycheckout.httpcache;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the server knows about the target resource when it evaluates preconditions: whether it has a
 * current representation, and that representation's validators ({@code ETag} and {@code
 * Last-Modified}, RFC 9110 §8.8), exactly as a 200 to a GET would send them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param exists whether the resource has a current representation (RFC 9110 §13.1.1 and §13.1.2
 *     compare {@code *} against this)
 * @param etag the current representation's entity tag, if the server sends one
 * @param lastModified the current representation's last modification, if the server sends one;
 *     compared at second granularity, as HTTP dates carry no fractions
 */
public record ResourceState(
    boolean exists, Optional<EntityTag> etag, Optional<Instant> lastModified) {

  private static final ResourceState ABSENT =
      new ResourceState(false, Optional.empty(), Optional.empty());

  /**
   * Validates.
   *
   * @param exists whether the resource has a current representation
   * @param etag the current representation's entity tag, if any
   * @param lastModified the current representation's last modification, if any
   * @throws ValidationException with field {@code exists} if a resource without a current
   *     representation is given validators
   */
  public ResourceState {
    Objects.requireNonNull(etag, "etag");
    Objects.requireNonNull(lastModified, "lastModified");
    if (!exists && (etag.isPresent() || lastModified.isPresent())) {
      throw new ValidationException(
          "exists", "a resource without a current representation has no ETag or Last-Modified");
    }
  }

  /**
   * A resource with no current representation, such as one a PUT with {@code If-None-Match: *} is
   * about to create.
   *
   * @return the absent state
   */
  public static ResourceState absent() {
    return ABSENT;
  }

  /**
   * A current representation with both validators.
   *
   * @param etag its entity tag
   * @param lastModified its last modification
   * @return the state
   */
  public static ResourceState of(EntityTag etag, Instant lastModified) {
    return new ResourceState(
        true,
        Optional.of(Objects.requireNonNull(etag, "etag")),
        Optional.of(Objects.requireNonNull(lastModified, "lastModified")));
  }

  /**
   * A current representation with an entity tag and no modification date.
   *
   * @param etag its entity tag
   * @return the state
   */
  public static ResourceState of(EntityTag etag) {
    return new ResourceState(
        true, Optional.of(Objects.requireNonNull(etag, "etag")), Optional.empty());
  }

  /**
   * A current representation with a modification date and no entity tag.
   *
   * @param lastModified its last modification
   * @return the state
   */
  public static ResourceState modifiedAt(Instant lastModified) {
    return new ResourceState(
        true, Optional.empty(), Optional.of(Objects.requireNonNull(lastModified, "lastModified")));
  }
}

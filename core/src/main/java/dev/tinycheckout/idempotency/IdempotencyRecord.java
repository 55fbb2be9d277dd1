package dev.tinycheckout.idempotency;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a store keeps under one idempotency key. Immutable; the {@code with...} methods return
 * copies.
 *
 * <p>The lifecycle: a record is <em>claimed</em> (in progress, {@link #response()} empty) by the
 * request that executes, and holds a lease until {@link #leaseExpiresAt()}; while the lease runs,
 * duplicates get a conflict. It advances through {@link #recoveryPoint() recovery points} as the
 * operation commits its steps (think of Stripe's atomic phases), so a retry that takes over after a
 * crash resumes where the crashed attempt stopped. It is <em>completed</em> when the stored answer
 * is set, and replayed from then on. At {@link #expiresAt()} it is forgotten, and the key can be
 * used afresh.
 *
 * <p>The {@link #fence()} counts takeovers: it is 1 for the first claim and grows by one whenever a
 * retry takes over an expired lease. A store only accepts a change to a record from whoever
 * presents its current fence, so an attempt whose lease ran out cannot overwrite a newer attempt's
 * work.
 *
 * @param key the scoped key
 * @param fingerprint the fingerprint of the request that claimed the key
 * @param fence the takeover counter, at least 1
 * @param createdAt when the key was first claimed
 * @param leaseExpiresAt until when the current attempt holds the key
 * @param expiresAt when the record is forgotten (the retention)
 * @param recoveryPoint the last step committed, a short lower-case name such as {@code started}
 * @param reference what the operation created so far, such as an order id; empty if nothing
 * @param response the stored answer once completed; empty while in progress
 */
public record IdempotencyRecord(
    IdempotencyKey key,
    RequestFingerprint fingerprint,
    long fence,
    Instant createdAt,
    Instant leaseExpiresAt,
    Instant expiresAt,
    String recoveryPoint,
    String reference,
    Optional<StoredResponse> response) {
  private static final Pattern POINT = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /** The recovery point of a record that was just claimed. */
  public static final String STARTED = "started";

  /**
   * Validates the record.
   *
   * @param key the scoped key
   * @param fingerprint the fingerprint of the request that claimed the key
   * @param fence the takeover counter, at least 1
   * @param createdAt when the key was first claimed
   * @param leaseExpiresAt until when the current attempt holds the key
   * @param expiresAt when the record is forgotten (the retention)
   * @param recoveryPoint the last step committed, a short lower-case name such as {@code started}
   * @param reference what the operation created so far, such as an order id; empty if nothing
   * @param response the stored answer once completed; empty while in progress
   * @throws ValidationException if the fence is below 1, the times are out of order, or the
   *     recovery point or reference is malformed
   */
  public IdempotencyRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(recoveryPoint, "recoveryPoint");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(response, "response");
    if (fence < 1) {
      throw new ValidationException("fence", "must be at least 1, but was " + fence);
    }
    if (expiresAt.isBefore(createdAt)) {
      throw new ValidationException("expiresAt", "must not be before createdAt");
    }
    if (!POINT.matcher(recoveryPoint).matches()) {
      throw new ValidationException(
          "recoveryPoint", "must be 1-32 characters of a-z 0-9 -, but was '" + recoveryPoint + "'");
    }
    if (reference.length() > 255 || reference.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new ValidationException("reference", "must be at most 255 printable ASCII characters");
    }
  }

  /**
   * A fresh claim.
   *
   * @param key the key
   * @param fingerprint the claiming request's fingerprint
   * @param fence 1 for a new key; the previous fence plus one when an expired record is replaced
   * @param now the time of the claim
   * @param leaseExpiresAt end of the lease
   * @param expiresAt end of the retention
   * @return an in-progress record at {@link #STARTED}
   */
  public static IdempotencyRecord claimed(
      IdempotencyKey key,
      RequestFingerprint fingerprint,
      long fence,
      Instant now,
      Instant leaseExpiresAt,
      Instant expiresAt) {
    return new IdempotencyRecord(
        key, fingerprint, fence, now, leaseExpiresAt, expiresAt, STARTED, "", Optional.empty());
  }

  /**
   * Whether the stored answer is set.
   *
   * @return {@code true} once completed
   */
  public boolean isCompleted() {
    return response.isPresent();
  }

  /**
   * Whether the retention has run out at the given time.
   *
   * @param now the time
   * @return {@code true} if {@code now} is at or after {@link #expiresAt()}
   */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /**
   * Whether the in-progress attempt's lease has run out at the given time.
   *
   * @param now the time
   * @return {@code true} if {@code now} is at or after {@link #leaseExpiresAt()}
   */
  public boolean isLeaseExpired(Instant now) {
    return !now.isBefore(leaseExpiresAt);
  }

  /**
   * This record taken over by a new attempt: the fence grows by one and the lease restarts.
   *
   * @param leaseExpiresAt the new attempt's lease end
   * @return the copy
   */
  public IdempotencyRecord takenOver(Instant leaseExpiresAt) {
    return new IdempotencyRecord(
        key,
        fingerprint,
        fence + 1,
        createdAt,
        leaseExpiresAt,
        expiresAt,
        recoveryPoint,
        reference,
        response);
  }

  /**
   * Whether a sweep may delete this record at the given time: expired, and either completed or
   * referencing nothing. See {@link IdempotencyStore#deleteExpired}.
   *
   * @param now the time
   * @return {@code true} if the record may be deleted
   */
  public boolean isPurgeable(Instant now) {
    return isExpired(now) && (isCompleted() || reference.isEmpty());
  }

  /**
   * This record with a new end of retention, for a checkout resumed after its retention ran out.
   *
   * @param expiresAt the new end of retention
   * @return the copy, with the same fence
   */
  public IdempotencyRecord withExpiresAt(Instant expiresAt) {
    return new IdempotencyRecord(
        key,
        fingerprint,
        fence,
        createdAt,
        leaseExpiresAt,
        expiresAt,
        recoveryPoint,
        reference,
        response);
  }

  /**
   * This record advanced to a recovery point, with its lease renewed.
   *
   * @param recoveryPoint the step just committed
   * @param reference what exists so far, such as an order id
   * @param leaseExpiresAt the renewed lease end
   * @return the copy, with the same fence
   */
  public IdempotencyRecord advancedTo(
      String recoveryPoint, String reference, Instant leaseExpiresAt) {
    return new IdempotencyRecord(
        key,
        fingerprint,
        fence,
        createdAt,
        leaseExpiresAt,
        expiresAt,
        recoveryPoint,
        reference,
        response);
  }

  /**
   * This record with a new lease end, such as "now" to let the next retry take over at once.
   *
   * @param leaseExpiresAt the lease end
   * @return the copy, with the same fence
   */
  public IdempotencyRecord withLeaseExpiresAt(Instant leaseExpiresAt) {
    return new IdempotencyRecord(
        key,
        fingerprint,
        fence,
        createdAt,
        leaseExpiresAt,
        expiresAt,
        recoveryPoint,
        reference,
        response);
  }

  /**
   * This record completed with its answer.
   *
   * @param recoveryPoint the final step, such as {@code finished}
   * @param answer the answer to store and replay
   * @return the copy, with the same fence
   */
  public IdempotencyRecord completedWith(String recoveryPoint, StoredResponse answer) {
    return new IdempotencyRecord(
        key,
        fingerprint,
        fence,
        createdAt,
        leaseExpiresAt,
        expiresAt,
        recoveryPoint,
        reference,
        Optional.of(answer));
  }
}

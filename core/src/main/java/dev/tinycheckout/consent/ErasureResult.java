package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link ConsentAudit#erase} did. Immutable.
 *
 * @param subject the pseudonymous subject of the erased email
 * @param keyErased {@code true} if a key was deleted; {@code false} if the subject had none (never
 *     recorded, or erased before)
 * @param entriesMadeUnreadable how many of the subject's entries had personal data sealed under the
 *     deleted key; 0 if no key was deleted
 * @param erasedAt when the erasure ran, by the audit's clock
 */
public record ErasureResult(
    SubjectId subject, boolean keyErased, int entriesMadeUnreadable, Instant erasedAt) {

  /**
   * Validates.
   *
   * @param subject the subject
   * @param keyErased whether a key was deleted
   * @param entriesMadeUnreadable 0 or more; 0 unless a key was deleted
   * @param erasedAt when the erasure ran
   * @throws ValidationException if the count is negative, or positive without a deleted key
   */
  public ErasureResult {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(erasedAt, "erasedAt");
    if (entriesMadeUnreadable < 0 || (!keyErased && entriesMadeUnreadable > 0)) {
      throw new ValidationException(
          "entriesMadeUnreadable",
          "must be 0 or more, and 0 unless a key was erased, but was " + entriesMadeUnreadable);
    }
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of verifying a consent trail ({@link ConsentChain#verify}, {@link
 * ConsentAudit#verify()}). Immutable.
 *
 * @param valid {@code true} if no break was found: every entry matches its hash, the sequence
 *     numbers run 1, 2, 3, ... without a gap, each entry links to the one before, and the trail
 *     agrees with the trusted head, if one was given
 * @param entries how many entries were read
 * @param head the sequence number and stored hash of the last entry read ({@link ConsentHead#EMPTY}
 *     if none); when {@code valid}, this is a checkpoint worth keeping outside the database
 * @param firstBreak the first break, in trail order; empty exactly when {@code valid}
 */
public record ConsentVerification(
    boolean valid, long entries, ConsentHead head, Optional<ChainBreak> firstBreak) {

  /**
   * Validates.
   *
   * @param valid whether no break was found
   * @param entries how many entries were read, 0 or more
   * @param head the last entry read
   * @param firstBreak the first break; empty exactly when {@code valid}
   * @throws ValidationException if {@code valid} disagrees with {@code firstBreak} or {@code
   *     entries} is negative
   */
  public ConsentVerification {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(firstBreak, "firstBreak");
    if (valid == firstBreak.isPresent()) {
      throw new ValidationException("valid", "must be true exactly when there is no break");
    }
    if (entries < 0) {
      throw new ValidationException("entries", "must be 0 or more, but was " + entries);
    }
  }
}

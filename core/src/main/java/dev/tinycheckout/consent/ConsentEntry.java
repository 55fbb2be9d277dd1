package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import java.util.Objects;

/**
 * A consent evidence as appended to the log, with the sequence number the log gave it. Immutable.
 *
 * @param sequence 1 for the first entry of a log, then consecutive
 * @param evidence what was recorded
 */
public record ConsentEntry(long sequence, ConsentEvidence evidence) {
  /**
   * Validates.
   *
   * @param sequence 1 for the first entry of a log, then consecutive
   * @param evidence what was recorded
   * @throws ValidationException if the sequence is below 1
   */
  public ConsentEntry {
    Objects.requireNonNull(evidence, "evidence");
    if (sequence < 1) {
      throw new ValidationException("sequence", "must be at least 1, but was " + sequence);
    }
  }
}

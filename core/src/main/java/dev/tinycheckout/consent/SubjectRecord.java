package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.Email;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a data subject's consent history with its personal data opened, as {@link
 * ConsentAudit#export} returns it for an access request (GDPR Art. 15). Immutable.
 *
 * <p>{@link #toString()} masks the email and never shows the name.
 *
 * @param entry the entry as stored, which {@link ConsentChain#verify} can check offline
 * @param email the email sealed in the entry; empty if erased, or if the entry holds no sealed data
 *     (entries that {@link ConsentAudit#append} writes always do)
 * @param name the name sealed in the entry, if one was given; empty if erased
 * @param erased {@code true} if the entry's personal data can no longer be read: the subject's key
 *     was erased (a key created after an erasure does not open older entries)
 */
public record SubjectRecord(
    ConsentEntry entry, Optional<Email> email, Optional<String> name, boolean erased) {

  /**
   * Validates.
   *
   * @param entry the entry as stored
   * @param email the sealed email, or empty
   * @param name the sealed name, or empty
   * @param erased whether the personal data can no longer be read
   * @throws ValidationException if an erased record carries an email or name
   */
  public SubjectRecord {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    if (erased && (email.isPresent() || name.isPresent())) {
      throw new ValidationException("erased", "an erased record has no email or name");
    }
  }

  @Override
  public String toString() {
    return "SubjectRecord[entry="
        + entry
        + ", email="
        + email.map(Email::toString).orElse("none")
        + ", name="
        + (name.isPresent() ? "***" : "none")
        + ", erased="
        + erased
        + "]";
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.TinyCheckoutException;
import org.jspecify.annotations.Nullable;

/**
 * A stored consent entry cannot be read as a {@link ConsentEntry} at all (problem {@code
 * consent-entry-unreadable}): a field of its row was changed outside tinycheckout into something no
 * entry holds, such as an unknown purpose or a hash that is not 64 hex digits. A {@link ConsentLog}
 * throws it from {@link ConsentLog#read}, {@link ConsentLog#findByOrder} and {@link
 * ConsentLog#findBySubject} instead of "repairing" the row; {@link ConsentChain#verify} and {@link
 * ConsentAudit#verify()} report it as the break {@link ChainBreak.Reason#EDITED} at {@link
 * #sequence()}, so verification still answers "invalid, here" rather than failing.
 */
public final class UnreadableConsentEntryException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** The sequence number of the row. */
  private final long sequence;

  /**
   * Creates the failure.
   *
   * @param sequence the sequence number stored in the row
   * @param detail what is wrong with the row, without its personal data
   * @param cause the parse failure, or {@code null}
   */
  public UnreadableConsentEntryException(long sequence, String detail, @Nullable Throwable cause) {
    super(
        "consent-entry-unreadable",
        "consent entry "
            + sequence
            + " is stored in a form no entry has ("
            + detail
            + "): it was changed outside tinycheckout (see "
            + DOCS
            + "consent-entry-unreadable)",
        cause);
    this.sequence = sequence;
  }

  /**
   * The sequence number stored in the unreadable row.
   *
   * @return the sequence number
   */
  public long sequence() {
    return sequence;
  }
}

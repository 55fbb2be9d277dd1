package dev.tinycheckout.consent;

import dev.tinycheckout.TinyCheckoutException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A consent proof, checkpoint, signature or verifier key was refused (problem {@code
 * invalid-consent-proof}). {@link #reason()} says precisely why, so that a verifier can tell a
 * garbled download ({@link Reason#MALFORMED}) from a key it does not trust ({@link
 * Reason#UNKNOWN_KEY}) and from evidence that the log was rewritten ({@link Reason#FORK}).
 *
 * <p>Whatever the reason, nothing was accepted: the input proves nothing. Messages repeat no
 * refused text, only numbers, positions, hashes, and key names or origins that passed the format
 * check (visible ASCII), so they are safe to log.
 */
public final class ConsentProofException extends TinyCheckoutException {
  private static final long serialVersionUID = 1L;

  /** Why a proof, checkpoint or key was refused. */
  public enum Reason {
    /**
     * The text is not in the expected format: a missing or extra line, a size that is not a
     * canonical decimal, bad base64, a hash of the wrong length, a control character, a character
     * outside the format's alphabet, or more text than any valid input has.
     */
    MALFORMED,
    /**
     * The checkpoint is signed by a key other than the one the verifier trusts (another key name,
     * or another key id under the same name).
     */
    UNKNOWN_KEY,
    /** The signature is by the trusted key's name and id but does not verify over the note text. */
    BAD_SIGNATURE,
    /**
     * Sizes that do not fit together: a leaf index at or beyond the tree size, a tree of size 0, a
     * consistency proof between equal sizes or from a larger tree to a smaller one, a proof path
     * whose length is not the one RFC 9162 gives for its index and sizes, or a proof whose sizes
     * are not those of the checkpoints it is checked against.
     */
    WRONG_SIZE,
    /** The inclusion proof does not lead from this entry to this root. */
    INCLUSION_FAILED,
    /**
     * The consistency proof does not lead from the older root to the newer one: either the proof is
     * wrong, or the newer tree does not extend the older (an entry before the older size was
     * changed). If the log cannot produce a proof that verifies, it forked.
     */
    INCONSISTENT,
    /**
     * Two validly signed checkpoints of the same log and the same size have different roots: the
     * log showed two different histories. This is cryptographic evidence of tampering or of a key
     * compromise; keep both checkpoints.
     */
    FORK,
    /** Two checkpoints that were to be compared belong to different logs (different origins). */
    ORIGIN_MISMATCH
  }

  /** Why. */
  private final Reason reason;

  /**
   * Creates the failure.
   *
   * @param reason why the input was refused
   * @param detail what exactly is wrong, without repeating untrusted input
   */
  public ConsentProofException(Reason reason, String detail) {
    this(reason, detail, null);
  }

  /**
   * Creates the failure with the exception that revealed it.
   *
   * @param reason why the input was refused
   * @param detail what exactly is wrong, without repeating untrusted input
   * @param cause the underlying failure, or {@code null}
   */
  public ConsentProofException(Reason reason, String detail, @Nullable Throwable cause) {
    super(
        "invalid-consent-proof",
        "consent proof refused ("
            + Objects.requireNonNull(reason, "reason")
            + "): "
            + Objects.requireNonNull(detail, "detail")
            + " ("
            + DOCS
            + "invalid-consent-proof)",
        cause);
    this.reason = reason;
  }

  /**
   * Why the input was refused.
   *
   * @return the reason, never {@code null}
   */
  public Reason reason() {
    return reason;
  }
}

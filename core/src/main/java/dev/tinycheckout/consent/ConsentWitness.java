package dev.tinycheckout.consent;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.consent.ConsentProofException.Reason;
import dev.tinycheckout.order.OrderId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A customer's own copy of what the consent trail recorded with their order, with the proof that
 * the shop committed to it: a {@link SignedCheckpoint} of the whole trail, and each of the order's
 * {@link ConsentEntry entries} with its {@link InclusionProof} in the checkpoint's tree. Made by
 * {@link ConsentAudit#witnessFor}, sent in the order receipt, and checked by anyone with the shop's
 * published verifier key ({@link #verify}).
 *
 * <p>A witness that verifies shows that the shop signed a checkpoint of its consent trail in which
 * exactly these entries, field for field, stand at these sequence numbers. Every entry carries all
 * the fields its chain hash covers ({@link ConsentEntry#canonicalBytes()}), so the verifier
 * recomputes the hash from what the customer can read (the purpose, the terms version and the hash
 * of their text, the time) rather than taking the hash on trust. Should the shop later change or
 * remove one of these entries, or rewrite its history before them, its trail no longer matches the
 * customer's checkpoint, and the customer holds the signed proof of what it said before.
 *
 * <p>What an entry reveals: the customer's pseudonymous {@link SubjectId} and their email and name
 * sealed under their own key (ciphertext, which nobody can open once the shop has erased the key),
 * besides what the receipt shows anyway. It says nothing about other customers: a proof path is a
 * list of hashes.
 *
 * <h2 id="text">Text form</h2>
 *
 * <p>{@link #text()} writes a block of plain ASCII lines (but for the em dash of the checkpoint's
 * signature line), each ending in {@code \n}, to paste into an email:
 *
 * <pre>
 * -----BEGIN TINYCHECKOUT CONSENT WITNESS-----
 * format: tinycheckout-consent-witness-v1
 * order: 01936f0e-3c1a-7b2d-9e4f-5a6b7c8d9e0f
 * checkpoint:
 * shop.example/consent
 * 42
 * rQzK3B8DHRFu+NwU7kZuN2C2ClAZSKAhybhIg9xmK2E=
 *
 * &#x2014; shop.example/consent Are1RJmi...vAo=
 * entry: 41
 * action: GRANTED
 * purpose: TERMS_OF_SALE
 * terms-version: 2026-11-01
 * terms-hash: 9f86d081...
 * channel: checkout
 * recorded-at: 2026-11-25T10:15:30.123456Z
 * subject: 3a7bd3e2...
 * sealed: AbCd...==
 * previous-hash: 0c1d2e3f...
 * hash: 5e6f7a8b...
 * proof: 1a2b3c4d...
 * proof: ...
 * -----END TINYCHECKOUT CONSENT WITNESS-----
 * </pre>
 *
 * <p>The five lines after {@code checkpoint:} are the signed checkpoint exactly as {@link
 * SignedCheckpoint#text()} writes it. Then, for each entry by ascending sequence: its fields in the
 * order shown, in the forms of the canonical bytes (hashes and the subject as 64 lower-case hex
 * digits, the time as an ISO-8601 instant to the microsecond, the sealed data as base64 or {@code
 * -} if empty), and its inclusion proof's path from the leaf up, one {@code proof:} line per hash.
 *
 * <p>{@link #parse} reads the block out of any text, such as a whole email, and accepts only that
 * exact form (with {@code \r\n} line ends too, as mail delivers them); a changed character anywhere
 * in the block makes either {@link #parse} or {@link #verify} refuse it.
 *
 * @param checkpoint the signed checkpoint the proofs lead to
 * @param orderId the order whose entries these are
 * @param inclusions the order's entries, by ascending sequence, each with its proof; an immutable
 *     copy of 1 to {@value #MAX_ENTRIES}
 */
public record ConsentWitness(
    SignedCheckpoint checkpoint, OrderId orderId, List<Inclusion> inclusions) {
  /** The most entries one witness holds. */
  public static final int MAX_ENTRIES = 100;

  /** The first line of the text form. */
  public static final String BEGIN = "-----BEGIN TINYCHECKOUT CONSENT WITNESS-----";

  /** The last line of the text form. */
  public static final String END = "-----END TINYCHECKOUT CONSENT WITNESS-----";

  /** The format tag on the {@code format:} line of the text form. */
  public static final String FORMAT = "tinycheckout-consent-witness-v1";

  /** The longest text {@link #parse} reads, in characters. */
  public static final int MAX_TEXT_LENGTH = 1_000_000;

  private static final int CHECKPOINT_LINES = 5;

  /**
   * One entry of the order and its proof of inclusion in the checkpoint's tree. Immutable.
   *
   * @param entry the entry with all its fields, as the trail stores it
   * @param proof its inclusion proof, for leaf index {@code entry.sequence() - 1}
   */
  public record Inclusion(ConsentEntry entry, InclusionProof proof) {
    /**
     * Checks that the proof is for the entry's position.
     *
     * @param entry the entry
     * @param proof its inclusion proof
     * @throws ConsentProofException with reason {@link Reason#WRONG_SIZE} if the proof's leaf index
     *     is not the entry's sequence number minus 1
     */
    public Inclusion {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(proof, "proof");
      if (proof.leafIndex() != entry.sequence() - 1) {
        throw new ConsentProofException(
            Reason.WRONG_SIZE,
            "the proof is for leaf "
                + proof.leafIndex()
                + ", but entry "
                + entry.sequence()
                + " is leaf "
                + (entry.sequence() - 1));
      }
    }
  }

  /**
   * Checks that the parts belong together; the signature and the proofs are checked by {@link
   * #verify}.
   *
   * @param checkpoint the signed checkpoint
   * @param orderId the order
   * @param inclusions the order's entries with their proofs
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if there is no entry or more
   *     than {@value #MAX_ENTRIES}, an entry is of another order, or the entries are not in
   *     strictly ascending sequence order; {@link Reason#WRONG_SIZE} if a proof is for another tree
   *     size than the checkpoint's
   */
  public ConsentWitness {
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(inclusions, "inclusions");
    if (inclusions.isEmpty() || inclusions.size() > MAX_ENTRIES) {
      throw Notes.malformed(
          "a witness holds 1 to " + MAX_ENTRIES + " entries, not " + inclusions.size());
    }
    long treeSize = checkpoint.checkpoint().treeSize();
    long previous = 0;
    for (Inclusion inclusion : inclusions) {
      Objects.requireNonNull(inclusion, "inclusion");
      ConsentEntry entry = inclusion.entry();
      if (!entry.orderId().equals(orderId)) {
        throw Notes.malformed("entry " + entry.sequence() + " is of another order");
      }
      if (entry.sequence() <= previous) {
        throw Notes.malformed(
            "the entries must be in ascending sequence order without repeats, but "
                + entry.sequence()
                + " follows "
                + previous);
      }
      previous = entry.sequence();
      if (inclusion.proof().treeSize() != treeSize) {
        throw new ConsentProofException(
            Reason.WRONG_SIZE,
            "the proof of entry "
                + entry.sequence()
                + " is for a tree of size "
                + inclusion.proof().treeSize()
                + ", but the checkpoint is of size "
                + treeSize);
      }
    }
    inclusions = List.copyOf(inclusions);
  }

  /**
   * Checks the witness with the shop's verifier key: the checkpoint's signature, that each entry's
   * fields hash to its chain hash, and that each proof leads from that hash to the signed root.
   * Treats the witness as hostile and accepts nothing by default.
   *
   * @param verifier a verifier of the shop's published key
   * @return the verified checkpoint, to compare with other checkpoints of the shop (equal sizes
   *     must have equal roots; a larger one must be consistent with it)
   * @throws ConsentProofException with reason {@link Reason#UNKNOWN_KEY} or {@link
   *     Reason#BAD_SIGNATURE} if the checkpoint is not signed by the verifier's key, or {@link
   *     Reason#INCLUSION_FAILED} if an entry's fields do not hash to its hash or its proof does not
   *     lead to the checkpoint's root
   */
  public Checkpoint verify(CheckpointVerifier verifier) {
    Objects.requireNonNull(verifier, "verifier");
    Checkpoint verified = verifier.verify(checkpoint);
    for (Inclusion inclusion : inclusions) {
      ConsentEntry entry = inclusion.entry();
      if (!entry.isIntact()) {
        throw new ConsentProofException(
            Reason.INCLUSION_FAILED,
            "the fields of entry "
                + entry.sequence()
                + " do not hash to its hash "
                + entry.hash()
                + ": the entry was changed after it was recorded");
      }
      inclusion.proof().verify(entry.hash(), verified.rootHash());
    }
    return verified;
  }

  /**
   * The text form, described <a href="#text">above</a>: a block from {@link #BEGIN} to {@link
   * #END}, each line ending in {@code \n}.
   *
   * @return the text
   */
  public String text() {
    StringBuilder text = new StringBuilder(1024 + 1024 * inclusions.size());
    text.append(BEGIN).append('\n');
    text.append("format: ").append(FORMAT).append('\n');
    text.append("order: ").append(orderId).append('\n');
    text.append("checkpoint:\n").append(checkpoint.text());
    for (Inclusion inclusion : inclusions) {
      ConsentEntry e = inclusion.entry();
      line(text, "entry", Long.toString(e.sequence()));
      line(text, "action", e.action().name());
      line(text, "purpose", e.purpose().name());
      line(text, "terms-version", e.termsVersion());
      line(text, "terms-hash", e.termsHash().hex());
      line(text, "channel", e.channel());
      line(text, "recorded-at", e.recordedAt().toString());
      line(text, "subject", e.subjectId().value());
      line(text, "sealed", e.sealedPersonalData().isEmpty() ? "-" : e.sealedPersonalData());
      line(text, "previous-hash", e.previousHash().hex());
      line(text, "hash", e.hash().hex());
      for (ConsentHash hash : inclusion.proof().path()) {
        line(text, "proof", hash.hex());
      }
    }
    return text.append(END).append('\n').toString();
  }

  private static void line(StringBuilder text, String key, String value) {
    text.append(key).append(": ").append(value).append('\n');
  }

  /**
   * Reads a witness out of a text, such as a whole email: the one block from a line {@link #BEGIN}
   * to the next line {@link #END}, in exactly the <a href="#text">text form</a>; lines may end in
   * {@code \n} or {@code \r\n}, and whatever is outside the block is ignored. Checks the form only:
   * call {@link #verify} before believing it.
   *
   * @param text the text, at most {@value #MAX_TEXT_LENGTH} characters
   * @return the witness
   * @throws ConsentProofException with reason {@link Reason#MALFORMED} if the text has no block,
   *     more than one, or one not exactly in the text form, or {@link Reason#WRONG_SIZE} if a proof
   *     does not have the shape its entry and the checkpoint's size require. Its message repeats
   *     nothing of the text but line numbers within the block and field names.
   */
  public static ConsentWitness parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() > MAX_TEXT_LENGTH) {
      throw Notes.malformed(
          "a text with a witness has at most "
              + MAX_TEXT_LENGTH
              + " characters; this one is longer");
    }
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    int begin = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals(BEGIN)) {
        if (begin >= 0) {
          throw Notes.malformed("the text holds more than one witness; give one at a time");
        }
        begin = i;
      }
    }
    if (begin < 0) {
      throw Notes.malformed("the text holds no witness: no line " + BEGIN);
    }
    int end = -1;
    for (int i = begin + 1; i < lines.length && end < 0; i++) {
      if (lines[i].equals(END)) {
        end = i;
      }
    }
    if (end < 0) {
      throw Notes.malformed("the witness does not end: no line " + END + " after its first line");
    }
    return new Reader(lines, begin + 1, end).witness();
  }

  /** Returns the order, the number of entries and the checkpoint, on one line. */
  @Override
  public String toString() {
    return "ConsentWitness[order "
        + orderId
        + ", "
        + inclusions.size()
        + (inclusions.size() == 1 ? " entry, " : " entries, ")
        + checkpoint
        + "]";
  }

  /** Reads the lines of one block; one per {@link #parse}. */
  private static final class Reader {
    private final String[] lines;
    private final int first;
    private final int end;
    private int next;

    Reader(String[] lines, int first, int end) {
      this.lines = lines;
      this.first = first;
      this.end = end;
      this.next = first;
      for (int i = first; i < end; i++) {
        String line = lines[i];
        for (int j = 0; j < line.length(); j++) {
          char c = line.charAt(j);
          if ((c < 0x20 || c > 0x7e) && c != Notes.EM_DASH) {
            throw malformed(
                i, String.format("character U+%04X is not allowed in a witness", (int) c));
          }
        }
      }
    }

    ConsentWitness witness() {
      exact("format: " + FORMAT, "the format line '" + "format: " + FORMAT + "'");
      OrderId orderId = orderId(value("order"));
      exact("checkpoint:", "the line 'checkpoint:'");
      if (end - next < CHECKPOINT_LINES) {
        throw malformed(next, "the signed checkpoint is five lines");
      }
      StringBuilder note = new StringBuilder();
      for (int i = 0; i < CHECKPOINT_LINES; i++) {
        note.append(lines[next++]).append('\n');
      }
      SignedCheckpoint checkpoint = SignedCheckpoint.parse(note.toString());
      long treeSize = checkpoint.checkpoint().treeSize();
      List<Inclusion> inclusions = new ArrayList<>();
      while (next < end) {
        if (inclusions.size() == MAX_ENTRIES) {
          throw malformed(next, "a witness holds at most " + MAX_ENTRIES + " entries");
        }
        inclusions.add(inclusion(orderId, treeSize));
      }
      if (inclusions.isEmpty()) {
        throw malformed(next, "a witness holds at least one entry");
      }
      return new ConsentWitness(checkpoint, orderId, inclusions);
    }

    private Inclusion inclusion(OrderId orderId, long treeSize) {
      int at = next;
      long sequence = sequence(value("entry"));
      ConsentAction action = constant(ConsentAction.class, "action");
      ConsentPurpose purpose = constant(ConsentPurpose.class, "purpose");
      String termsVersion = value("terms-version");
      ConsentHash termsHash = hash("terms-hash");
      String channel = value("channel");
      Instant recordedAt = instant(value("recorded-at"));
      String subject = value("subject");
      String sealed = value("sealed");
      ConsentHash previousHash = hash("previous-hash");
      ConsentHash hash = hash("hash");
      List<ConsentHash> path = new ArrayList<>();
      while (next < end && lines[next].startsWith("proof:")) {
        if (path.size() == Long.SIZE) {
          throw malformed(next, "an inclusion proof has at most " + Long.SIZE + " hashes");
        }
        path.add(hash("proof"));
      }
      ConsentEntry entry;
      try {
        entry =
            new ConsentEntry(
                sequence,
                SubjectId.of(subject),
                action,
                purpose,
                termsVersion,
                termsHash,
                channel,
                orderId,
                recordedAt,
                "-".equals(sealed) ? "" : sealed,
                previousHash,
                hash);
      } catch (ValidationException e) {
        throw malformed(at, "entry " + sequence + " has an invalid " + e.field());
      }
      return new Inclusion(entry, new InclusionProof(sequence - 1, treeSize, path));
    }

    private void exact(String expected, String what) {
      if (next >= end || !lines[next].equals(expected)) {
        throw malformed(next, "expected " + what);
      }
      next++;
    }

    private String value(String key) {
      String prefix = key + ": ";
      if (next >= end || !lines[next].startsWith(prefix)) {
        throw malformed(next, "expected the line '" + prefix + "...'");
      }
      String value = lines[next].substring(prefix.length());
      if (value.isEmpty()) {
        throw malformed(next, "the " + key + " is empty");
      }
      next++;
      return value;
    }

    private OrderId orderId(String value) {
      try {
        OrderId id = OrderId.parse(value);
        if (id.toString().equals(value)) {
          return id;
        }
      } catch (ValidationException e) {
        // refused below
      }
      throw malformed(first + 1, "the order is not a UUID in canonical lower-case form");
    }

    private long sequence(String value) {
      if (value.length() > 19
          || !value.chars().allMatch(c -> c >= '0' && c <= '9')
          || value.charAt(0) == '0') {
        throw malformed(next - 1, "the entry number must be 1 to 19 digits without leading zero");
      }
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw malformed(next - 1, "the entry number is too large");
      }
    }

    private <E extends Enum<E>> E constant(Class<E> type, String key) {
      String value = value(key);
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(value)) {
          return constant;
        }
      }
      throw malformed(
          next - 1, "the " + key + " is not one of " + List.of(type.getEnumConstants()));
    }

    private ConsentHash hash(String key) {
      String value = value(key);
      if (value.length() != 2 * ConsentHash.LENGTH
          || !value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw malformed(next - 1, "the " + key + " must be 64 lower-case hex digits");
      }
      return ConsentHash.fromHex(value);
    }

    private Instant instant(String value) {
      try {
        Instant instant = Instant.parse(value);
        if (instant.toString().equals(value)) {
          return instant;
        }
      } catch (DateTimeParseException e) {
        // refused below
      }
      throw malformed(
          next - 1,
          "the recorded-at time must be an ISO-8601 instant in UTC as Java writes it, such as"
              + " 2026-11-25T10:15:30.123456Z");
    }

    private ConsentProofException malformed(int line, String detail) {
      return Notes.malformed("line " + (line - first + 2) + " of the witness: " + detail);
    }
  }
}

package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.consent.ChainBreak;
import dev.tinycheckout.consent.ChainBreak.Reason;
import dev.tinycheckout.consent.ConsentAction;
import dev.tinycheckout.consent.ConsentAudit;
import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentEvidence;
import dev.tinycheckout.consent.ConsentHash;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.consent.ConsentPurpose;
import dev.tinycheckout.consent.ConsentVerification;
import dev.tinycheckout.consent.SubjectId;
import dev.tinycheckout.consent.SubjectRecord;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.CheckoutStorage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tamper suite of the consent audit trail: someone with write access to the database edits,
 * deletes, swaps, renumbers, truncates and forges stored entries behind the library's back, and
 * {@link ConsentAudit#verify()} (or {@link ConsentAudit#verify(ConsentHead)} with a checkpoint kept
 * elsewhere) must name the entry and the {@link Reason}. It checks the store's part of that: that
 * it hands out exactly what is stored, however inconsistent, so the verifier sees the tampering.
 *
 * <p>To run it against an adapter, extend it, return a fresh, empty storage from {@link
 * #newStorage()} and a {@link Tamperer} that writes to the storage's tables directly from {@link
 * #tamperer}, usually by extending {@link RowTamperer}:
 *
 * <pre>
 * class JdbcConsentTamperContractTest extends ConsentTamperContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 *
 *   &#64;Override
 *   protected Tamperer tamperer(CheckoutStorage storage) {
 *     return new SqlRowTamperer(databaseOf(storage)); // raw SQL, triggers disabled
 *   }
 * }
 * </pre>
 *
 * <p>Each test appends a trail of {@value #ENTRIES} entries through {@link ConsentAudit} (several
 * customers, every purpose, grants and withdrawals, names, one customer erased), tampers with it
 * once, and checks the verdict.
 */
public abstract class ConsentTamperContract {
  /** How many entries each test's trail has. */
  protected static final int ENTRIES = 12;

  private static final byte[] SECRET =
      "tinycheckout testkit subject secret".getBytes(StandardCharsets.UTF_8);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  @SuppressWarnings("NullAway.Init") // set before each test
  private ConsentAudit audit;

  @SuppressWarnings("NullAway.Init") // set before each test
  private Tamperer tamperer;

  @SuppressWarnings("NullAway.Init") // set before each test
  private List<ConsentEntry> trail;

  private @Nullable PropertyWorld world;

  /** For subclasses. */
  protected ConsentTamperContract() {}

  /**
   * Creates the storage under test. Called before every test and once per property; it must return
   * a storage that holds nothing and that no other test uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  /**
   * A tamperer that changes the stored consent rows of {@code storage} directly, bypassing its
   * {@link dev.tinycheckout.consent.ConsentLog} (and any trigger that protects the rows).
   *
   * @param storage a storage from {@link #newStorage()}
   * @return its tamperer
   */
  protected abstract Tamperer tamperer(CheckoutStorage storage);

  // ---- the tamperer SPI -------------------------------------------------------------------------

  /** A column of a stored consent entry, with its text form for {@link Tamperer#editField}. */
  public enum Field {
    /** {@link ConsentEntry#subjectId()}: 64 lower-case hex digits. */
    SUBJECT_ID,
    /** {@link ConsentEntry#action()}: the constant's name. */
    ACTION,
    /** {@link ConsentEntry#purpose()}: the constant's name. */
    PURPOSE,
    /** {@link ConsentEntry#termsVersion()}: as is. */
    TERMS_VERSION,
    /** {@link ConsentEntry#termsHash()}: 64 lower-case hex digits. */
    TERMS_HASH,
    /** {@link ConsentEntry#channel()}: as is. */
    CHANNEL,
    /** {@link ConsentEntry#orderId()}: the UUID text. */
    ORDER_ID,
    /** {@link ConsentEntry#recordedAt()}: ISO-8601, as {@link Instant#toString()} writes it. */
    RECORDED_AT,
    /** {@link ConsentEntry#sealedPersonalData()}: as is (base64). */
    SEALED_PERSONAL_DATA,
    /** {@link ConsentEntry#previousHash()}: 64 lower-case hex digits. */
    PREVIOUS_HASH,
    /** {@link ConsentEntry#hash()}: 64 lower-case hex digits. */
    HASH;

    /**
     * This field of an entry in its text form.
     *
     * @param entry the entry
     * @return the text form
     */
    public String textOf(ConsentEntry entry) {
      return switch (this) {
        case SUBJECT_ID -> entry.subjectId().value();
        case ACTION -> entry.action().name();
        case PURPOSE -> entry.purpose().name();
        case TERMS_VERSION -> entry.termsVersion();
        case TERMS_HASH -> entry.termsHash().hex();
        case CHANNEL -> entry.channel();
        case ORDER_ID -> entry.orderId().toString();
        case RECORDED_AT -> entry.recordedAt().toString();
        case SEALED_PERSONAL_DATA -> entry.sealedPersonalData();
        case PREVIOUS_HASH -> entry.previousHash().hex();
        case HASH -> entry.hash().hex();
      };
    }

    /**
     * The entry with this field set from its text form and everything else, the hash included,
     * unchanged.
     *
     * @param entry the entry
     * @param text the new value's text form
     * @return the changed entry
     * @throws dev.tinycheckout.ValidationException if the text is not a valid value of the field
     */
    public ConsentEntry set(ConsentEntry entry, String text) {
      Objects.requireNonNull(text, "text");
      ConsentEntry e = entry;
      return new ConsentEntry(
          e.sequence(),
          this == SUBJECT_ID ? SubjectId.of(text) : e.subjectId(),
          this == ACTION ? ConsentAction.valueOf(text) : e.action(),
          this == PURPOSE ? ConsentPurpose.valueOf(text) : e.purpose(),
          this == TERMS_VERSION ? text : e.termsVersion(),
          this == TERMS_HASH ? ConsentHash.fromHex(text) : e.termsHash(),
          this == CHANNEL ? text : e.channel(),
          this == ORDER_ID ? OrderId.parse(text) : e.orderId(),
          this == RECORDED_AT ? Instant.parse(text) : e.recordedAt(),
          this == SEALED_PERSONAL_DATA ? text : e.sealedPersonalData(),
          this == PREVIOUS_HASH ? ConsentHash.fromHex(text) : e.previousHash(),
          this == HASH ? ConsentHash.fromHex(text) : e.hash());
    }
  }

  /**
   * Raw write access to a storage's consent rows, as an attacker with database access has it. Each
   * operation acts at once, outside any unit of work, and never checks or fixes hashes. A store's
   * implementation typically runs SQL with the append-only protection switched off.
   */
  public interface Tamperer {
    /**
     * Changes one column of one stored entry.
     *
     * @param sequence the entry's sequence number
     * @param field the column
     * @param newValue the new value in the field's text form (see {@link Field})
     */
    void editField(long sequence, Field field, String newValue);

    /**
     * Deletes one stored entry; the head row stays.
     *
     * @param sequence the entry's sequence number
     */
    void delete(long sequence);

    /**
     * Makes two entries trade places: the entry stored as {@code a} is stored as {@code b} and vice
     * versa, each keeping all its other fields (hashes included).
     *
     * @param a one sequence number
     * @param b another
     */
    void swap(long a, long b);

    /**
     * Deletes every entry after {@code toSequence} and sets the head row to the entry at {@code
     * toSequence} (the empty head for 0), as someone covering their tracks would, so that appends
     * continue from there.
     *
     * @param toSequence the last entry to keep, 0 or more
     */
    void truncate(long toSequence);

    /**
     * Renumbers one entry: the entry stored as {@code from} is stored as {@code to}, which is not
     * in use, and keeps all its other fields (hashes included).
     *
     * @param from its sequence number
     * @param to a sequence number not in use
     */
    void forgeSequence(long from, long to);

    /**
     * Inserts an entry as given, at its sequence number, which is not in use; the head row stays.
     *
     * @param entry the forged entry
     */
    void insertForged(ConsentEntry entry);
  }

  /**
   * A {@link Tamperer} built from four raw row operations, for stores where rows are easier to
   * rewrite whole than column by column.
   */
  public abstract static class RowTamperer implements Tamperer {
    /** For subclasses. */
    protected RowTamperer() {}

    /**
     * Every stored row by ascending sequence, exactly as stored.
     *
     * @return the rows
     */
    protected abstract List<ConsentEntry> rows();

    /**
     * Stores a row at its sequence number: inserts it, or overwrites every column of the row there.
     *
     * @param row the row
     */
    protected abstract void write(ConsentEntry row);

    /**
     * Deletes the row at a sequence number.
     *
     * @param sequence the row's sequence
     */
    protected abstract void remove(long sequence);

    /**
     * Overwrites the head row that the next append chains onto.
     *
     * @param head the new head
     */
    protected abstract void writeHead(ConsentHead head);

    private Optional<ConsentEntry> find(long sequence) {
      return rows().stream().filter(r -> r.sequence() == sequence).findFirst();
    }

    private ConsentEntry row(long sequence) {
      return find(sequence)
          .orElseThrow(() -> new IllegalArgumentException("no consent row " + sequence));
    }

    private void requireFree(long sequence) {
      if (find(sequence).isPresent()) {
        throw new IllegalArgumentException("consent row " + sequence + " is in use");
      }
    }

    @Override
    public void editField(long sequence, Field field, String newValue) {
      write(field.set(row(sequence), newValue));
    }

    @Override
    public void delete(long sequence) {
      row(sequence);
      remove(sequence);
    }

    @Override
    public void swap(long a, long b) {
      ConsentEntry ra = row(a);
      ConsentEntry rb = row(b);
      write(relabel(rb, a));
      write(relabel(ra, b));
    }

    @Override
    public void truncate(long toSequence) {
      for (ConsentEntry r : rows()) {
        if (r.sequence() > toSequence) {
          remove(r.sequence());
        }
      }
      writeHead(toSequence == 0 ? ConsentHead.EMPTY : row(toSequence).asHead());
    }

    @Override
    public void forgeSequence(long from, long to) {
      requireFree(to);
      ConsentEntry r = row(from);
      remove(from);
      write(relabel(r, to));
    }

    @Override
    public void insertForged(ConsentEntry entry) {
      requireFree(entry.sequence());
      write(entry);
    }
  }

  /**
   * The same entry under another sequence number, every other field (the hashes too) unchanged.
   *
   * @param e the entry
   * @param sequence the new number
   * @return the renumbered entry
   */
  protected static ConsentEntry relabel(ConsentEntry e, long sequence) {
    return new ConsentEntry(
        sequence,
        e.subjectId(),
        e.action(),
        e.purpose(),
        e.termsVersion(),
        e.termsHash(),
        e.channel(),
        e.orderId(),
        e.recordedAt(),
        e.sealedPersonalData(),
        e.previousHash(),
        e.hash());
  }

  // ---- the trail under test ---------------------------------------------------------------------

  private static ConsentAudit auditOf(CheckoutStorage storage) {
    return ConsentAudit.builder(storage)
        .subjectSecret(SECRET)
        .clock(TestClock.at(T0))
        .pageSize(5)
        .build();
  }

  private static Email customer(int n) {
    return Email.of("customer-" + n + "@example.org");
  }

  /** Appends {@value #ENTRIES} entries of four customers and erases the third one. */
  private static List<ConsentEntry> populate(CheckoutStorage storage, ConsentAudit audit) {
    List<ConsentEntry> entries = new ArrayList<>();
    ConsentPurpose[] purposes = ConsentPurpose.values();
    for (int i = 1; i <= ENTRIES; i++) {
      int n = i;
      ConsentEvidence evidence =
          new ConsentEvidence(
              customer(n % 4),
              n % 5 == 0 ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED,
              purposes[n % purposes.length],
              "2026-11-0" + (1 + n % 3),
              ConsentHash.sha256(("terms text " + n % 3).getBytes(StandardCharsets.UTF_8)),
              n % 5 == 0 ? ConsentEvidence.CHANNEL_WITHDRAWAL_FUNCTION : "checkout",
              Kit.orderId(n % 6),
              T0.plusSeconds(60L * n).plusNanos(1000L * n),
              n % 5 == 0 ? Optional.of("Customer Nº " + n) : Optional.empty());
      entries.add(storage.inTransaction(tx -> audit.append(tx, evidence)));
    }
    audit.erase(customer(2));
    return List.copyOf(entries);
  }

  @BeforeEach
  final void appendATrailForTheTamperContract() {
    storage = newStorage();
    audit = auditOf(storage);
    tamperer = tamperer(storage);
    trail = populate(storage, audit);
  }

  private ConsentEntry at(long sequence) {
    return trail.get((int) sequence - 1);
  }

  private ConsentHead trustedHead() {
    return at(ENTRIES).asHead();
  }

  private static void assertBreak(ConsentVerification v, long sequence, Reason reason) {
    assertThat(v.valid()).as("valid").isFalse();
    ChainBreak b = v.firstBreak().orElseThrow();
    assertThat(b.reason()).as("reason of %s", b).isEqualTo(reason);
    assertThat(b.sequence()).as("entry named by %s", b).isEqualTo(sequence);
    assertThat(b.detail()).contains(Long.toString(sequence));
  }

  // ---- untouched ----------------------------------------------------------------------------

  @Test
  void anUntouchedTrailVerifiesAgainstTheStoresHeadAndAnExportedOne() {
    ConsentVerification v = audit.verify();

    assertThat(v.firstBreak()).isEmpty();
    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(ENTRIES);
    assertThat(v.head()).isEqualTo(trustedHead());
    assertThat(audit.head()).isEqualTo(trustedHead());
    assertThat(audit.verify(ConsentHead.parse(trustedHead().toText())).valid()).isTrue();
    assertThat(audit.verify(at(5).asHead()).valid()).isTrue();
  }

  @Test
  void anErasedCustomersEntriesStillVerifyButTheirPersonalDataIsGone() {
    List<SubjectRecord> erased = audit.export(customer(2));
    List<SubjectRecord> kept = audit.export(customer(1));

    assertThat(erased).isNotEmpty().allMatch(SubjectRecord::erased);
    assertThat(kept).isNotEmpty().noneMatch(SubjectRecord::erased);
    assertThat(kept).allSatisfy(r -> assertThat(r.email()).contains(customer(1)));
    assertThat(audit.verify().valid()).isTrue();
  }

  // ---- edited ---------------------------------------------------------------------------------

  @Test
  void changingAnyFieldOfAnEntryIsCaughtAsEditedAtThatEntry() {
    for (Field field : Field.values()) {
      tamperer.editField(5, field, otherValue(field, at(5)));

      assertBreak(audit.verify(), 5, Reason.EDITED);

      tamperer.editField(5, field, field.textOf(at(5)));
      assertThat(audit.verify().valid()).as("restored after %s", field).isTrue();
    }
  }

  @Test
  void changingTheFirstOrTheLastEntryIsCaughtAsEditedThere() {
    tamperer.editField(ENTRIES, Field.CHANNEL, "web");
    assertBreak(audit.verify(), ENTRIES, Reason.EDITED);

    tamperer.editField(1, Field.ACTION, ConsentAction.WITHDRAWN.name());
    assertBreak(audit.verify(), 1, Reason.EDITED);
  }

  @Test
  void anEditWhoseHashWasRecomputedBreaksTheLinkOfTheNextEntry() {
    String purpose = otherValue(Field.PURPOSE, at(5));
    ConsentEntry edited = Field.PURPOSE.set(at(5), purpose);
    tamperer.editField(5, Field.PURPOSE, purpose);
    tamperer.editField(5, Field.HASH, edited.computeHash().hex());

    assertBreak(audit.verify(), 6, Reason.BROKEN_LINK);
  }

  @Test
  void aRecomputedLastEntryIsCaughtAgainstTheStoresHeadAndAnExportedOne() {
    String purpose = otherValue(Field.PURPOSE, at(ENTRIES));
    ConsentEntry edited = Field.PURPOSE.set(at(ENTRIES), purpose);
    tamperer.editField(ENTRIES, Field.PURPOSE, purpose);
    tamperer.editField(ENTRIES, Field.HASH, edited.computeHash().hex());

    assertBreak(audit.verify(), ENTRIES, Reason.REWRITTEN);
    assertBreak(audit.verify(trustedHead()), ENTRIES, Reason.REWRITTEN);
  }

  // ---- missing --------------------------------------------------------------------------------

  @Test
  void aDeletedEntryIsCaughtAsMissing() {
    tamperer.delete(7);

    assertBreak(audit.verify(), 7, Reason.MISSING);
  }

  @Test
  void aDeletedFirstEntryIsCaughtAsMissing() {
    tamperer.delete(1);

    assertBreak(audit.verify(), 1, Reason.MISSING);
  }

  @Test
  void aDeletedLastEntryIsCaughtAgainstTheStoresHead() {
    tamperer.delete(ENTRIES);

    assertBreak(audit.verify(), ENTRIES, Reason.TRUNCATED);
  }

  // ---- out of order ---------------------------------------------------------------------------

  @Test
  void twoEntriesThatTradedPlacesAreCaughtAsOutOfOrder() {
    tamperer.swap(4, 9);

    assertBreak(audit.verify(), 4, Reason.OUT_OF_ORDER);
    assertThat(audit.verify().firstBreak().orElseThrow().detail()).contains("9");
  }

  @Test
  void neighboursThatTradedPlacesAreCaughtAsOutOfOrder() {
    tamperer.swap(6, 7);

    assertBreak(audit.verify(), 6, Reason.OUT_OF_ORDER);
  }

  // ---- forged sequence ------------------------------------------------------------------------

  @Test
  void anEntryRenumberedPastTheEndIsCaughtAsAForgedSequence() {
    tamperer.forgeSequence(5, 40);

    assertBreak(audit.verify(), 5, Reason.FORGED_SEQUENCE);
    assertThat(audit.verify().firstBreak().orElseThrow().detail()).contains("40");
  }

  @Test
  void theLastEntryRenumberedIsCaughtAsAForgedSequence() {
    tamperer.forgeSequence(ENTRIES, ENTRIES + 1);

    assertBreak(audit.verify(), ENTRIES, Reason.FORGED_SEQUENCE);
  }

  @Test
  void aForgedEntryWithAWrongHashIsCaughtAsEdited() {
    ConsentEntry forged = forgedAfterTheEnd(at(ENTRIES).hash());
    tamperer.insertForged(Field.HASH.set(forged, ConsentHash.sha256(new byte[] {1}).hex()));

    assertBreak(audit.verify(), ENTRIES + 1, Reason.EDITED);
  }

  @Test
  void aForgedEntryLinkedToTheWrongEntryIsCaughtAsABrokenLink() {
    tamperer.insertForged(forgedAfterTheEnd(at(3).hash()));

    assertBreak(audit.verify(), ENTRIES + 1, Reason.BROKEN_LINK);
  }

  /**
   * The limit of a plain chain, stated so that nobody relies on more: an entry appended after the
   * last checkpoint by someone who computes its hash and link correctly verifies. Checkpoints kept
   * outside the database, and signed ones, bound what such a forger can do.
   */
  @Test
  void aWellFormedForgedEntryAfterTheEndIsNotCaughtByAPlainChain() {
    tamperer.insertForged(forgedAfterTheEnd(at(ENTRIES).hash()));

    ConsentVerification v = audit.verify(trustedHead());
    assertThat(v.valid()).isTrue();
    assertThat(v.entries()).isEqualTo(ENTRIES + 1);
  }

  private ConsentEntry forgedAfterTheEnd(ConsentHash previous) {
    ConsentEntry model = at(2);
    return ConsentEntry.chain(
        Field.ACTION.set(model, ConsentAction.GRANTED.name()).draft(), ENTRIES + 1, previous);
  }

  // ---- truncated and rewritten ----------------------------------------------------------------

  @Test
  void aTailRemovedTogetherWithTheHeadIsCaughtOnlyAgainstAnExportedHead() {
    ConsentHead exported = trustedHead();
    tamperer.truncate(8);

    assertThat(audit.verify().valid()).as("against the store's own, reset head").isTrue();
    assertBreak(audit.verify(exported), 9, Reason.TRUNCATED);
  }

  @Test
  void aTrailTruncatedToNothingIsCaughtAgainstAnExportedHead() {
    ConsentHead exported = trustedHead();
    tamperer.truncate(0);

    assertThat(audit.verify().valid()).isTrue();
    assertBreak(audit.verify(exported), 1, Reason.TRUNCATED);
  }

  @Test
  void aTailReplacedByNewAppendsIsCaughtAsRewrittenAgainstAnExportedHead() {
    ConsentHead exported = trustedHead();
    tamperer.truncate(8);
    for (int i = 0; i < 4; i++) {
      ConsentEvidence evidence =
          ConsentEvidence.of(
              customer(9),
              ConsentAction.GRANTED,
              ConsentPurpose.MARKETING,
              "2026-11-01",
              ConsentHash.ZERO,
              "checkout",
              Kit.orderId(9),
              T0.plus(1, ChronoUnit.DAYS));
      storage.inTransaction(tx -> audit.append(tx, evidence));
    }

    assertThat(audit.verify().valid()).as("the new tail chains onto the reset head").isTrue();
    assertBreak(audit.verify(exported), ENTRIES, Reason.REWRITTEN);
  }

  /** A different, valid value for a field of an entry, in the field's text form. */
  private static String otherValue(Field field, ConsentEntry e) {
    return switch (field) {
      case SUBJECT_ID, TERMS_HASH, PREVIOUS_HASH, HASH -> otherHex(field.textOf(e), 0);
      case ACTION ->
          (e.action() == ConsentAction.GRANTED ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED)
              .name();
      case PURPOSE ->
          (e.purpose() == ConsentPurpose.MARKETING
                  ? ConsentPurpose.TERMS_OF_SALE
                  : ConsentPurpose.MARKETING)
              .name();
      case TERMS_VERSION -> e.termsVersion().equals("x") ? "y" : "x";
      case CHANNEL -> e.channel().equals("web") ? "api" : "web";
      case ORDER_ID ->
          (e.orderId().equals(Kit.orderId(77)) ? Kit.orderId(78) : Kit.orderId(77)).toString();
      case RECORDED_AT -> e.recordedAt().plus(1, ChronoUnit.MICROS).toString();
      case SEALED_PERSONAL_DATA ->
          (e.sealedPersonalData().startsWith("A") ? "B" : "A")
              + e.sealedPersonalData().substring(1);
    };
  }

  private static final String HEX = "0123456789abcdef";

  private static String otherHex(String hex, int position) {
    char c = hex.charAt(position);
    char other = HEX.charAt((HEX.indexOf(c) + 1) % 16);
    return hex.substring(0, position) + other + hex.substring(position + 1);
  }

  // ---- properties -----------------------------------------------------------------------------

  /** One storage per property, appended to by every try. */
  private static final class PropertyWorld {
    final CheckoutStorage storage;
    final ConsentAudit audit;
    final Tamperer tamperer;
    final List<ConsentEntry> trail;
    long appended;
    int round;

    PropertyWorld(ConsentTamperContract kit, boolean populated) {
      this.storage = kit.newStorage();
      this.audit = auditOf(storage);
      this.tamperer = kit.tamperer(storage);
      this.trail = populated ? populate(storage, audit) : List.of();
      this.appended = trail.size();
    }
  }

  private PropertyWorld world(boolean populated) {
    PropertyWorld w = world;
    if (w == null) {
      w = new PropertyWorld(this, populated);
      world = w;
    }
    return w;
  }

  /** What one step of a random history does to one of four customers. */
  record Step(int customer, int kind) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 9))
            .as(Step::new);
    return step.list().ofMaxSize(15);
  }

  /**
   * The law of a healthy trail: whatever mix of grants (of any purpose), withdrawals (with or
   * without a name) and erasures is recorded, the trail verifies, it holds exactly the entries
   * appended, and each customer's export opens the entries made since their last erasure and marks
   * the earlier ones erased.
   *
   * @param history the steps: kinds 0-5 grant a purpose, 6-8 withdraw, 9 erases
   */
  @Property(tries = 40)
  void randomGrantsWithdrawalsAndErasuresAlwaysVerify(@ForAll("histories") List<Step> history) {
    PropertyWorld w = world(false);
    int round = ++w.round;
    Map<Integer, List<Boolean>> expectedErased = new HashMap<>();
    ConsentPurpose[] purposes = ConsentPurpose.values();
    for (Step s : history) {
      Email email = Email.of("round-" + round + "-customer-" + s.customer() + "@example.org");
      List<Boolean> erasedFlags =
          expectedErased.computeIfAbsent(s.customer(), c -> new ArrayList<>());
      if (s.kind() == 9) {
        w.audit.erase(email);
        erasedFlags.replaceAll(flag -> Boolean.TRUE);
        continue;
      }
      boolean withdrawal = s.kind() >= 6;
      ConsentEvidence evidence =
          new ConsentEvidence(
              email,
              withdrawal ? ConsentAction.WITHDRAWN : ConsentAction.GRANTED,
              withdrawal ? ConsentPurpose.TERMS_OF_SALE : purposes[s.kind() % purposes.length],
              "2026-11-01",
              ConsentHash.ZERO,
              withdrawal ? ConsentEvidence.CHANNEL_WITHDRAWAL_FUNCTION : "checkout",
              Kit.orderId(round * 100L + s.customer()),
              T0.plusSeconds(w.appended),
              s.kind() == 8 ? Optional.of("Name " + s.customer()) : Optional.empty());
      w.storage.inTransaction(tx -> w.audit.append(tx, evidence));
      w.appended++;
      erasedFlags.add(Boolean.FALSE);
    }

    ConsentVerification v = w.audit.verify();
    assertThat(v.firstBreak()).isEmpty();
    assertThat(v.entries()).isEqualTo(w.appended);
    for (Map.Entry<Integer, List<Boolean>> c : expectedErased.entrySet()) {
      Email email = Email.of("round-" + round + "-customer-" + c.getKey() + "@example.org");
      List<SubjectRecord> records = w.audit.export(email);
      assertThat(records).extracting(SubjectRecord::erased).containsExactlyElementsOf(c.getValue());
      assertThat(records)
          .filteredOn(r -> !r.erased())
          .allSatisfy(r -> assertThat(r.email()).contains(email));
    }
  }

  /**
   * The law of tamper evidence: any change of a single character of any field of any stored entry
   * (a byte of its canonical form, kept to the field's own alphabet so the row still reads) makes
   * verification fail at exactly that entry, as edited.
   *
   * @param sequence which entry
   * @param field which field
   * @param position where in the field's text (taken modulo its length)
   * @param replacement which other character (or value) to put there
   */
  @Property(tries = 200)
  void anySingleCharacterChangeOfAnyFieldOfAnyEntryFailsVerificationAtThatEntry(
      @ForAll @IntRange(min = 1, max = ENTRIES) int sequence,
      @ForAll Field field,
      @ForAll @IntRange(min = 0, max = 10_000) int position,
      @ForAll @IntRange(min = 0, max = 10_000) int replacement) {
    PropertyWorld w = world(true);
    ConsentEntry original = w.trail.get(sequence - 1);
    String before = field.textOf(original);
    String after = changeOneCharacter(field, original, position, replacement);
    assertThat(after).as("the changed text").isNotEqualTo(before);

    w.tamperer.editField(sequence, field, after);
    try {
      assertBreak(w.audit.verify(), sequence, Reason.EDITED);
    } finally {
      w.tamperer.editField(sequence, field, before);
    }
    assertThat(w.audit.verify().valid()).as("restored").isTrue();
  }

  private static final String BASE64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  private static final String CHANNEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";

  /** One character of the field's canonical text changed, staying within the field's alphabet. */
  private static String changeOneCharacter(
      Field field, ConsentEntry e, int position, int replacement) {
    return switch (field) {
      case SUBJECT_ID, TERMS_HASH, PREVIOUS_HASH, HASH ->
          replaceAt(field.textOf(e), position % 64, HEX, replacement);
      case ACTION, PURPOSE -> otherValue(field, e);
      case TERMS_VERSION -> {
        String v = e.termsVersion();
        StringBuilder printable = new StringBuilder();
        for (char c = 0x21; c <= 0x7e; c++) {
          printable.append(c);
        }
        yield replaceAt(v, position % v.length(), printable.toString(), replacement);
      }
      case CHANNEL ->
          replaceAt(e.channel(), position % e.channel().length(), CHANNEL_CHARS, replacement);
      case ORDER_ID -> {
        String id = e.orderId().toString();
        int[] digits = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 16, 17, 19, 20, 21, 22};
        int at = position % (digits.length + 12);
        // the 12 hex digits of the last group, and the others but version and dashes
        int index = at < digits.length ? digits[at] : 24 + (at - digits.length);
        yield replaceAt(id, index, index == 19 ? "89ab" : HEX, replacement);
      }
      case RECORDED_AT -> {
        String micros = Long.toString(epochMicros(e.recordedAt()));
        String changed = replaceAt(micros, position % micros.length(), "0123456789", replacement);
        long value = Long.parseLong(changed);
        yield Instant.ofEpochSecond(
                Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000L)
            .toString();
      }
      case SEALED_PERSONAL_DATA -> {
        String s = e.sealedPersonalData();
        int data = s.indexOf('=') < 0 ? s.length() : s.indexOf('=');
        yield replaceAt(s, position % data, BASE64, replacement);
      }
    };
  }

  private static long epochMicros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
  }

  private static String replaceAt(String text, int index, String alphabet, int pick) {
    char current = text.charAt(index);
    String others = alphabet.replace(String.valueOf(current), "");
    char replacement = others.charAt(pick % others.length());
    return text.substring(0, index) + replacement + text.substring(index + 1);
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consent audit trail: records consent events as a tamper-evident hash chain that holds no
 * personal data in clear, verifies it, and answers a data subject's access and erasure requests.
 *
 * <ul>
 *   <li>{@link #append} records one {@link ConsentEvidence} in the caller's transaction (the
 *       checkout's, so the consent commits with the order or not at all): the email becomes a
 *       pseudonymous {@link SubjectId}, the email and name are sealed under the subject's own
 *       {@link SubjectKey} (created on first use), and the {@link ConsentLog} chains the entry.
 *   <li>{@link #verify()} walks the whole trail with {@link ConsentChain#verify}, page by page,
 *       each page one short transaction; {@link #verify(ConsentHead)} also checks it against a head
 *       kept outside the database, which is what catches a truncated or rewritten tail.
 *   <li>{@link #export} returns everything recorded about one email, opened; {@link #erase} deletes
 *       the subject's key, after which the entries still verify but their personal data is gone.
 *   <li>With a {@linkplain Builder#checkpointSigner checkpoint signer}: {@link #checkpoint()} signs
 *       the root of the Merkle tree over the verified trail, {@link #witnessFor} gives a customer
 *       their order's entries with proofs against it (for the receipt), and {@link
 *       #consistencyProof} shows an auditor that a later checkpoint only appended to an earlier
 *       one. See <a href="#certify">Certifying</a>.
 * </ul>
 *
 * <p>The subject secret keys the pseudonyms: {@code SubjectId = HMAC-SHA256(secret, UTF-8 bytes of
 * the email in lower case)}. Give every instance of a shop the same secret, at least 32 random
 * bytes kept out of the database (an environment variable, a secret store); without it, a random
 * one is used and the ids (and so {@link #export} and {@link #erase}) do not match entries written
 * before a restart or by another instance. Whoever holds the secret can test a guessed email
 * against the trail; whoever holds only the database cannot.
 *
 * <h2 id="certify">Certifying: checkpoints, witnesses and their cost</h2>
 *
 * <p>Only a chain-verified prefix of the trail is ever signed or proven. The audit keeps the Merkle
 * tree of the entries it has verified in memory and extends it on each call with the entries
 * appended since, in pages of {@linkplain Builder#pageSize pageSize} (each page one short
 * transaction, after one transaction that reads the store's head): each new entry must be the next
 * number, match its own hash and link to the entry before, the first of them to the last entry
 * verified earlier, and the store's head must be an entry that was verified. Otherwise nothing is
 * signed: the call throws an {@link IllegalStateException} that names the entry and the kind of
 * break ({@link ChainBreak.Reason}).
 *
 * <p>The cost: the first call after start reads and hashes the whole trail once, as {@link
 * #verify()} does (about {@code n / pageSize} transactions and {@code 3n} SHA-256 computations);
 * every later call two transactions plus the entries appended since. A root or a proof then costs
 * {@code O(log n)} hashes, a signature one Ed25519 operation, and a checkpoint is signed again only
 * when the trail has grown. The tree takes about 64 bytes of heap per entry (64 MB per million).
 *
 * <p>Across restarts: a new instance verifies the trail from scratch, so a trail rewritten
 * consistently while it was down would verify. Give every instance the last checkpoint the shop
 * published ({@link Builder#trustedCheckpoint}), and it certifies nothing unless the trail still
 * has that checkpoint's root at that size.
 *
 * <p>What the incremental check cannot see: an entry changed in place after it was verified and
 * certified (the tree keeps the hash that was verified, so later checkpoints still certify the
 * trail as it was, and the published checkpoints contradict the changed store). {@link #verify()}
 * finds it, and {@link #witnessFor} refuses to prove a changed entry. Run {@link #verify()}
 * regularly anyway.
 *
 * <p>Thread-safe; build one per shop and share it. Calls that certify take one lock while they read
 * the store, so concurrent callers wait for one refresh.
 */
public final class ConsentAudit {
  /** The fewest bytes a subject secret may have. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(ConsentAudit.class);
  private static final int ATTEMPTS = 5;

  /**
   * How long a chaining pass that {@link #chainSoon()} started waits before it reads what is
   * staged, by default: 50 ms. See {@link Builder#chainDelay}.
   */
  public static final Duration DEFAULT_CHAIN_DELAY = Duration.ofMillis(50);

  /** The most staged drafts {@link #chainPending()} chains in one transaction: {@value}. */
  public static final int CHAIN_BATCH = 1000;

  private static final int CHAIN_IDLE = 0;
  private static final int CHAIN_RUNNING = 1;
  private static final int CHAIN_AGAIN = 2;

  /**
   * The checkpoint origin when neither an {@linkplain Builder#origin origin} nor a {@linkplain
   * Builder#checkpointSigner signer} is given: {@value}. With a signer, its key name is the
   * default, as C2SP signed notes expect.
   */
  public static final String DEFAULT_ORIGIN = "tinycheckout/consent";

  private final CheckoutStorage storage;
  private final SecretKeySpec secret;
  // Initialised once and cloned per call: looking a Mac up costs more than computing it.
  private final Mac prototype;
  private final Clock clock;
  private final int pageSize;
  private final @Nullable CheckpointSigner signer;
  private final String origin;
  private final CertifiedTrail certified;
  private final Executor chainExecutor;
  private final Duration chainDelay;
  private final AtomicInteger chainState = new AtomicInteger(CHAIN_IDLE);
  // Written by the chain pass only, which runs on one thread at a time.
  private int chainFailures;

  private ConsentAudit(Builder b) {
    this.storage = b.storage;
    byte[] s = b.secret;
    if (s == null) {
      s = new byte[MIN_SECRET_BYTES];
      new SecureRandom().nextBytes(s);
      LOG.warn(
          "no consent subject secret configured: using a random one, so subject ids will not match"
              + " entries written before a restart or by another instance, and export or erasure"
              + " by email will miss them; set ConsentAudit.builder(storage).subjectSecret(...)"
              + " (at least {} bytes, kept out of the database)",
          MIN_SECRET_BYTES);
    }
    this.secret = new SecretKeySpec(s, "HmacSHA256");
    this.prototype = prototypeMac(secret);
    this.clock = b.clock;
    this.pageSize = b.pageSize;
    this.signer = b.signer;
    String o = b.origin;
    CheckpointSigner k = b.signer;
    this.origin = o != null ? o : k != null ? k.name() : DEFAULT_ORIGIN;
    SignedCheckpoint anchor = b.trusted;
    this.certified =
        new CertifiedTrail(this::transact, pageSize, anchor == null ? null : anchor.checkpoint());
    Executor e = b.chainExecutor;
    this.chainExecutor = e != null ? e : defaultChainExecutor();
    this.chainDelay = b.chainDelay;
  }

  /**
   * One daemon thread, started on demand and ended after a minute idle: passes never overlap, and a
   * daemon thread never holds up the JVM's exit (what it did not chain stays staged).
   */
  private static Executor defaultChainExecutor() {
    return new ThreadPoolExecutor(
        0,
        1,
        1,
        TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(),
        task -> {
          Thread t = new Thread(task, "tinycheckout-consent-chain");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * A builder over a storage; the subject secret is optional but should be set.
   *
   * @param storage where the trail and the subject keys live
   * @return a builder
   */
  public static Builder builder(CheckoutStorage storage) {
    return new Builder(Objects.requireNonNull(storage, "storage"));
  }

  /**
   * Records one consent event in the caller's transaction and chains it at once: derives the
   * subject id, reads the subject's key or creates it, seals the email (and name) under it, and
   * {@linkplain ConsentLog#append appends} the draft to {@code tx.consents()}, which holds the
   * trail's head lock until the transaction ends. The recorded time is kept to the microsecond
   * (truncated). If the transaction rolls back, nothing of this remains, the key included.
   *
   * <p>Appends serialise on the head lock held through each commit; on a busy shop prefer {@link
   * #record}, which the checkout uses.
   *
   * @param tx the caller's transaction
   * @param evidence what to record
   * @return the chained entry as stored
   * @throws StorageException if the storage fails
   */
  public ConsentEntry append(StorageTransaction tx, ConsentEvidence evidence) {
    Objects.requireNonNull(tx, "tx");
    return tx.consents().append(draft(tx, evidence));
  }

  /**
   * Records one consent event in the caller's transaction, to be chained soon after it commits: as
   * {@link #append}, but the draft is {@linkplain ConsentLog#stage staged}, without waiting for the
   * trail's head lock, so concurrent checkouts do not queue behind one another's commits. Call
   * {@link #chainSoon()} after the commit (the checkout does); the entry is then chained in the
   * background, in a batch with the others, or at the latest by the next call that reads the trail
   * ({@link #verify()}, {@link #head()}, {@link #export}, {@link #checkpoint()}, {@link
   * #witnessFor}, {@link #chainPending()}), which chains everything staged first.
   *
   * <p>Until it is chained, a staged entry is not tamper-evident: someone who can write to the
   * database could change it unseen. Chaining soon after each commit keeps that window to
   * milliseconds.
   *
   * @param tx the caller's transaction
   * @param evidence what to record
   * @throws StorageException if the storage fails
   */
  public void record(StorageTransaction tx, ConsentEvidence evidence) {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(evidence, "evidence");
    SubjectId subject = subjectId(evidence.email());
    tx.consents().stageSealed(subject, SubjectKey.random(), key -> draft(subject, key, evidence));
  }

  private ConsentDraft draft(StorageTransaction tx, ConsentEvidence evidence) {
    Objects.requireNonNull(evidence, "evidence");
    SubjectId subject = subjectId(evidence.email());
    ConsentLog log = tx.consents();
    SubjectKey key =
        log.subjectKey(subject)
            .orElseGet(() -> log.subjectKeyOrCreate(subject, SubjectKey.random()));
    return draft(subject, key, evidence);
  }

  private static ConsentDraft draft(SubjectId subject, SubjectKey key, ConsentEvidence evidence) {
    String sealed = PersonalDataSeal.seal(key, subject, evidence.email(), evidence.name());
    return new ConsentDraft(
        subject,
        evidence.action(),
        evidence.purpose(),
        evidence.termsVersion(),
        evidence.termsHash(),
        evidence.channel(),
        evidence.orderId(),
        evidence.recordedAt().truncatedTo(ChronoUnit.MICROS),
        sealed);
  }

  /**
   * Chains every draft that committed transactions {@linkplain #record recorded}, in batches of up
   * to {@value #CHAIN_BATCH}, each batch one short transaction that holds the head lock, until none
   * is left. When it returns, everything recorded by a transaction that committed before the call
   * is in the chain (chained by this call or by another instance). Safe to call from many threads
   * and instances at once.
   *
   * @return how many entries this call chained
   * @throws StorageException if the storage fails; what was chained stays chained
   */
  public long chainPending() {
    long total = 0;
    while (true) {
      int chained = transact(tx -> tx.consents().chainStaged(CHAIN_BATCH).size());
      total += chained;
      if (chained < CHAIN_BATCH) {
        return total;
      }
    }
  }

  /**
   * Asks for a {@link #chainPending()} soon, on the {@linkplain Builder#chainExecutor chain
   * executor}, without waiting for it: call it after a transaction that {@linkplain #record
   * recorded} consent has committed. Calls while a pass runs are coalesced into one more pass, so
   * under load each pass chains many entries in one transaction. Never blocks and never throws; a
   * pass that fails is logged, and what it left staged is chained by the next pass or read.
   */
  public void chainSoon() {
    while (true) {
      int state = chainState.get();
      if (state == CHAIN_IDLE) {
        if (chainState.compareAndSet(CHAIN_IDLE, CHAIN_RUNNING)) {
          try {
            chainExecutor.execute(this::chainPasses);
          } catch (RuntimeException e) {
            chainState.set(CHAIN_IDLE);
            LOG.warn("could not start chaining consent entries; the next read chains them", e);
          }
          return;
        }
      } else if (state == CHAIN_RUNNING) {
        if (chainState.compareAndSet(CHAIN_RUNNING, CHAIN_AGAIN)) {
          return;
        }
      } else {
        return; // CHAIN_AGAIN: one more pass is coming anyway
      }
    }
  }

  /**
   * Waits until no chaining pass that {@link #chainSoon()} started is running or due, for a clean
   * shutdown: call it after the last checkout returned and before the storage closes, so a pass
   * does not run against a closed storage. Entries a pass could not chain stay staged and are
   * chained at the next start by any read or pass.
   *
   * @param timeout the longest wait, not negative
   * @return true if no pass is running or due; false if one still is when the timeout ran out
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws ValidationException if the timeout is negative
   */
  public boolean awaitChaining(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new ValidationException("timeout", "must not be negative, but was " + timeout);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (chainState.get() != CHAIN_IDLE) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  private void chainPasses() {
    do {
      chainState.set(CHAIN_RUNNING);
      if (!chainDelay.isZero()) {
        // Let the burst that asked for this pass finish committing: one pass, one commit, for all.
        try {
          Thread.sleep(chainDelay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          chainState.set(CHAIN_IDLE);
          return;
        }
      }
      try {
        chainPending();
        chainFailures = 0;
      } catch (RuntimeException e) {
        // Left staged: the next pass or read chains it. Log the first failure of a run fully.
        if (chainFailures++ == 0) {
          LOG.warn("chaining consent entries failed; they stay staged and are chained later", e);
        } else {
          LOG.debug("chaining consent entries failed again", e);
        }
        chainState.set(CHAIN_IDLE);
        return;
      }
    } while (!chainState.compareAndSet(CHAIN_RUNNING, CHAIN_IDLE));
  }

  /**
   * The pseudonymous id of an email: {@code HMAC-SHA256(secret, UTF-8 bytes of the address in lower
   * case)} as 64 lower-case hex digits. Addresses that differ only in case have the same id.
   *
   * @param email the address
   * @return its subject id under this audit's secret
   */
  public SubjectId subjectId(Email email) {
    Objects.requireNonNull(email, "email");
    try {
      Mac mac = newMac();
      byte[] id =
          mac.doFinal(email.value().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return new SubjectId(HexFormat.of().formatHex(id));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed; every Java platform has it", e);
    }
  }

  private Mac newMac() throws GeneralSecurityException {
    try {
      return (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      // A provider whose Mac cannot be cloned: look one up every time.
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac;
    }
  }

  private static Mac prototypeMac(SecretKeySpec secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(secret);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 failed; every Java platform has it", e);
    }
  }

  /**
   * Verifies the whole trail as stored, against the store's own head: reads {@link
   * ConsentLog#head()} first, then every entry from 1 on in pages, each page in its own short
   * transaction (appends may go on meanwhile). Catches edited, missing, swapped and renumbered
   * entries and broken links anywhere, and a tail removed without resetting the store's head; a
   * tail removed or rewritten together with the head is only caught by {@link #verify(ConsentHead)}
   * with a head kept elsewhere.
   *
   * @return the result; when valid, its {@link ConsentVerification#head()} is worth keeping
   * @throws StorageException if the storage fails
   */
  public ConsentVerification verify() {
    ConsentHead storeHead = head();
    return ConsentChain.verify(this::pages, Optional.of(storeHead));
  }

  /**
   * Verifies the whole trail against a head kept outside the database (an earlier {@link
   * ConsentVerification#head()} or {@link #head()}): as {@link #verify()}, and the trail must still
   * reach the head's sequence with the head's hash there, or the result names {@link
   * ChainBreak.Reason#TRUNCATED} or {@link ChainBreak.Reason#REWRITTEN}.
   *
   * @param trusted the head to check against
   * @return the result
   * @throws StorageException if the storage fails
   */
  public ConsentVerification verify(ConsentHead trusted) {
    Objects.requireNonNull(trusted, "trusted");
    chainPending();
    return ConsentChain.verify(this::pages, Optional.of(trusted));
  }

  /**
   * The store's current head, in one short transaction: export it regularly to somewhere the
   * database's writers cannot change (after a {@link #verify()} that found it valid).
   *
   * @return the head
   * @throws StorageException if the storage fails
   */
  public ConsentHead head() {
    chainPending();
    return transact(tx -> tx.consents().head());
  }

  /**
   * Signs a checkpoint of the whole verified trail: the root of the Merkle tree over the chain
   * hashes of entries 1 to {@code n} ({@link MerkleTree}; leaf index = sequence - 1), {@code n}
   * being the last entry in the store when it verifies. Verifies what was appended since the last
   * call first (see <a href="#certify">Certifying</a>) and refuses to sign if it does not verify.
   * Signs again only when the trail has grown: without new entries, the same signed checkpoint
   * comes back.
   *
   * <p>Publish it outside the database (see {@link SignedCheckpoint}).
   *
   * @return the signed checkpoint, of origin {@link #origin()}
   * @throws IllegalStateException if no {@linkplain Builder#checkpointSigner signer} is configured,
   *     or if the trail does not verify up to the store's head (the message names the entry and the
   *     {@link ChainBreak.Reason}); nothing is signed then
   * @throws StorageException if the storage fails
   */
  public SignedCheckpoint checkpoint() {
    CheckpointSigner k = requireSigner("checkpoint()");
    chainPending();
    return certified.checkpoint(k, origin);
  }

  /**
   * A customer's witness for one order: a fresh {@link #checkpoint()} and, for each entry recorded
   * with the order ({@link ConsentLog#findByOrder}), the entry with every field and its inclusion
   * proof against that checkpoint. Put its {@link ConsentWitness#text()} into the order receipt.
   *
   * <p>Each entry must be intact and the very entry verified at its sequence number (not one
   * replaced since), or nothing is proven.
   *
   * @param orderId the order
   * @return the witness; empty if the trail holds no entry of the order
   * @throws IllegalStateException if no {@linkplain Builder#checkpointSigner signer} is configured,
   *     if the trail does not verify, if an entry of the order was changed after it was verified,
   *     or if the order has more than {@value ConsentWitness#MAX_ENTRIES} entries
   * @throws StorageException if the storage fails
   */
  public Optional<ConsentWitness> witnessFor(OrderId orderId) {
    Objects.requireNonNull(orderId, "orderId");
    CheckpointSigner k = requireSigner("witnessFor(orderId)");
    chainPending();
    return certified.witness(orderId, k, origin);
  }

  /**
   * The consistency proof that the verified trail of {@code newSize} entries only appended to the
   * one of {@code oldSize}: for an auditor holding two signed checkpoints of those sizes ({@link
   * CheckpointVerifier#verifyConsistency(SignedCheckpoint, SignedCheckpoint, ConsistencyProof)}).
   * Verifies what was appended since the last call first if {@code newSize} is beyond it. Needs no
   * signer.
   *
   * @param oldSize the older checkpoint's size, at least 1
   * @param newSize the newer checkpoint's size, larger, at most the verified trail's size
   * @return the proof (RFC 9162 §2.1.4)
   * @throws ConsentProofException with reason {@link ConsentProofException.Reason#WRONG_SIZE}
   *     unless {@code 0 < oldSize < newSize} and the trail has verified {@code newSize} entries
   * @throws IllegalStateException if the trail does not verify
   * @throws StorageException if the storage fails
   */
  public ConsistencyProof consistencyProof(long oldSize, long newSize) {
    chainPending();
    return certified.consistencyProof(oldSize, newSize);
  }

  /**
   * The origin line of this audit's checkpoints: the {@linkplain Builder#origin configured} one,
   * else the signer's key name, else {@value #DEFAULT_ORIGIN}.
   *
   * @return the origin
   */
  public String origin() {
    return origin;
  }

  private CheckpointSigner requireSigner(String method) {
    CheckpointSigner k = signer;
    if (k == null) {
      throw new IllegalStateException(
          method
              + " needs a checkpoint signer, and this ConsentAudit has none: build it with"
              + " ConsentAudit.builder(storage).checkpointSigner(CheckpointSigner.fromPkcs8(name,"
              + " key)), the key kept outside the consent database");
    }
    return k;
  }

  /**
   * Everything the trail holds about one email (for an access request, GDPR Art. 15), in one
   * transaction: every entry of its subject by ascending sequence, with the email and name opened,
   * or marked erased if the subject's key was erased.
   *
   * @param email the address, in any case
   * @return the subject's records; an immutable list, empty if none
   * @throws StorageException if the storage fails
   */
  public List<SubjectRecord> export(Email email) {
    SubjectId subject = subjectId(email);
    chainPending();
    return transact(
        tx -> {
          List<ConsentEntry> entries = tx.consents().findBySubject(subject);
          Optional<SubjectKey> key =
              entries.isEmpty() ? Optional.empty() : tx.consents().subjectKey(subject);
          List<SubjectRecord> records = new ArrayList<>(entries.size());
          for (ConsentEntry entry : entries) {
            records.add(open(entry, key));
          }
          return List.copyOf(records);
        });
  }

  private static SubjectRecord open(ConsentEntry entry, Optional<SubjectKey> key) {
    if (entry.sealedPersonalData().isEmpty()) {
      return new SubjectRecord(entry, Optional.empty(), Optional.empty(), false);
    }
    Optional<PersonalDataSeal.Opened> opened =
        key.flatMap(k -> PersonalDataSeal.open(k, entry.subjectId(), entry.sealedPersonalData()));
    return opened
        .map(o -> new SubjectRecord(entry, Optional.of(o.email()), o.name(), false))
        .orElseGet(() -> new SubjectRecord(entry, Optional.empty(), Optional.empty(), true));
  }

  /**
   * Erases one email's personal data from the trail (GDPR Art. 17), in one transaction, by deleting
   * its subject's key: the entries stay and still verify, but their sealed email and name can no
   * longer be read, by anyone. Idempotent: erasing again deletes nothing. A later consent of the
   * same email gets a new key, which does not open the erased entries.
   *
   * <p>The pseudonymous subject id stays in the entries; it is personal data only to whoever holds
   * the subject secret and the email.
   *
   * @param email the address, in any case
   * @return what was erased
   * @throws StorageException if the storage fails
   */
  public ErasureResult erase(Email email) {
    SubjectId subject = subjectId(email);
    ErasureResult result =
        transact(
            tx -> {
              ConsentLog log = tx.consents();
              Optional<SubjectKey> key = log.subjectKey(subject);
              if (key.isEmpty()) {
                return new ErasureResult(subject, false, 0, clock.instant());
              }
              int readable = 0;
              for (ConsentEntry entry : log.findBySubject(subject)) {
                if (PersonalDataSeal.open(key.get(), subject, entry.sealedPersonalData())
                    .isPresent()) {
                  readable++;
                }
              }
              boolean erased = log.eraseSubjectKey(subject);
              return new ErasureResult(subject, erased, erased ? readable : 0, clock.instant());
            });
    LOG.info(
        "consent subject {} erased: key deleted={}, entries made unreadable={}",
        subject,
        result.keyErased(),
        result.entriesMadeUnreadable());
    return result;
  }

  private Iterator<ConsentEntry> pages() {
    return new Iterator<>() {
      private List<ConsentEntry> page = List.of();
      private int index;
      private long from = 1;
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (index < page.size()) {
          return true;
        }
        if (ended) {
          return false;
        }
        long start = from;
        boolean cut = false;
        try {
          page = transact(tx -> tx.consents().read(start, pageSize));
        } catch (UnreadableConsentEntryException unreadable) {
          // The entries before the unreadable row still count (an earlier break is the first);
          // the iteration throws once it reaches the row itself.
          page = readBefore(start, unreadable);
          cut = true;
        }
        index = 0;
        if (page.isEmpty()) {
          ended = true;
          return false;
        }
        long lastSequence = page.get(page.size() - 1).sequence();
        if (lastSequence < start || lastSequence == Long.MAX_VALUE) {
          // A store that broke the read contract: end rather than loop; the verifier sees a
          // break in what was read.
          ended = true;
        } else {
          from = lastSequence + 1;
        }
        if (page.size() < pageSize && !cut) {
          ended = true;
        }
        return true;
      }

      /** The longest readable page from {@code start} that ends before the unreadable row. */
      private List<ConsentEntry> readBefore(long start, UnreadableConsentEntryException at) {
        long limit = Math.min(pageSize, at.sequence() - start);
        while (limit > 0) {
          int n = (int) limit;
          try {
            return transact(tx -> tx.consents().read(start, n));
          } catch (UnreadableConsentEntryException again) {
            limit /= 2;
          }
        }
        throw at;
      }

      @Override
      public ConsentEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(index++);
      }
    };
  }

  private <T> T transact(UnitOfWork<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storage.inTransaction(work);
      } catch (StorageException e) {
        if (!e.isRetryable() || attempt >= ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Builds a {@link ConsentAudit}. Not thread-safe. */
  public static final class Builder {
    private final CheckoutStorage storage;
    private byte @Nullable [] secret;
    private Clock clock = Clock.systemUTC();
    private int pageSize = 1000;
    private @Nullable CheckpointSigner signer;
    private @Nullable String origin;
    private @Nullable SignedCheckpoint trusted;
    private @Nullable Executor chainExecutor;
    private Duration chainDelay = DEFAULT_CHAIN_DELAY;

    private Builder(CheckoutStorage storage) {
      this.storage = storage;
    }

    /**
     * Sets the secret that keys the subject ids (strongly recommended; without it a random one is
     * used and a warning logged). Use the same secret on every instance and across restarts, keep
     * it out of the database, and never change it: a new secret gives every customer a new id.
     *
     * @param secret at least {@value ConsentAudit#MIN_SECRET_BYTES} bytes, such as 32 random bytes
     *     (copied)
     * @return this builder
     * @throws ValidationException with field {@code subjectSecret} if it is shorter
     */
    public Builder subjectSecret(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length < MIN_SECRET_BYTES) {
        throw new ValidationException(
            "subjectSecret",
            "must be at least " + MIN_SECRET_BYTES + " bytes, but was " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /**
     * Sets the clock (default {@link Clock#systemUTC()}); it dates erasures.
     *
     * @param clock the time source
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how many entries {@link #verify()} and the certifying calls read per transaction
     * (default 1000).
     *
     * @param entries 1 to 10 000
     * @return this builder
     * @throws ValidationException with field {@code pageSize} if out of range
     */
    public Builder pageSize(int entries) {
      if (entries < 1 || entries > 10_000) {
        throw new ValidationException("pageSize", "must be 1 to 10000, but was " + entries);
      }
      this.pageSize = entries;
      return this;
    }

    /**
     * Sets the key that signs checkpoints, which {@link ConsentAudit#checkpoint()} and {@link
     * ConsentAudit#witnessFor} need (by default there is none and they throw). Keep its private key
     * out of the consent database; publish its {@link CheckpointSigner#verifierKey()}.
     *
     * @param signer the signer, by convention named like the origin
     * @return this builder
     */
    public Builder checkpointSigner(CheckpointSigner signer) {
      this.signer = Objects.requireNonNull(signer, "signer");
      return this;
    }

    /**
     * Sets the origin line of the checkpoints, the log's identity, such as {@code
     * shop.example/consent} (a schema-less URL of the shop). By default the signer's key name,
     * which C2SP signed notes expect to be the origin; else {@value ConsentAudit#DEFAULT_ORIGIN}.
     * Never change it once checkpoints were published.
     *
     * @param origin 1 to 255 visible ASCII characters without {@code +}
     * @return this builder
     * @throws ValidationException with field {@code origin} if it is not valid
     */
    public Builder origin(String origin) {
      Objects.requireNonNull(origin, "origin");
      this.origin = Notes.requireName("origin", origin);
      return this;
    }

    /**
     * Sets the last checkpoint the shop published, so that this audit certifies nothing unless the
     * trail it verifies still has that checkpoint's root at that size (by default there is none).
     * Give it to every instance at start: an instance verifies the trail from scratch, and without
     * this anchor it would sign a trail that was rewritten consistently while it was down, a fork
     * that every customer's earlier receipt would contradict. Checked once, on the first call that
     * certifies ({@code O(log n)} hashes); {@link ConsentAudit#checkpoint()} and {@link
     * ConsentAudit#witnessFor} throw an {@link IllegalStateException} ({@link
     * ChainBreak.Reason#REWRITTEN} or {@link ChainBreak.Reason#TRUNCATED}) if it does not hold.
     *
     * @param checkpoint a checkpoint this shop signed and published, of the same origin; its
     *     signature is checked by {@link #build()} if a signer is set
     * @return this builder
     */
    public Builder trustedCheckpoint(SignedCheckpoint checkpoint) {
      this.trusted = Objects.requireNonNull(checkpoint, "checkpoint");
      return this;
    }

    /**
     * Sets where {@link ConsentAudit#chainSoon()} runs its chaining passes (default: one daemon
     * thread of the audit's own, started on demand and ended after a minute idle). At most one pass
     * is submitted at a time; each runs until nothing is left staged, in short transactions.
     *
     * @param executor the executor, such as an application's shared one
     * @return this builder
     */
    public Builder chainExecutor(Executor executor) {
      this.chainExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how long a pass that {@link ConsentAudit#chainSoon()} started waits before it chains
     * (default {@link ConsentAudit#DEFAULT_CHAIN_DELAY}, 50 ms): checkouts that commit meanwhile
     * are chained by the same pass, in one transaction and one commit, instead of a pass each.
     * Longer saves the database work under load; it also keeps staged entries longer before they
     * are tamper-evident. Reads never wait: they chain at once.
     *
     * @param delay from zero to one minute
     * @return this builder
     * @throws ValidationException with field {@code chainDelay} if out of range
     */
    public Builder chainDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new ValidationException(
            "chainDelay", "must be from zero to one minute, but was " + delay);
      }
      this.chainDelay = delay;
      return this;
    }

    /**
     * Builds the audit; logs a warning if no subject secret was set.
     *
     * @return the audit
     * @throws ValidationException with field {@code trustedCheckpoint} if the {@linkplain
     *     #trustedCheckpoint trusted checkpoint} is of another origin than the audit's
     * @throws ConsentProofException if a signer is set and did not sign the trusted checkpoint
     */
    public ConsentAudit build() {
      SignedCheckpoint anchor = trusted;
      if (anchor != null) {
        CheckpointSigner k = signer;
        String o = origin != null ? origin : k != null ? k.name() : DEFAULT_ORIGIN;
        if (!anchor.checkpoint().origin().equals(o)) {
          throw new ValidationException(
              "trustedCheckpoint",
              "is of origin '"
                  + anchor.checkpoint().origin()
                  + "', but this audit's checkpoints are of origin '"
                  + o
                  + "'");
        }
        if (k != null) {
          k.verifier().verify(anchor);
        }
      }
      return new ConsentAudit(this);
    }
  }
}

package dev.tinycheckout.consent;

import dev.tinycheckout.consent.ChainBreak.Reason;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The part of the consent trail that {@link ConsentAudit} has verified and may certify: a Merkle
 * tree over the chain hashes of entries 1 to {@code n}, kept in memory and extended with the
 * entries appended since the last call, each checked as it is added (in sequence, intact, linked to
 * the entry before). Nothing else is ever signed or proven.
 *
 * <p>Entries are read once: the first call reads the whole trail, later calls only what was
 * appended since, and the first new entry must link to the last one verified. So a tail rewritten
 * under the cache (entries removed, replaced and re-chained with recomputed hashes) is refused
 * rather than certified, as is a store whose head went backwards or lies beyond its last entry. An
 * entry changed in place after it was verified is not seen here (the tree keeps the verified hash,
 * so what is certified stays the trail as it was); {@link ConsentAudit#verify()} finds it, and so
 * does {@link #witness} for the entries it proves.
 *
 * <p>Thread-safe: one lock guards the tree; storage reads happen under it, so concurrent callers
 * wait for one refresh instead of each doing their own.
 */
final class CertifiedTrail {
  /** Runs a unit of work in its own transaction, retrying transient failures. */
  interface Transactor {
    <T> T transact(UnitOfWork<T> work);
  }

  private final Transactor storage;
  private final int pageSize;
  private final @Nullable Checkpoint trusted;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock.
  private final IncrementalMerkleTree tree = new IncrementalMerkleTree();
  private @Nullable SignedCheckpoint latest;
  private boolean trustedMatched;

  /**
   * @param trusted a checkpoint published earlier, whose size the verified trail must reach with
   *     the same root before anything is certified; or null
   */
  CertifiedTrail(Transactor storage, int pageSize, @Nullable Checkpoint trusted) {
    this.storage = storage;
    this.pageSize = pageSize;
    this.trusted = trusted;
  }

  /**
   * Verifies what was appended since the last call and signs a checkpoint of everything verified;
   * the same signed checkpoint as last time if nothing was appended.
   *
   * @throws IllegalStateException if the trail does not verify; nothing is signed
   */
  SignedCheckpoint checkpoint(CheckpointSigner signer, String origin) {
    lock.lock();
    try {
      refresh();
      return signed(signer, origin);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The witness of one order's entries against a fresh checkpoint; empty if the order has none.
   *
   * @throws IllegalStateException if the trail does not verify, or an entry of the order differs
   *     from the one verified at its sequence number
   */
  Optional<ConsentWitness> witness(OrderId orderId, CheckpointSigner signer, String origin) {
    List<ConsentEntry> entries = storage.transact(tx -> tx.consents().findByOrder(orderId));
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    if (entries.size() > ConsentWitness.MAX_ENTRIES) {
      throw new IllegalStateException(
          "order "
              + orderId
              + " has "
              + entries.size()
              + " consent entries, more than one witness holds ("
              + ConsentWitness.MAX_ENTRIES
              + ")");
    }
    lock.lock();
    try {
      refresh();
      SignedCheckpoint checkpoint = signed(signer, origin);
      long size = tree.size();
      List<ConsentWitness.Inclusion> inclusions = new ArrayList<>(entries.size());
      for (ConsentEntry entry : entries) {
        long sequence = entry.sequence();
        if (!entry.orderId().equals(orderId)) {
          throw new IllegalStateException(
              "the consent store returned entry "
                  + sequence
                  + " for order "
                  + orderId
                  + ", but it is of order "
                  + entry.orderId()
                  + "; the store breaks the ConsentLog.findByOrder contract");
        }
        if (sequence > size) {
          throw refused(
              sequence,
              Reason.FORGED_SEQUENCE,
              "order "
                  + orderId
                  + " has an entry numbered "
                  + sequence
                  + ", beyond the "
                  + size
                  + " entries of the verified trail");
        }
        if (!entry.isIntact()) {
          throw refused(
              sequence,
              Reason.EDITED,
              "entry " + sequence + " of order " + orderId + " does not match its hash");
        }
        if (!MerkleTree.leafHash(entry.hash()).equals(tree.leafHash(sequence - 1))) {
          throw refused(
              sequence,
              Reason.REWRITTEN,
              "entry "
                  + sequence
                  + " of order "
                  + orderId
                  + " is not the entry verified at that number earlier: it was replaced");
        }
        inclusions.add(
            new ConsentWitness.Inclusion(entry, tree.inclusionProof(sequence - 1, size)));
      }
      return Optional.of(new ConsentWitness(checkpoint, orderId, inclusions));
    } finally {
      lock.unlock();
    }
  }

  /**
   * The consistency proof between two sizes of the verified trail, verifying what was appended
   * since the last call first if {@code newSize} is beyond it.
   *
   * @throws ConsentProofException with reason {@link ConsentProofException.Reason#WRONG_SIZE}
   *     unless {@code 0 < oldSize < newSize <= } the verified size
   * @throws IllegalStateException if the trail does not verify
   */
  ConsistencyProof consistencyProof(long oldSize, long newSize) {
    lock.lock();
    try {
      if (newSize > tree.size()) {
        refresh();
      }
      return tree.consistencyProof(oldSize, newSize);
    } finally {
      lock.unlock();
    }
  }

  private SignedCheckpoint signed(CheckpointSigner signer, String origin) {
    SignedCheckpoint last = latest;
    if (last != null && last.checkpoint().treeSize() == tree.size()) {
      return last;
    }
    long size = tree.size();
    SignedCheckpoint signed = signer.sign(new Checkpoint(origin, size, tree.root(size)));
    latest = signed;
    return signed;
  }

  /**
   * Extends the tree with every entry appended since: reads the store's head, then the entries
   * after the tree's size page by page, each page in its own transaction, and checks each as it
   * goes. Entries verified before a failure stay in the tree: they link to the verified prefix.
   */
  private void refresh() {
    long before = tree.size();
    ConsentHead head = storage.transact(tx -> tx.consents().head());
    if (head.sequence() < before) {
      throw refused(
          head.sequence() + 1,
          Reason.TRUNCATED,
          "the store's head is at entry "
              + head.sequence()
              + ", but entries 1 to "
              + before
              + " were verified earlier: the trail's tail was removed or its head row reset");
    }
    while (true) {
      long from = tree.size() + 1;
      List<ConsentEntry> page = storage.transact(tx -> tx.consents().read(from, pageSize));
      for (ConsentEntry entry : page) {
        add(entry, before);
      }
      if (page.size() < pageSize) {
        break;
      }
    }
    long size = tree.size();
    if (head.sequence() > size) {
      throw refused(
          size + 1,
          Reason.TRUNCATED,
          "the store's head is at entry "
              + head.sequence()
              + ", but the trail ends at entry "
              + size);
    }
    if (head.sequence() > 0
        && !MerkleTree.leafHash(head.hash()).equals(tree.leafHash(head.sequence() - 1))) {
      throw refused(
          head.sequence(),
          Reason.REWRITTEN,
          "the store's head records hash "
              + head.hash()
              + " for entry "
              + head.sequence()
              + ", but the entry verified there has another");
    }
    checkTrusted();
  }

  /** The verified trail must extend the trusted checkpoint; once it does, it always will. */
  private void checkTrusted() {
    Checkpoint anchor = trusted;
    if (anchor == null || trustedMatched) {
      return;
    }
    long size = tree.size();
    if (size < anchor.treeSize()) {
      throw refused(
          size + 1,
          Reason.TRUNCATED,
          "the trail ends at entry "
              + size
              + ", but the trusted checkpoint covers "
              + anchor.treeSize()
              + " entries");
    }
    ConsentHash root = tree.root(anchor.treeSize());
    if (!root.equals(anchor.rootHash())) {
      throw refused(
          Math.max(1, anchor.treeSize()),
          Reason.REWRITTEN,
          "the first "
              + anchor.treeSize()
              + " entries of the trail have root "
              + root
              + ", but the trusted checkpoint of that size has root "
              + anchor.rootHash()
              + ": entries it covers were changed, removed or reordered since it was signed");
    }
    trustedMatched = true;
  }

  private void add(ConsentEntry entry, long before) {
    long expected = tree.size() + 1;
    if (entry.sequence() != expected) {
      throw refused(
          expected,
          entry.sequence() < expected ? Reason.FORGED_SEQUENCE : Reason.MISSING,
          "entry " + expected + " was expected next, but the store returned " + entry.sequence());
    }
    if (!entry.isIntact()) {
      throw refused(
          expected,
          Reason.EDITED,
          "entry "
              + expected
              + " does not match its hash: stored "
              + entry.hash()
              + ", its content hashes to "
              + entry.computeHash());
    }
    ConsentHash previous = tree.lastEntryHash();
    if (!entry.previousHash().equals(previous)) {
      boolean underTheCache = expected == before + 1 && before > 0;
      throw refused(
          expected,
          underTheCache ? Reason.REWRITTEN : Reason.BROKEN_LINK,
          "entry "
              + expected
              + " points to previous hash "
              + entry.previousHash()
              + ", but entry "
              + (expected - 1)
              + (underTheCache
                  ? " had hash " + previous + " when it was verified"
                  : "'s hash is " + previous)
              + (underTheCache
                  ? ": the entries before it were rewritten after they were certified"
                  : ""));
    }
    tree.append(entry.hash());
  }

  private static IllegalStateException refused(long sequence, Reason reason, String detail) {
    return new IllegalStateException(
        "the consent trail does not verify, so nothing was certified: "
            + reason
            + " at entry "
            + sequence
            + ": "
            + detail
            + "; run ConsentAudit.verify() and compare with the last published checkpoint ("
            + "https://tinycheckout.dev/docs/consent-proofs#every-customer-a-witness)");
  }
}

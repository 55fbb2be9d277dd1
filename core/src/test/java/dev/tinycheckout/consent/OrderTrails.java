package dev.tinycheckout.consent;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.OrderId;
import java.util.ArrayList;
import java.util.List;

/** Fixtures for certifying: trails whose entries belong to given orders. */
final class OrderTrails {
  static final CheckpointSigner SIGNER = CheckpointSigner.generate("shop.example/consent");
  static final CheckpointVerifier VERIFIER =
      CheckpointVerifier.fromVerifierKey(SIGNER.verifierKey());

  private OrderTrails() {}

  /** {@link Trails#draft} of {@code n}, recorded with the given order. */
  static ConsentDraft draft(int n, OrderId order) {
    ConsentDraft d = Trails.draft(n);
    return new ConsentDraft(
        d.subjectId(),
        d.action(),
        d.purpose(),
        d.termsVersion(),
        d.termsHash(),
        d.channel(),
        order,
        d.recordedAt(),
        d.sealedPersonalData());
  }

  /**
   * Appends one entry per element, each in its own transaction, recorded with that order.
   *
   * @return the entries as stored
   */
  static List<ConsentEntry> append(InMemoryStorage storage, List<OrderId> orders) {
    List<ConsentEntry> entries = new ArrayList<>();
    for (OrderId order : orders) {
      entries.add(
          storage.inTransaction(
              tx -> {
                int n = (int) tx.consents().head().sequence() + 1;
                return tx.consents().append(draft(n, order));
              }));
    }
    return entries;
  }

  /** Appends {@code count} entries, each of its own order. */
  static List<ConsentEntry> append(InMemoryStorage storage, int count) {
    List<OrderId> orders = new ArrayList<>();
    long first = storage.inTransaction(tx -> tx.consents().head()).sequence() + 1;
    for (int i = 0; i < count; i++) {
      orders.add(Trails.orderId(1000 + first + i));
    }
    return append(storage, orders);
  }

  /** The chain hashes of entries, in order. */
  static List<ConsentHash> hashes(List<ConsentEntry> entries) {
    return entries.stream().map(ConsentEntry::hash).toList();
  }
}

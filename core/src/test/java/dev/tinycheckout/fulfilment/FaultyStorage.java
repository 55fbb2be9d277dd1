package dev.tinycheckout.fulfilment;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.consent.ConsentLog;
import dev.tinycheckout.idempotency.IdempotencyStore;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.OrderStore;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link InMemoryStorage} that can be switched off, that fails a chosen delivery enqueue, and
 * that records what the dispatcher's fenced updates did, once they committed.
 */
public final class FaultyStorage implements CheckoutStorage {
  /** A fenced update that committed. */
  public record Recorded(
      String kind,
      DeliveryClaim claim,
      Instant now,
      Instant availableAt,
      String error,
      boolean applied,
      boolean current) {}

  public final InMemoryStorage inner = InMemoryStorage.create();
  public volatile boolean down;

  /** Fails the delivery enqueue with this index (0-based, per unit of work); -1 for none. */
  public volatile int failDeliveryEnqueue = -1;

  public final ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();

  /** Released once per recorded update that applied. */
  public final Semaphore applied = new Semaphore(0);

  public final AtomicInteger claimCalls = new AtomicInteger();

  /**
   * The delivery store calls of each committed unit of work, in order: {@code claim}, {@code
   * completeAll n} (n claims given), {@code complete}, {@code retry}, {@code dead}, {@code prune}.
   */
  public final ConcurrentLinkedQueue<List<String>> units = new ConcurrentLinkedQueue<>();

  /** The newest claim version handed out per delivery. */
  public final Map<UUID, Long> latestClaim = new ConcurrentHashMap<>();

  public FaultyStorage() {}

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    if (down) {
      throw new StorageException("the test storage is down", true, null);
    }
    List<Recorded> mine = new ArrayList<>();
    List<String> calls = new ArrayList<>();
    T result =
        inner.inTransaction(
            tx -> {
              mine.clear();
              calls.clear();
              T r = work.run(new Tx(tx, mine, calls));
              if (down) {
                throw new StorageException("the test storage went down at commit", true, null);
              }
              return r;
            });
    if (!calls.isEmpty()) {
      units.add(List.copyOf(calls));
    }
    for (Recorded r : mine) {
      recorded.add(r);
      if (r.applied()) {
        applied.release();
      }
    }
    return result;
  }

  /** The committed updates of one kind that applied. */
  public List<Recorded> applied(String kind) {
    return recorded.stream().filter(r -> r.kind().equals(kind) && r.applied()).toList();
  }

  private final class Tx implements StorageTransaction {
    private final StorageTransaction tx;
    private final List<Recorded> mine;
    private final List<String> calls;
    private int enqueues;

    Tx(StorageTransaction tx, List<Recorded> mine, List<String> calls) {
      this.tx = tx;
      this.mine = mine;
      this.calls = calls;
    }

    @Override
    public ProductStore products() {
      return tx.products();
    }

    @Override
    public OrderStore orders() {
      return tx.orders();
    }

    @Override
    public IdempotencyStore idempotency() {
      return tx.idempotency();
    }

    @Override
    public Outbox outbox() {
      return tx.outbox();
    }

    @Override
    public ConsentLog consents() {
      return tx.consents();
    }

    private boolean current(DeliveryClaim claim) {
      Long latest = latestClaim.get(claim.deliveryId());
      return latest != null && latest == claim.claimVersion();
    }

    @Override
    public DeliveryStore deliveries() {
      DeliveryStore d = tx.deliveries();
      return new DeliveryStore() {
        @Override
        public void enqueue(PendingDelivery delivery) {
          if (enqueues++ == failDeliveryEnqueue) {
            throw new StorageException("delivery enqueue failed (test)", false, null);
          }
          d.enqueue(delivery);
        }

        @Override
        public List<DeliveryClaim> claim(String owner, Instant now, Duration lease, int limit) {
          claimCalls.incrementAndGet();
          calls.add("claim");
          List<DeliveryClaim> claims = d.claim(owner, now, lease, limit);
          claims.forEach(c -> latestClaim.put(c.deliveryId(), c.claimVersion()));
          return claims;
        }

        @Override
        public boolean complete(DeliveryClaim claim, Instant now) {
          calls.add("complete");
          boolean ok = d.complete(claim, now);
          mine.add(new Recorded("complete", claim, now, now, "", ok, current(claim)));
          return ok;
        }

        @Override
        public List<DeliveryClaim> completeAll(List<DeliveryClaim> claims, Instant now) {
          calls.add("completeAll " + claims.size());
          List<DeliveryClaim> lost = d.completeAll(claims, now);
          for (DeliveryClaim claim : claims) {
            mine.add(
                new Recorded(
                    "complete", claim, now, now, "", !lost.contains(claim), current(claim)));
          }
          return lost;
        }

        @Override
        public boolean retryLater(DeliveryClaim claim, Instant availableAt, String error) {
          calls.add("retry");
          boolean ok = d.retryLater(claim, availableAt, error);
          mine.add(
              new Recorded("retry", claim, availableAt, availableAt, error, ok, current(claim)));
          return ok;
        }

        @Override
        public boolean deadLetter(DeliveryClaim claim, Instant now, String error) {
          calls.add("dead");
          boolean ok = d.deadLetter(claim, now, error);
          mine.add(new Recorded("dead", claim, now, now, error, ok, current(claim)));
          return ok;
        }

        @Override
        public int release(String owner, Instant now) {
          return d.release(owner, now);
        }

        @Override
        public List<DeadLetter> deadLetters(int limit) {
          return d.deadLetters(limit);
        }

        @Override
        public boolean replay(UUID deliveryId, Instant now) {
          return d.replay(deliveryId, now);
        }

        @Override
        public int pruneDone(Instant doneBefore, int limit) {
          calls.add("prune");
          return d.pruneDone(doneBefore, limit);
        }

        @Override
        public DeliveryBacklog backlog(Instant now) {
          return d.backlog(now);
        }
      };
    }
  }
}

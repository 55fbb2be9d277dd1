package dev.tinycheckout.idempotency;

import java.time.Instant;
import java.util.Optional;

/**
 * Storage SPI for idempotency records. <b>Plug-in authors implement this</b> (with the other stores
 * of a {@link dev.tinycheckout.store.CheckoutStorage}); {@code IdempotencyStoreContract} in {@code
 * tinycheckout-testkit} pins every rule below.
 *
 * <p>The store is deliberately dumb: five primitive operations on records keyed by (scope, key).
 * The rules of the IETF {@code Idempotency-Key} draft (replay, conflict, mismatch, takeover after a
 * crash, expiry) are decided by the engine in core on top of these, so every adapter gets them
 * right by construction. What the store must get right is atomicity:
 *
 * <ul>
 *   <li>{@link #insert} must let exactly one of many concurrent inserts of the same (scope, key)
 *       win, for example through a unique constraint;
 *   <li>{@link #replace} and {@link #delete} are compare-and-set on the record's {@link
 *       IdempotencyRecord#fence() fence};
 *   <li>{@link #find} should lock the record until the transaction ends where the storage can (a
 *       {@code SELECT ... FOR UPDATE}), so that a read-then-replace is not raced.
 * </ul>
 *
 * <p>An instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction} and used by
 * one thread inside that transaction only. Expired records may still be returned by {@link #find}:
 * the engine treats them as absent.
 */
public interface IdempotencyStore {

  /**
   * Finds the record of a key, locking it for the rest of the transaction where the storage can.
   *
   * @param key the scoped key
   * @return the record, or empty if there is none
   */
  Optional<IdempotencyRecord> find(IdempotencyKey key);

  /**
   * Inserts a record for a key that has none.
   *
   * @param record the record
   * @return {@code true} if inserted; {@code false} if a record for the same (scope, key) exists
   *     (or was inserted concurrently and committed first), in which case nothing changed
   */
  boolean insert(IdempotencyRecord record);

  /**
   * Replaces the record of {@code record.key()} if its current fence equals {@code expectedFence}.
   *
   * @param record the new record; its fence may equal {@code expectedFence} or exceed it
   * @param expectedFence the fence the stored record must have
   * @return {@code true} if replaced; {@code false} if there is no record or its fence differs
   */
  boolean replace(IdempotencyRecord record, long expectedFence);

  /**
   * Deletes the record of a key if its current fence equals {@code expectedFence}, so that the key
   * can be used again as if never seen.
   *
   * @param key the scoped key
   * @param expectedFence the fence the stored record must have
   * @return {@code true} if deleted; {@code false} if absent or fenced off
   */
  boolean delete(IdempotencyKey key, long expectedFence);

  /**
   * Deletes up to {@code limit} records whose {@link IdempotencyRecord#expiresAt()} is at or before
   * {@code now} and that are either completed or reference nothing ({@link
   * IdempotencyRecord#reference()} empty). An expired record that is still in progress with a
   * reference (an order awaiting payment) is kept: it is the only link from a client's retry to a
   * charge that may have happened, so only its completion may remove it. Sweepers call this in a
   * loop of short transactions; it should skip rows that other transactions hold rather than wait.
   *
   * @param now the time
   * @param limit the most records to delete, at least 1
   * @return how many were deleted
   * @throws IllegalArgumentException if limit is below 1
   */
  int deleteExpired(Instant now, int limit);
}

package dev.tinycheckout.fulfilment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Storage SPI for the deliveries of the transactional outbox: one row per (event, hook), written by
 * the write path in the order's transaction and worked off by dispatchers. <b>Plug-in authors
 * implement this</b> (with the other stores of a {@link dev.tinycheckout.store.CheckoutStorage});
 * {@code DeliveryStoreContract} in {@code tinycheckout-testkit} pins the rules.
 *
 * <p>An instance is obtained from a {@link dev.tinycheckout.store.StorageTransaction} and acts in
 * that transaction. A dispatcher calls these methods in short units of work of its own and commits
 * at once (one unit of work may record a batch of outcomes with {@link #completeAll} and claim the
 * next batch): no handler ever runs while a transaction (or a connection) is held.
 *
 * <p>A delivery is in one of four states: <em>pending</em> (waiting, from {@code availableAt} on),
 * <em>claimed</em> (an attempt is running, until its lease runs out), <em>done</em> and
 * <em>dead</em>. Times are the caller's clock, never the database's. Arguments out of their
 * documented range (a limit below 1, a lease that is not positive, an owner that is empty or longer
 * than 128 characters) throw {@link IllegalArgumentException}. Error texts are stored cut to 2000
 * characters, never splitting a surrogate pair. A delivery's claim version only ever grows, through
 * {@link #release} and {@link #replay} too, so a stale claim can never pass the fence again.
 *
 * <p>{@link #claim} does not filter by hook: every dispatcher that shares a storage must know every
 * hook the write path enqueues for, or it will retry (and finally dead-letter) deliveries it cannot
 * run.
 */
public interface DeliveryStore {

  /**
   * Adds a pending delivery, attempt count 0. The event must have been enqueued in the {@link
   * Outbox} (in this or an earlier committed transaction).
   *
   * @param delivery the delivery
   * @throws dev.tinycheckout.StorageException if the storage fails, the delivery id exists, or the
   *     event is not in the outbox (not retryable in the last two cases)
   */
  void enqueue(PendingDelivery delivery);

  /**
   * Claims up to {@code limit} deliveries that are due, for one attempt each, and returns them with
   * their events.
   *
   * <p>Due means: pending with {@code availableAt <= now}, or claimed with a lease that ran out
   * ({@code leaseUntil <= now}: its worker is presumed dead). Of the deliveries that share a hook
   * and an ordering key, only the earliest enqueued one that is pending or claimed may be claimed
   * (so an ordered hook sees one order's events one at a time, in order, across retries); dead and
   * done ones do not block. Due deliveries are taken earliest {@code availableAt} first, then in
   * enqueue order.
   *
   * <p>Each claimed row becomes claimed by {@code owner} until {@code now + lease}, its attempt
   * count and its claim version each go up by one. Two concurrent calls, in this or another
   * process, never claim the same delivery while its lease runs (rows locked by another claimer are
   * skipped, not waited for), and a call never claims more than {@code limit}.
   *
   * @param owner the claiming dispatcher's id, 1-128 characters
   * @param now the caller's time
   * @param lease how long the attempt may take before another dispatcher may take over; positive
   * @param limit the most deliveries to claim, at least 1
   * @return the claims, possibly empty; in the order described above
   */
  List<DeliveryClaim> claim(String owner, Instant now, Duration lease, int limit);

  /**
   * Marks a claimed delivery done, if the claim still holds: the row is claimed and carries the
   * claim's version.
   *
   * @param claim the claim of the attempt that succeeded
   * @param now the caller's time
   * @return {@code true} if the row was updated; {@code false} if the claim was lost (taken over
   *     after its lease ran out, or released)
   */
  boolean complete(DeliveryClaim claim, Instant now);

  /**
   * Marks several claimed deliveries done, each only if its own claim still holds, as {@link
   * #complete} does for one: a claim that was taken over, released, retried or finished is not
   * marked done and is reported instead, and the others are marked done all the same. A claim given
   * more than once (the same delivery and claim version) counts once. A dispatcher records a batch
   * of successful attempts with one call, so a store should do it in one round trip or a few, not
   * one per claim.
   *
   * <p>The default calls {@link #complete} for each distinct claim, in the order given, so a store
   * written before this method existed keeps working; override it to update the batch at once.
   *
   * @param claims the claims of the attempts that succeeded; may be empty
   * @param now the caller's time
   * @return the claims that were lost (not marked done by this call), in the order given, each
   *     once; empty if every claim held
   */
  default List<DeliveryClaim> completeAll(List<DeliveryClaim> claims, Instant now) {
    Objects.requireNonNull(now, "now");
    List<DeliveryClaim> lost = new ArrayList<>();
    for (DeliveryClaim claim : distinctClaims(claims)) {
      if (!complete(claim, now)) {
        lost.add(claim);
      }
    }
    return List.copyOf(lost);
  }

  /** The claims without repeats (same delivery id and claim version), in the order given. */
  private static List<DeliveryClaim> distinctClaims(List<DeliveryClaim> claims) {
    Objects.requireNonNull(claims, "claims");
    Set<List<Object>> seen = new HashSet<>();
    List<DeliveryClaim> distinct = new ArrayList<>(claims.size());
    for (DeliveryClaim claim : claims) {
      Objects.requireNonNull(claim, "claim");
      if (seen.add(List.of(claim.deliveryId(), claim.claimVersion()))) {
        distinct.add(claim);
      }
    }
    return List.copyOf(distinct);
  }

  /**
   * Puts a claimed delivery back to pending for another attempt, if the claim still holds.
   *
   * @param claim the claim of the attempt that failed
   * @param availableAt when the next attempt may start
   * @param error the failure, as text; stored cut to 2000 characters
   * @return {@code true} if the row was updated; {@code false} if the claim was lost
   */
  boolean retryLater(DeliveryClaim claim, Instant availableAt, String error);

  /**
   * Gives a claimed delivery up, keeping the error, if the claim still holds.
   *
   * @param claim the claim of the last attempt
   * @param now the caller's time
   * @param error the failure, as text; stored cut to 2000 characters
   * @return {@code true} if the row was updated; {@code false} if the claim was lost
   */
  boolean deadLetter(DeliveryClaim claim, Instant now, String error);

  /**
   * Hands back every delivery claimed by {@code owner}: pending again, available at {@code now},
   * and its attempt count down by one (the attempt never ran to an end). For a graceful shutdown.
   *
   * @param owner the dispatcher's id
   * @param now the caller's time
   * @return how many were released
   */
  int release(String owner, Instant now);

  /**
   * The dead letters, earliest given up first.
   *
   * @param limit the most to return, at least 1
   * @return the dead letters; an immutable list
   */
  List<DeadLetter> deadLetters(int limit);

  /**
   * Makes a dead letter pending again, available at {@code now}, with its attempt count back at 0
   * and its last error kept until the next attempt.
   *
   * @param deliveryId the dead letter's delivery id
   * @param now the caller's time
   * @return {@code true} if it was dead and is pending now; {@code false} if there is no such dead
   *     letter
   */
  boolean replay(UUID deliveryId, Instant now);

  /**
   * Deletes up to {@code limit} done deliveries completed before {@code doneBefore}.
   *
   * @param doneBefore the retention cut-off
   * @param limit the most rows to delete, at least 1
   * @return how many were deleted
   */
  int pruneDone(Instant doneBefore, int limit);

  /**
   * How much work waits.
   *
   * @param now the caller's time (the rules above do not need it; an adapter may use it to report
   *     how much of the backlog is due)
   * @return the backlog
   */
  DeliveryBacklog backlog(Instant now);
}

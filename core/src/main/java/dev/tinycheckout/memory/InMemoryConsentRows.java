package dev.tinycheckout.memory;

import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * <b>Test support only</b>: raw access to the consent rows of an {@link InMemoryStorage}, the way
 * anyone with write access to a database can reach a consent table behind the library's back. The
 * testkit's tamper tests use it to edit, delete, reorder and forge entries and then check that
 * {@link dev.tinycheckout.consent.ConsentAudit#verify()} names the break. Nothing in tinycheckout
 * uses it, and a shop never should: it breaks the append-only rule on purpose.
 *
 * <p>Each operation runs on its own under the storage's lock, outside any unit of work.
 * Thread-safe.
 */
public final class InMemoryConsentRows {
  private final InMemoryStorage storage;

  private InMemoryConsentRows(InMemoryStorage storage) {
    this.storage = storage;
  }

  /**
   * The raw rows of a storage.
   *
   * @param storage the storage to tamper with
   * @return its rows
   */
  public static InMemoryConsentRows of(InMemoryStorage storage) {
    return new InMemoryConsentRows(Objects.requireNonNull(storage, "storage"));
  }

  /**
   * Every row, by ascending sequence, as stored.
   *
   * @return an immutable list
   */
  public List<ConsentEntry> all() {
    return locked(() -> storage.consentTrail().all());
  }

  /**
   * Stores a row at its sequence number, replacing the row there if any (an {@code UPDATE} of every
   * column, or an {@code INSERT}). Indexes follow.
   *
   * @param entry the row, which may be inconsistent in any way
   */
  public void put(ConsentEntry entry) {
    Objects.requireNonNull(entry, "entry");
    locked(
        () -> {
          storage.consentTrail().put(entry);
          return Boolean.TRUE;
        });
  }

  /**
   * Deletes the row at a sequence number.
   *
   * @param sequence the row's sequence
   * @return {@code true} if there was one
   */
  public boolean delete(long sequence) {
    return locked(() -> storage.consentTrail().remove(sequence));
  }

  /**
   * The head row that the next append chains onto.
   *
   * @return the head as stored
   */
  public ConsentHead head() {
    return locked(() -> storage.consentTrail().head());
  }

  /**
   * Overwrites the head row, as someone covering a removed tail would.
   *
   * @param head the new head row
   */
  public void setHead(ConsentHead head) {
    Objects.requireNonNull(head, "head");
    locked(
        () -> {
          storage.consentTrail().setHead(head);
          return Boolean.TRUE;
        });
  }

  private <T> T locked(Supplier<T> action) {
    return storage.underLock(action);
  }
}

package dev.tinycheckout.store;

/**
 * The storage SPI of tinycheckout: one object that runs units of work atomically over all the
 * stores the checkout writes to. <b>This is the entry point a storage plug-in author
 * implements</b>; the testkit's {@code CheckoutStorageContract} and the per-store contracts pin the
 * rules.
 *
 * <p>{@link #inTransaction} runs the work with a {@link StorageTransaction} whose stores all act in
 * one transaction: if the work returns, every change it made commits together; if it throws, none
 * of them is visible, ever, to anyone, and the exception propagates unchanged (or wrapped in a
 * {@link dev.tinycheckout.StorageException} if the commit itself failed). A JDBC adapter makes this
 * one database transaction; {@link dev.tinycheckout.memory.InMemoryStorage} makes it atomic in
 * memory.
 *
 * <p>Implementations must be thread-safe: many threads run units of work at once. A transient
 * failure the caller can simply retry (a deadlock victim, a serialization failure, a connection
 * lost mid-transaction) must surface as a {@link dev.tinycheckout.StorageException} with {@link
 * dev.tinycheckout.StorageException#isRetryable()} true. Nested calls on one thread are not
 * supported and throw {@link IllegalStateException}.
 */
public interface CheckoutStorage {

  /**
   * Runs a unit of work in one transaction.
   *
   * @param work the work; it must not keep the transaction or its stores after it returns
   * @param <T> what the work returns
   * @return what the work returned, after a successful commit
   * @throws dev.tinycheckout.StorageException if the storage fails
   * @throws IllegalStateException if called from inside another unit of work on the same thread
   */
  <T> T inTransaction(UnitOfWork<T> work);
}

package dev.tinycheckout.store;

/**
 * Work that {@link CheckoutStorage#inTransaction} runs atomically.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface UnitOfWork<T> {

  /**
   * Does the work.
   *
   * @param tx the transaction, valid only during this call
   * @return the result
   */
  T run(StorageTransaction tx);
}

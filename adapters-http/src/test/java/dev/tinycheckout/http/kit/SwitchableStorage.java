package dev.tinycheckout.http.kit;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;

/**
 * A real storage that can be made to fail on demand: while {@link #down} is set, every unit of work
 * throws a retryable {@link StorageException}, as a database that stopped answering would.
 */
final class SwitchableStorage implements CheckoutStorage {
  private final CheckoutStorage delegate;
  private volatile boolean down;

  SwitchableStorage(CheckoutStorage delegate) {
    this.delegate = delegate;
  }

  void down(boolean down) {
    this.down = down;
  }

  @Override
  public <T> T inTransaction(UnitOfWork<T> work) {
    if (down) {
      throw new StorageException("the kit switched the storage off", true, null);
    }
    return delegate.inTransaction(work);
  }
}

package dev.tinycheckout.testkit;

import dev.tinycheckout.consent.ConsentEntry;
import dev.tinycheckout.consent.ConsentHead;
import dev.tinycheckout.memory.InMemoryConsentRows;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.store.CheckoutStorage;
import java.util.List;

class InMemoryConsentTamperContractTest extends ConsentTamperContract {
  @Override
  protected CheckoutStorage newStorage() {
    return InMemoryStorage.create();
  }

  @Override
  protected Tamperer tamperer(CheckoutStorage storage) {
    return rowTamperer((InMemoryStorage) storage);
  }

  /** A tamperer over the raw rows of an in-memory storage. */
  static Tamperer rowTamperer(InMemoryStorage storage) {
    InMemoryConsentRows rows = InMemoryConsentRows.of(storage);
    return new RowTamperer() {
      @Override
      protected List<ConsentEntry> rows() {
        return rows.all();
      }

      @Override
      protected void write(ConsentEntry row) {
        rows.put(row);
      }

      @Override
      protected void remove(long sequence) {
        rows.delete(sequence);
      }

      @Override
      protected void writeHead(ConsentHead head) {
        rows.setHead(head);
      }
    };
  }
}

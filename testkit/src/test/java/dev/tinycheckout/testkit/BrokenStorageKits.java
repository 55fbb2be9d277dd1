package dev.tinycheckout.testkit;

import dev.tinycheckout.store.CheckoutStorage;

/**
 * The contract kits run against {@link BrokenStorages}. Only {@link
 * ContractKitsCatchBrokenStoragesTest} runs these, through JUnit's {@code EngineTestKit}: neither
 * this file's name nor its nested classes match the build's test includes, so a plain build never
 * runs them on their own (where they are meant to fail).
 */
final class BrokenStorageKits {
  private BrokenStorageKits() {}

  static class OversellingProductStore extends ProductStoreContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.overselling();
    }
  }

  static class OversellingCheckout extends CheckoutContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.overselling();
    }
  }

  static class OverwritingIdempotencyStore extends IdempotencyStoreContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.idempotencyInsertOverwrites();
    }
  }

  static class UnfencedIdempotencyStore extends IdempotencyStoreContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.idempotencyReplaceIgnoresTheFence();
    }
  }

  static class BlindStatusOrderStore extends OrderStoreContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.orderStatusWithoutCompare();
    }
  }

  static class IdOrderedOutbox extends OutboxContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.outboxOrderedById();
    }
  }

  static class AutoCommitStorage extends CheckoutStorageContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.autoCommit();
    }
  }

  static class AutoCommitConsentLog extends ConsentLogContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.autoCommit();
    }
  }

  static class MillisecondConsentLog extends ConsentLogContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.consentTimesToTheMillisecond();
    }
  }

  static class DamageHidingConsentTrail extends ConsentTamperContract {
    @Override
    protected CheckoutStorage newStorage() {
      return BrokenStorages.consentReadSkipsDamagedEntries();
    }

    @Override
    protected Tamperer tamperer(CheckoutStorage storage) {
      return InMemoryConsentTamperContractTest.rowTamperer(
          ((BrokenStorages.InMemoryBacked) storage).delegate());
    }
  }
}

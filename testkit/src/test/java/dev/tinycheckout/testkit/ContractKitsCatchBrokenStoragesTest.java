package dev.tinycheckout.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves that the kits fail storages with realistic bugs, by running each kit against a broken
 * storage with JUnit's {@link EngineTestKit} (both the Jupiter and the jqwik engine) and checking
 * which of its tests fail.
 */
class ContractKitsCatchBrokenStoragesTest {

  /** The method names of a kit's tests that failed and that passed, over both engines. */
  private record Run(Set<String> failed, Set<String> succeeded) {}

  private static Run run(Class<?> kit) {
    Set<String> failed = new TreeSet<>();
    Set<String> succeeded = new TreeSet<>();
    for (String engine : List.of("junit-jupiter", "jqwik")) {
      Events tests =
          EngineTestKit.engine(engine)
              .configurationParameter("jqwik.database", "target/jqwik-database-broken-storages")
              .configurationParameter("jqwik.reporting.usejunitplatform", "true")
              .selectors(selectClass(kit))
              .execute()
              .testEvents();
      assertThat(tests.aborted().count()).as("aborted tests in %s", engine).isZero();
      tests.failed().stream()
          .map(ContractKitsCatchBrokenStoragesTest::methodName)
          .forEach(failed::add);
      tests.succeeded().stream()
          .map(ContractKitsCatchBrokenStoragesTest::methodName)
          .forEach(succeeded::add);
    }
    return new Run(failed, succeeded);
  }

  private static String methodName(Event event) {
    return event
        .getTestDescriptor()
        .getSource()
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .orElseGet(() -> event.getTestDescriptor().getDisplayName());
  }

  @Test
  void theHarnessSeesNoFailureWhenAKitRunsAgainstTheInMemoryStorage() {
    Run run = run(InMemoryProductStoreContractTest.class);

    assertThat(run.failed()).isEmpty();
    assertThat(run.succeeded())
        .contains(
            "reservingOneUnitMoreThanInStockFailsAndChangesNothing",
            "stockAlwaysEqualsTheInitialStockMinusGrantedReservationsPlusReleases");
  }

  @Test
  void theProductStoreKitFailsAStoreThatOversells() {
    Run run = run(BrokenStorageKits.OversellingProductStore.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "reservingOneUnitMoreThanInStockFailsAndChangesNothing",
            "reservingFromAnEmptyStockFails",
            "concurrentReservationsSellExactlyTheStockAndNotOneUnitMore",
            "stockAlwaysEqualsTheInitialStockMinusGrantedReservationsPlusReleases");
    assertThat(run.succeeded()).contains("reservingExactlyTheStockSucceedsAndLeavesNone");
  }

  @Test
  void theCheckoutKitFailsAStoreThatOversells() {
    Run run = run(BrokenStorageKits.OversellingCheckout.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "outOfStockIsStoredAndReplayedEvenAfterARestock",
            "concurrentBuyersOfTheLastUnitsGetExactlyTheStockAndNoMore");
    assertThat(run.succeeded())
        .contains("theSameKeyAndRequestReplayTheStoredAnswerByteForByteWithoutChargingAgain");
  }

  @Test
  void theIdempotencyKitFailsAStoreWhoseInsertOverwritesAnExistingKey() {
    Run run = run(BrokenStorageKits.OverwritingIdempotencyStore.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "insertingAKeyThatHasARecordReturnsFalseAndChangesNothing",
            "ofManyConcurrentInsertsOfOneKeyEachInItsOwnUnitOfWorkExactlyOneWins");
    assertThat(run.succeeded()).contains("replaceWithAStaleFenceReturnsFalseAndChangesNothing");
  }

  @Test
  void theIdempotencyKitFailsAStoreWhoseReplaceIgnoresTheFence() {
    Run run = run(BrokenStorageKits.UnfencedIdempotencyStore.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "replaceWithAStaleFenceReturnsFalseAndChangesNothing",
            "aTakeoverRaisesTheFenceAndThenTheOldFenceIsRefused");
    assertThat(run.succeeded())
        .contains("insertingAKeyThatHasARecordReturnsFalseAndChangesNothing");
  }

  @Test
  void theOrderKitFailsAStoreWhoseStatusUpdateIsNotACompareAndSet() {
    Run run = run(BrokenStorageKits.BlindStatusOrderStore.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "updateStatusReturnsEmptyAndChangesNothingWhenTheOrderIsNotInTheExpectedStatus",
            "ofManyConcurrentWithdrawalsOfOnePaidOrderExactlyOneWins");
    assertThat(run.succeeded())
        .contains("updateStatusMovesAnOrderThatIsInTheExpectedStatusAndStampsUpdatedAt");
  }

  @Test
  void theOutboxKitFailsAnOutboxThatReturnsEventsInIdOrder() {
    Run run = run(BrokenStorageKits.IdOrderedOutbox.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "enqueuedEventsAreFoundByAggregateInEnqueueOrderNotByIdOrTime",
            "findByAggregateReturnsOnlyThatAggregatesEvents",
            "eachAggregatesEventsComeBackInEnqueueOrderHoweverTheyInterleave");
    assertThat(run.succeeded()).contains("anEventIsStoredExactlyAsGiven");
  }

  @Test
  void theStorageKitFailsAStorageThatCommitsEveryCallOnItsOwn() {
    Run run = run(BrokenStorageKits.AutoCommitStorage.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "aUnitOfWorkThatThrowsLeavesNoTraceInAnyStore",
            "aUnitOfWorkThatThrowsAnErrorIsRolledBackToo",
            "storesThrowIllegalStateExceptionWhenUsedAfterTheirUnitOfWorkReturned",
            "storesThrowIllegalStateExceptionWhenUsedAfterTheirUnitOfWorkRolledBack",
            "aNestedUnitOfWorkOnTheSameThreadThrowsIllegalStateException");
    assertThat(run.succeeded()).contains("aUnitOfWorkThatReturnsCommitsItsChangesToEveryStore");
  }

  @Test
  void theConsentKitFailsALogWhoseRolledBackAppendsLeaveGaps() {
    Run run = run(BrokenStorageKits.AutoCommitConsentLog.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "appendsOfARolledBackUnitOfWorkLeaveNoGapAndDoNotMoveTheHead",
            "keyChangesOfARolledBackUnitOfWorkLeaveNoTrace",
            "committedEntriesFormOneChainInCommitOrderWhateverRollsBack",
            "draftsStagedByARolledBackUnitOfWorkAreNeverChained",
            "aChainingUnitOfWorkThatRollsBackLeavesItsDraftsStaged");
    assertThat(run.succeeded())
        .contains("concurrentAppendsFromManyThreadsAndInstancesFormOneUnbrokenChain");
  }

  @Test
  void theConsentKitFailsALogThatKeepsOnlyMilliseconds() {
    Run run = run(BrokenStorageKits.MillisecondConsentLog.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "appendsAreNumberedFromOneAndEachIsChainedToTheOneBefore",
            "everyDraftFieldIsStoredAndReadBackExactly",
            "readReturnsPagesByAscendingSequenceFromTheGivenNumber",
            "findByOrderAndBySubjectReturnOnlyTheirEntriesByAscendingSequence",
            "concurrentAppendsFromManyThreadsAndInstancesFormOneUnbrokenChain",
            "committedEntriesFormOneChainInCommitOrderWhateverRollsBack",
            "aChainingUnitOfWorkThatRollsBackLeavesItsDraftsStaged",
            "concurrentStagesAndChainersFromManyThreadsAndInstancesChainEveryDraftExactlyOnce",
            "stagedDraftsAndAppendsShareOneChain",
            "stagedDraftsAreChainedExactlyOnceInTheOrderTheyWereStaged");
    assertThat(run.succeeded())
        .contains("aSubjectHasNoKeyUntilOneIsCreatedAndThenAlwaysTheSameOne");
  }

  @Test
  void theTamperKitFailsAStoreThatHidesDamagedEntries() {
    Run run = run(BrokenStorageKits.DamageHidingConsentTrail.class);

    assertThat(run.failed())
        .containsExactlyInAnyOrder(
            "changingAnyFieldOfAnEntryIsCaughtAsEditedAtThatEntry",
            "changingTheFirstOrTheLastEntryIsCaughtAsEditedThere",
            "aForgedEntryWithAWrongHashIsCaughtAsEdited",
            "twoEntriesThatTradedPlacesAreCaughtAsOutOfOrder",
            "neighboursThatTradedPlacesAreCaughtAsOutOfOrder",
            "anEntryRenumberedPastTheEndIsCaughtAsAForgedSequence",
            "theLastEntryRenumberedIsCaughtAsAForgedSequence",
            "anySingleCharacterChangeOfAnyFieldOfAnyEntryFailsVerificationAtThatEntry");
    assertThat(run.succeeded()).contains("aDeletedEntryIsCaughtAsMissing");
  }
}

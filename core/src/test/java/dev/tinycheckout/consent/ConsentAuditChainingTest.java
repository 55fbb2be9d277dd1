package dev.tinycheckout.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.StorageException;
import dev.tinycheckout.ValidationException;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.Email;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.StorageTransaction;
import dev.tinycheckout.store.UnitOfWork;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsentAudit#record}: consent staged in the caller's transaction and chained afterwards,
 * by {@link ConsentAudit#chainSoon()} on the chain executor or by the next read.
 */
class ConsentAuditChainingTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Email ANN = Email.of("ann@example.org");

  /** An executor that runs nothing until told to: what chainSoon submitted, in order. */
  private final ArrayDeque<Runnable> submitted = new ArrayDeque<>();

  private final InMemoryStorage storage = InMemoryStorage.create();
  private final ConsentAudit audit =
      ConsentAudit.builder(storage).subjectSecret(SECRET).chainExecutor(submitted::add).build();

  private static ConsentEvidence evidence(int order) {
    return ConsentEvidence.of(
        ANN,
        ConsentAction.GRANTED,
        ConsentPurpose.TERMS_OF_SALE,
        "v1",
        ConsentHash.ZERO,
        ConsentEvidence.CHANNEL_CHECKOUT,
        Trails.orderId(order),
        Trails.T0);
  }

  private void record(CheckoutStorage on, int order) {
    on.inTransaction(
        tx -> {
          audit.record(tx, evidence(order));
          return Boolean.TRUE;
        });
  }

  private List<ConsentEntry> chainedOf(OrderId order) {
    return storage.inTransaction(tx -> tx.consents().findByOrder(order));
  }

  private void runSubmitted() {
    while (!submitted.isEmpty()) {
      submitted.poll().run();
    }
  }

  @Test
  void recordedConsentIsChainedOnlyAfterTheCommitByTheSubmittedPass() {
    record(storage, 1);
    assertThat(chainedOf(Trails.orderId(1))).as("staged, not chained yet").isEmpty();

    audit.chainSoon();
    assertThat(submitted).hasSize(1);
    runSubmitted();

    assertThat(chainedOf(Trails.orderId(1))).hasSize(1);
    assertThat(audit.verify().valid()).isTrue();
  }

  @Test
  void awaitingChainingWaitsForTheDuePassAndReportsWhenItIsDone() throws Exception {
    record(storage, 1);
    audit.chainSoon();

    assertThat(audit.awaitChaining(Duration.ofMillis(50))).as("a pass is due").isFalse();
    Thread runner = new Thread(this::runSubmitted);
    runner.start();
    assertThat(audit.awaitChaining(Duration.ofSeconds(30))).isTrue();
    runner.join();

    assertThat(chainedOf(Trails.orderId(1))).hasSize(1);
    assertThat(audit.awaitChaining(Duration.ZERO)).as("idle: no wait").isTrue();
    assertThatThrownBy(() -> audit.awaitChaining(Duration.ofSeconds(-1)))
        .isInstanceOf(ValidationException.class)
        .hasMessage("timeout: must not be negative, but was PT-1S");
  }

  @Test
  void callsWhileAPassIsPendingAreCoalescedIntoOneMorePass() {
    record(storage, 1);
    audit.chainSoon();
    audit.chainSoon();
    audit.chainSoon();
    assertThat(submitted).as("one pass submitted for three calls").hasSize(1);

    runSubmitted();
    record(storage, 2);
    audit.chainSoon();

    assertThat(submitted).as("idle again after the pass: the next call submits").hasSize(1);
    runSubmitted();
    assertThat(audit.head().sequence()).isEqualTo(2);
  }

  @Test
  void consentRecordedBeforeThePendingPassRunsIsChainedByIt() {
    record(storage, 1);
    audit.chainSoon();
    Runnable pass = submitted.poll();
    record(storage, 2);
    audit.chainSoon();
    assertThat(submitted).as("no second pass while one is pending").isEmpty();

    pass.run();

    assertThat(chainedOf(Trails.orderId(1))).hasSize(1);
    assertThat(chainedOf(Trails.orderId(2))).hasSize(1);
    assertThat(submitted).isEmpty();
  }

  @Test
  void everyReadChainsWhatIsStagedFirst() {
    record(storage, 1);
    assertThat(audit.head().sequence()).as("head()").isEqualTo(1);
    record(storage, 2);
    assertThat(audit.verify().entries()).as("verify()").isEqualTo(2);
    record(storage, 3);
    assertThat(audit.export(ANN)).as("export()").hasSize(3);
    record(storage, 4);
    assertThat(audit.chainPending()).as("chainPending()").isEqualTo(1);
    assertThat(audit.chainPending()).as("nothing left").isZero();
    assertThat(submitted).as("no pass was asked for").isEmpty();
  }

  @Test
  void aRejectingExecutorLeavesTheConsentStagedAndTheNextCallTriesAgain() {
    boolean[] reject = {true};
    ConsentAudit rejecting =
        ConsentAudit.builder(storage)
            .subjectSecret(SECRET)
            .chainExecutor(
                task -> {
                  if (reject[0]) {
                    throw new RejectedExecutionException("shutting down");
                  }
                  task.run();
                })
            .build();
    storage.inTransaction(
        tx -> {
          rejecting.record(tx, evidence(1));
          return Boolean.TRUE;
        });

    rejecting.chainSoon(); // logged, not thrown
    assertThat(chainedOf(Trails.orderId(1))).isEmpty();
    reject[0] = false;
    rejecting.chainSoon();

    assertThat(chainedOf(Trails.orderId(1))).hasSize(1);
  }

  @Test
  void aPassThatFailsLeavesTheConsentStagedForTheNextPass() {
    boolean[] down = {false};
    CheckoutStorage flaky =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            if (down[0]) {
              throw new StorageException("the database is down", false, null);
            }
            return storage.inTransaction(work);
          }
        };
    ConsentAudit onFlaky =
        ConsentAudit.builder(flaky).subjectSecret(SECRET).chainExecutor(Runnable::run).build();
    flaky.inTransaction(
        (StorageTransaction tx) -> {
          onFlaky.record(tx, evidence(1));
          return Boolean.TRUE;
        });

    down[0] = true;
    onFlaky.chainSoon(); // fails, logged
    assertThatThrownBy(onFlaky::chainPending).isInstanceOf(StorageException.class);
    down[0] = false;
    assertThat(chainedOf(Trails.orderId(1))).as("still staged").isEmpty();
    onFlaky.chainSoon();

    assertThat(chainedOf(Trails.orderId(1))).hasSize(1);
    assertThat(onFlaky.verify().valid()).isTrue();
  }

  @Test
  void aRolledBackRecordIsNeverChained() {
    assertThatThrownBy(
            () ->
                storage.inTransaction(
                    tx -> {
                      audit.record(tx, evidence(1));
                      throw new IllegalStateException("rolled back");
                    }))
        .hasMessage("rolled back");

    assertThat(audit.chainPending()).isZero();
    assertThat(audit.head()).isEqualTo(ConsentHead.EMPTY);
    assertThat(Optional.of(audit.export(ANN))).contains(List.of());
  }
}

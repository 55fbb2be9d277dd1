package dev.tinycheckout.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyRecordTest {
  private static final IdempotencyKey KEY = IdempotencyKey.scoped("client-1", "k1");
  private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/checkout");
  private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
  private static final Instant LEASE_END = NOW.plusSeconds(30);
  private static final Instant EXPIRY = NOW.plus(Duration.ofHours(24));
  private static final StoredResponse ANSWER =
      new StoredResponse(201, Map.of("Location", "/orders/1"), new byte[] {1, 2});

  private static IdempotencyRecord claimed() {
    return IdempotencyRecord.claimed(KEY, FINGERPRINT, 1, NOW, LEASE_END, EXPIRY);
  }

  private static IdempotencyRecord record(
      long fence, Instant expiresAt, String recoveryPoint, String reference) {
    return new IdempotencyRecord(
        KEY,
        FINGERPRINT,
        fence,
        NOW,
        LEASE_END,
        expiresAt,
        recoveryPoint,
        reference,
        Optional.empty());
  }

  private static ValidationException refusal(Runnable construction) {
    return catchThrowableOfType(ValidationException.class, construction::run);
  }

  @Test
  void aClaimStartsInProgressAtStartedWithNoReference() {
    IdempotencyRecord record = claimed();

    assertThat(record.recoveryPoint()).isEqualTo(IdempotencyRecord.STARTED);
    assertThat(record.reference()).isEmpty();
    assertThat(record.response()).isEmpty();
    assertThat(record.isCompleted()).isFalse();
    assertThat(record.fence()).isEqualTo(1);
    assertThat(record.createdAt()).isEqualTo(NOW);
  }

  @Test
  void refusesFenceZero() {
    ValidationException e = refusal(() -> record(0, EXPIRY, "started", ""));

    assertThat(e.field()).isEqualTo("fence");
    assertThat(e.reason()).contains("but was 0");
  }

  @Test
  void refusesExpiryBeforeCreation() {
    ValidationException e = refusal(() -> record(1, NOW.minusNanos(1), "started", ""));

    assertThat(e.field()).isEqualTo("expiresAt");
  }

  @Test
  void acceptsExpiryAtCreation() {
    assertThat(record(1, NOW, "started", "").expiresAt()).isEqualTo(NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"payment-requested", "a", "finished", "step-2"})
  void acceptsRecoveryPointsOfLowerCaseLettersDigitsAndHyphens(String point) {
    assertThat(record(1, EXPIRY, point, "").recoveryPoint()).isEqualTo(point);
  }

  @Test
  void acceptsARecoveryPointOfThirtyTwoCharacters() {
    assertThat(record(1, EXPIRY, "p".repeat(32), "").recoveryPoint()).hasSize(32);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Started", "1st", "-x", "has space", "under_score", "x\n"})
  void refusesAMalformedRecoveryPoint(String point) {
    ValidationException e = refusal(() -> record(1, EXPIRY, point, ""));

    assertThat(e.field()).isEqualTo("recoveryPoint");
  }

  @Test
  void refusesARecoveryPointOfThirtyThreeCharacters() {
    ValidationException e = refusal(() -> record(1, EXPIRY, "p".repeat(33), ""));

    assertThat(e.field()).isEqualTo("recoveryPoint");
  }

  @Test
  void acceptsAReferenceOfTwoHundredFiftyFiveCharacters() {
    assertThat(record(1, EXPIRY, "started", "r".repeat(255)).reference()).hasSize(255);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ref\n", "réf", "\u007f"})
  void refusesAReferenceThatIsNotPrintableAscii(String reference) {
    ValidationException e = refusal(() -> record(1, EXPIRY, "started", reference));

    assertThat(e.field()).isEqualTo("reference");
  }

  @Test
  void refusesAReferenceOfTwoHundredFiftySixCharacters() {
    ValidationException e = refusal(() -> record(1, EXPIRY, "started", "r".repeat(256)));

    assertThat(e.field()).isEqualTo("reference");
  }

  @Test
  void takenOverIncrementsTheFenceAndRestartsTheLease() {
    Instant newLease = NOW.plusSeconds(90);

    IdempotencyRecord taken = claimed().takenOver(newLease);

    assertThat(taken.fence()).isEqualTo(2);
    assertThat(taken.leaseExpiresAt()).isEqualTo(newLease);
  }

  @Test
  void takenOverKeepsEverythingElse() {
    IdempotencyRecord advanced = claimed().advancedTo("order-created", "order-1", LEASE_END);

    IdempotencyRecord taken = advanced.takenOver(NOW.plusSeconds(90));

    assertThat(taken)
        .usingRecursiveComparison()
        .ignoringFields("fence", "leaseExpiresAt")
        .isEqualTo(advanced);
  }

  @Test
  void eachTakeoverIncrementsTheFenceAgain() {
    IdempotencyRecord record = claimed();
    for (int i = 0; i < 5; i++) {
      record = record.takenOver(LEASE_END);
    }

    assertThat(record.fence()).isEqualTo(6);
  }

  @Test
  void advancedToMovesTheRecoveryPointAndRenewsTheLeaseWithTheSameFence() {
    Instant renewed = NOW.plusSeconds(60);

    IdempotencyRecord advanced = claimed().advancedTo("order-created", "order-1", renewed);

    assertThat(advanced.recoveryPoint()).isEqualTo("order-created");
    assertThat(advanced.reference()).isEqualTo("order-1");
    assertThat(advanced.leaseExpiresAt()).isEqualTo(renewed);
    assertThat(advanced.fence()).isEqualTo(1);
  }

  @Test
  void advancedToValidatesTheRecoveryPoint() {
    ValidationException e = refusal(() -> claimed().advancedTo("Bad Point", "", LEASE_END));

    assertThat(e.field()).isEqualTo("recoveryPoint");
  }

  @Test
  void withLeaseExpiresAtChangesOnlyTheLease() {
    IdempotencyRecord released = claimed().withLeaseExpiresAt(NOW);

    assertThat(released.leaseExpiresAt()).isEqualTo(NOW);
    assertThat(released.fence()).isEqualTo(1);
    assertThat(released.recoveryPoint()).isEqualTo(IdempotencyRecord.STARTED);
  }

  @Test
  void completedWithStoresTheAnswerWithTheSameFence() {
    IdempotencyRecord completed = claimed().takenOver(LEASE_END).completedWith("finished", ANSWER);

    assertThat(completed.isCompleted()).isTrue();
    assertThat(completed.response()).contains(ANSWER);
    assertThat(completed.recoveryPoint()).isEqualTo("finished");
    assertThat(completed.fence()).isEqualTo(2);
  }

  @Test
  void isNotExpiredJustBeforeExpiresAt() {
    assertThat(claimed().isExpired(EXPIRY.minusNanos(1))).isFalse();
  }

  @Test
  void isExpiredExactlyAtExpiresAt() {
    assertThat(claimed().isExpired(EXPIRY)).isTrue();
  }

  @Test
  void isExpiredAfterExpiresAt() {
    assertThat(claimed().isExpired(EXPIRY.plusSeconds(1))).isTrue();
  }

  @Test
  void leaseIsNotExpiredJustBeforeItsEnd() {
    assertThat(claimed().isLeaseExpired(LEASE_END.minusNanos(1))).isFalse();
  }

  @Test
  void leaseIsExpiredExactlyAtItsEnd() {
    assertThat(claimed().isLeaseExpired(LEASE_END)).isTrue();
  }

  @Test
  void leaseIsExpiredAfterItsEnd() {
    assertThat(claimed().isLeaseExpired(LEASE_END.plusMillis(1))).isTrue();
  }
}

package dev.tinycheckout.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckoutConfigTest {

  private static ValidationException refusal(Runnable configuring) {
    return catchThrowableOfType(ValidationException.class, configuring::run);
  }

  @Test
  void defaultsAreA30SecondLeaseA24HourRetentionThreeAttemptsAnd14DaysToWithdraw() {
    CheckoutConfig config = CheckoutConfig.ofDefaults();

    assertThat(config.lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(config.transactionAttempts()).isEqualTo(3);
    assertThat(config.withdrawalPeriod()).isEqualTo(Duration.ofDays(14));
  }

  @Test
  void theThreeValueConstructorKeepsTheDefaultWithdrawalPeriod() {
    CheckoutConfig config = new CheckoutConfig(Duration.ofSeconds(45), Duration.ofDays(2), 5);

    assertThat(config.withdrawalPeriod()).isEqualTo(Duration.ofDays(14));
  }

  @Test
  void anUntouchedBuilderBuildsTheDefaults() {
    assertThat(CheckoutConfig.builder().build()).isEqualTo(CheckoutConfig.ofDefaults());
  }

  @Test
  void theBuilderSetsEveryValue() {
    CheckoutConfig config =
        CheckoutConfig.builder()
            .lease(Duration.ofSeconds(45))
            .retention(Duration.ofDays(2))
            .transactionAttempts(5)
            .withdrawalPeriod(Duration.ofDays(30))
            .build();

    assertThat(config)
        .isEqualTo(
            new CheckoutConfig(Duration.ofSeconds(45), Duration.ofDays(2), 5, Duration.ofDays(30)));
  }

  @Test
  void toBuilderRoundTrips() {
    CheckoutConfig config = new CheckoutConfig(Duration.ofSeconds(45), Duration.ofDays(2), 5);

    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void toBuilderChangesOnlyWhatIsSet() {
    CheckoutConfig config = new CheckoutConfig(Duration.ofSeconds(45), Duration.ofDays(2), 5);

    CheckoutConfig changed = config.toBuilder().transactionAttempts(7).build();

    assertThat(changed)
        .isEqualTo(new CheckoutConfig(Duration.ofSeconds(45), Duration.ofDays(2), 7));
    assertThat(config.transactionAttempts()).isEqualTo(5);
  }

  @Test
  void aZeroLeaseIsRefusedAtOnceWithTheBadValue() {
    ValidationException e = refusal(() -> CheckoutConfig.builder().lease(Duration.ZERO));

    assertThat(e.field()).isEqualTo("lease");
    assertThat(e.reason()).isEqualTo("must be positive, but was PT0S");
    assertThat(e).hasMessage("lease: must be positive, but was PT0S");
  }

  @Test
  void aNegativeLeaseIsRefusedWithTheBadValue() {
    ValidationException e = refusal(() -> CheckoutConfig.builder().lease(Duration.ofSeconds(-5)));

    assertThat(e.reason()).isEqualTo("must be positive, but was PT-5S");
  }

  @Test
  void aZeroRetentionIsRefusedAtOnceWithTheBadValue() {
    ValidationException e = refusal(() -> CheckoutConfig.builder().retention(Duration.ZERO));

    assertThat(e.field()).isEqualTo("retention");
    assertThat(e.reason()).isEqualTo("must be positive, but was PT0S");
  }

  @Test
  void leasesAndRetentionsBeyondTheirBoundsAreRefusedSoStoredTimesStayInRange() {
    ValidationException lease =
        refusal(() -> CheckoutConfig.builder().lease(Duration.ofHours(25)).build());
    ValidationException retention =
        refusal(() -> CheckoutConfig.builder().retention(Duration.ofDays(401)).build());

    assertThat(lease.field()).isEqualTo("lease");
    assertThat(lease.reason()).contains("at most PT24H").contains("PT25H");
    assertThat(retention.field()).isEqualTo("retention");
    assertThat(retention.reason()).contains("at most PT9600H").contains("PT9624H");
  }

  @Test
  void aRetentionNoLongerThanTheLeaseIsRefusedWhenBuilt() {
    CheckoutConfig.Builder builder =
        CheckoutConfig.builder().lease(Duration.ofMinutes(5)).retention(Duration.ofMinutes(5));

    ValidationException e = refusal(builder::build);

    assertThat(e.field()).isEqualTo("retention");
    assertThat(e.reason()).contains("longer than the lease (PT5M)").contains("but was PT5M");
  }

  @Test
  void aRetentionOneNanosecondLongerThanTheLeaseIsAccepted() {
    CheckoutConfig config =
        CheckoutConfig.builder()
            .lease(Duration.ofMinutes(5))
            .retention(Duration.ofMinutes(5).plusNanos(1))
            .build();

    assertThat(config.retention()).isGreaterThan(config.lease());
  }

  @Test
  void aLeaseLongerThanTheDefaultRetentionIsRefusedWhenBuilt() {
    CheckoutConfig.Builder builder = CheckoutConfig.builder().lease(Duration.ofHours(24));

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("retention"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 101})
  void transactionAttemptsOutside1To100AreRefusedWithTheBadValue(int attempts) {
    ValidationException e = refusal(() -> CheckoutConfig.builder().transactionAttempts(attempts));

    assertThat(e.field()).isEqualTo("transactionAttempts");
    assertThat(e.reason()).isEqualTo("must be 1-100, but was " + attempts);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100})
  void transactionAttemptsAtTheBoundsAreAccepted(int attempts) {
    assertThat(CheckoutConfig.builder().transactionAttempts(attempts).build().transactionAttempts())
        .isEqualTo(attempts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-1S", "PT8760H0.000000001S", "PT8784H"})
  void aWithdrawalPeriodNotPositiveOrOver365DaysIsRefusedAtOnceWithTheBadValue(String text) {
    Duration period = Duration.parse(text);

    ValidationException e = refusal(() -> CheckoutConfig.builder().withdrawalPeriod(period));

    assertThat(e.field()).isEqualTo("withdrawalPeriod");
    assertThat(e.reason()).isEqualTo("must be positive and at most PT8760H, but was " + period);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0.000000001S", "P1D", "P365D"})
  void aWithdrawalPeriodFromOneNanosecondTo365DaysIsAccepted(String text) {
    Duration period = Duration.parse(text);

    assertThat(CheckoutConfig.builder().withdrawalPeriod(period).build().withdrawalPeriod())
        .isEqualTo(period);
  }

  @Test
  void theConstructorValidatesTheWithdrawalPeriodToo() {
    ValidationException e =
        refusal(
            () ->
                new CheckoutConfig(
                    Duration.ofSeconds(30), Duration.ofHours(1), 3, Duration.ofDays(366)));

    assertThat(e.field()).isEqualTo("withdrawalPeriod");
    assertThat(e.reason()).isEqualTo("must be positive and at most PT8760H, but was PT8784H");
  }

  @Test
  void toBuilderKeepsTheWithdrawalPeriod() {
    CheckoutConfig config = CheckoutConfig.builder().withdrawalPeriod(Duration.ofDays(30)).build();

    assertThat(config.toBuilder().transactionAttempts(4).build().withdrawalPeriod())
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void theConstructorValidatesToo() {
    ValidationException e =
        refusal(() -> new CheckoutConfig(Duration.ZERO, Duration.ofHours(1), 3));

    assertThat(e.reason()).isEqualTo("must be positive and at most PT24H, but was PT0S");
  }

  @Test
  void aRefusedSetterLeavesTheBuilderUnchanged() {
    CheckoutConfig.Builder builder = CheckoutConfig.builder().lease(Duration.ofSeconds(10));

    refusal(() -> builder.lease(Duration.ZERO));

    assertThat(builder.build().lease()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aNullLeaseFailsNamingTheParameter() {
    assertThatThrownBy(() -> CheckoutConfig.builder().lease(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("lease");
  }
}

package dev.tinycheckout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.catalog.UnknownProductException;
import dev.tinycheckout.consent.ConsentProofException;
import dev.tinycheckout.consent.ConsentRequiredException;
import dev.tinycheckout.consent.UnreadableConsentEntryException;
import dev.tinycheckout.idempotency.IdempotencyKeyInUseException;
import dev.tinycheckout.idempotency.IdempotencyKeyReusedException;
import dev.tinycheckout.idempotency.InvalidIdempotencyKeyException;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.money.MoneyArithmeticException;
import dev.tinycheckout.order.AlreadyWithdrawnException;
import dev.tinycheckout.order.IllegalOrderTransitionException;
import dev.tinycheckout.order.OrderId;
import dev.tinycheckout.order.OrderNotFoundException;
import dev.tinycheckout.order.OrderStatus;
import dev.tinycheckout.order.WithdrawalPeriodExpiredException;
import dev.tinycheckout.order.WithdrawalRightWaivedException;
import dev.tinycheckout.payment.PaymentUnavailableException;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ExceptionHierarchyTest {
  /** Every Throwable type in core's main classes, found on disk so a new one cannot be missed. */
  private static final List<Class<?>> THROWABLES = throwablesInCore();

  private static List<Class<?>> throwablesInCore() {
    try {
      Path root =
          Path.of(
              TinyCheckoutException.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      try (Stream<Path> files = Files.walk(root)) {
        List<String> names =
            files
                .map(root::relativize)
                .map(Path::toString)
                .filter(f -> f.endsWith(".class") && !f.endsWith("-info.class"))
                .map(
                    f ->
                        f.substring(0, f.length() - ".class".length())
                            .replace(File.separatorChar, '.'))
                .toList();
        List<Class<?>> throwables = new ArrayList<>();
        for (String name : names) {
          Class<?> type = Class.forName(name, false, ExceptionHierarchyTest.class.getClassLoader());
          if (Throwable.class.isAssignableFrom(type)) {
            throwables.add(type);
          }
        }
        return throwables;
      }
    } catch (IOException | URISyntaxException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot list core's classes", e);
    }
  }

  /** One instance of every concrete exception type core throws, with whether it is retryable. */
  private static final List<Sample> SAMPLES =
      List.of(
          new Sample(new StorageException("database down", true, null), true),
          new Sample(new StorageException("schema not migrated", false, null), false),
          new Sample(new ValidationException("field", "is wrong"), false),
          new Sample(new UnknownProductException("items[0].sku", Sku.of("tea")), false),
          new Sample(new ConsentRequiredException("v2"), false),
          new Sample(new InvalidIdempotencyKeyException("must not be empty"), false),
          new Sample(new IdempotencyKeyInUseException(Duration.ofSeconds(2)), true),
          new Sample(new IdempotencyKeyReusedException(), false),
          new Sample(
              catchThrowableOfType(
                  MoneyArithmeticException.class,
                  () -> Money.of(Long.MAX_VALUE, "USD").plus(Money.of(1, "USD"))),
              false),
          new Sample(
              catchThrowableOfType(
                  MoneyArithmeticException.class,
                  () -> Money.of(1, "USD").plus(Money.of(1, "EUR"))),
              false),
          new Sample(
              new IllegalOrderTransitionException(
                  OrderId.generate(Clock.systemUTC()), OrderStatus.PAID, OrderStatus.CANCELLED),
              false),
          new Sample(new PaymentUnavailableException("timed out", null), true),
          new Sample(new OrderNotFoundException(OrderId.generate(Clock.systemUTC())), false),
          new Sample(new AlreadyWithdrawnException(OrderId.generate(Clock.systemUTC())), false),
          new Sample(
              new WithdrawalPeriodExpiredException(
                  OrderId.generate(Clock.systemUTC()), Instant.parse("2026-12-09T10:00:00Z")),
              false),
          new Sample(
              new ConsentProofException(ConsentProofException.Reason.FORK, "two roots"), false),
          new Sample(
              new WithdrawalRightWaivedException(OrderId.generate(Clock.systemUTC())), false),
          new Sample(
              new UnreadableConsentEntryException(7, "purpose: unknown value 'X'", null), false));

  private record Sample(TinyCheckoutException exception, boolean retryable) {}

  @Test
  void aPathPrefixKeepsTheSubclassAndItsAccessors() {
    ValidationException moved = new UnknownProductException("sku", Sku.of("tea")).under("items[3]");

    assertThat(moved).isInstanceOf(UnknownProductException.class);
    assertThat(moved.field()).isEqualTo("items[3].sku");
    assertThat(moved.problem()).isEqualTo("unknown-product");
    assertThat(((UnknownProductException) moved).sku()).isEqualTo(Sku.of("tea"));
  }

  @Test
  void coreDeclaresExceptionTypes() {
    assertThat(THROWABLES).contains(TinyCheckoutException.class, StorageException.class);
  }

  @Test
  void everyExceptionTypeInCoreExtendsTinyCheckoutException() {
    assertThat(THROWABLES)
        .allSatisfy(c -> assertThat(c).as(c.getName()).isAssignableTo(TinyCheckoutException.class));
  }

  @Test
  void everyExceptionTypeInCoreIsUnchecked() {
    assertThat(THROWABLES)
        .allSatisfy(c -> assertThat(c).as(c.getName()).isAssignableTo(RuntimeException.class));
  }

  @Test
  void theRootIsAbstract() {
    assertThat(Modifier.isAbstract(TinyCheckoutException.class.getModifiers())).isTrue();
  }

  @Test
  void everyConcreteExceptionTypeHasASampleInThisTest() {
    Set<String> concrete =
        THROWABLES.stream()
            .filter(c -> !Modifier.isAbstract(c.getModifiers()))
            .map(Class::getName)
            .collect(Collectors.toSet());
    Set<String> sampled =
        SAMPLES.stream().map(s -> s.exception().getClass().getName()).collect(Collectors.toSet());

    assertThat(sampled).containsExactlyInAnyOrderElementsOf(concrete);
  }

  @Test
  void everyExceptionHasANonEmptyKebabCaseProblem() {
    assertThat(SAMPLES)
        .allSatisfy(
            s ->
                assertThat(s.exception().problem())
                    .as(s.exception().getClass().getSimpleName())
                    .matches("[a-z]+(-[a-z]+)*"));
  }

  @Test
  void everyExceptionHasAMessage() {
    assertThat(SAMPLES)
        .allSatisfy(
            s ->
                assertThat(s.exception().getMessage())
                    .as(s.exception().getClass().getSimpleName())
                    .isNotBlank());
  }

  @Test
  void retryableExactlyForRetryableStorageKeyInUseAndPaymentUnavailable() {
    assertThat(SAMPLES)
        .allSatisfy(
            s ->
                assertThat(s.exception().isRetryable())
                    .as(
                        "%s (%s)",
                        s.exception().getClass().getSimpleName(), s.exception().problem())
                    .isEqualTo(s.retryable()));
  }

  @Test
  void problemsNameTheirFailure() {
    assertThat(SAMPLES)
        .extracting(s -> s.exception().problem())
        .containsExactly(
            "storage-unavailable",
            "storage-unavailable",
            "validation-failed",
            "unknown-product",
            "consent-required",
            "idempotency-key-invalid",
            "idempotency-key-in-use",
            "idempotency-key-reused",
            "money-overflow",
            "currency-mismatch",
            "illegal-order-transition",
            "payment-unavailable",
            "not-found",
            "already-withdrawn",
            "withdrawal-period-expired",
            "invalid-consent-proof",
            "withdrawal-right-waived",
            "consent-entry-unreadable");
  }

  @Test
  void underPrefixesTheFieldAndKeepsTheProblemAndReason() {
    ValidationException e = new InvalidIdempotencyKeyException("must not be empty").under("req");

    assertThat(e.field()).isEqualTo("req.Idempotency-Key");
    assertThat(e.problem()).isEqualTo("idempotency-key-invalid");
    assertThat(e.reason()).isEqualTo("must not be empty");
    assertThat(e).hasMessage("req.Idempotency-Key: must not be empty");
  }

  @Test
  void withdrawalFailuresCarryTheOrderAndPointToTheirDocsAnchor() {
    OrderId id = OrderId.generate(Clock.systemUTC());
    Instant deadline = Instant.parse("2026-12-09T10:00:00Z");

    OrderNotFoundException notFound = new OrderNotFoundException(id);
    AlreadyWithdrawnException withdrawn = new AlreadyWithdrawnException(id);
    WithdrawalPeriodExpiredException expired = new WithdrawalPeriodExpiredException(id, deadline);
    WithdrawalRightWaivedException waived = new WithdrawalRightWaivedException(id);

    assertThat(notFound.orderId()).isEqualTo(id);
    assertThat(notFound).hasMessageContaining(id.toString()).hasMessageEndingWith("#not-found)");
    assertThat(withdrawn.orderId()).isEqualTo(id);
    assertThat(withdrawn).hasMessageEndingWith("#already-withdrawn)");
    assertThat(expired.orderId()).isEqualTo(id);
    assertThat(expired.deadline()).isEqualTo(deadline);
    assertThat(expired)
        .hasMessageContaining("2026-12-09T10:00:00Z")
        .hasMessageEndingWith("#withdrawal-period-expired)");
    assertThat(waived.orderId()).isEqualTo(id);
    assertThat(waived.problem()).isEqualTo("withdrawal-right-waived");
    assertThat(waived).hasMessageEndingWith("#withdrawal-right-waived)");
  }

  @Test
  void anUnreadableConsentEntryNamesItsSequenceAndPointsToItsDocsAnchor() {
    UnreadableConsentEntryException unreadable =
        new UnreadableConsentEntryException(7, "purpose: unknown value 'X'", null);

    assertThat(unreadable.sequence()).isEqualTo(7);
    assertThat(unreadable.problem()).isEqualTo("consent-entry-unreadable");
    assertThat(unreadable)
        .hasMessageContaining("consent entry 7")
        .hasMessageContaining("unknown value 'X'")
        .hasMessageEndingWith("#consent-entry-unreadable)");
  }

  @Test
  void aConsentProofFailureCarriesItsReasonAndPointsToItsDocsAnchor() {
    ConsentProofException fork =
        new ConsentProofException(ConsentProofException.Reason.FORK, "two roots");

    assertThat(fork.reason()).isEqualTo(ConsentProofException.Reason.FORK);
    assertThat(fork)
        .hasMessageContaining("(FORK): two roots")
        .hasMessageEndingWith("#invalid-consent-proof)");
  }

  @Test
  void storageExceptionKeepsItsCause() {
    IllegalStateException cause = new IllegalStateException("deadlock");

    assertThat(new StorageException("failed", true, cause)).hasCause(cause);
  }
}

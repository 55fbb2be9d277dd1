package dev.tinycheckout.httpcache;

import static dev.tinycheckout.httpcache.Precondition.NOT_MODIFIED;
import static dev.tinycheckout.httpcache.Precondition.PRECONDITION_FAILED;
import static dev.tinycheckout.httpcache.Precondition.PROCEED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The evaluation of conditional requests, rule by rule as RFC 9110 §13 states them. */
class ConditionalRequestTest {
  private static final EntityTag CURRENT = EntityTag.strong("v7");
  private static final Instant MODIFIED = Instant.parse("2026-01-15T10:00:00Z");
  private static final String AT = "Thu, 15 Jan 2026 10:00:00 GMT";
  private static final String BEFORE = "Thu, 15 Jan 2026 09:59:59 GMT";
  private static final String AFTER = "Thu, 15 Jan 2026 10:00:01 GMT";
  private static final ResourceState STATE = ResourceState.of(CURRENT, MODIFIED);

  private static Precondition evaluate(Requests request, ResourceState state) {
    return request.build().evaluate(state);
  }

  private static Precondition evaluate(Requests request) {
    return evaluate(request, STATE);
  }

  /** RFC 9110 §13.1.1 If-Match, evaluated at step 1 of §13.2.2. */
  @Nested
  class IfMatch {
    @Test
    void aStronglyMatchingTagProceeds() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("\"v7\""))).isEqualTo(PROCEED);
    }

    @Test
    void anyMatchingTagInTheListProceeds() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("\"v5\", \"v6\", \"v7\"")))
          .isEqualTo(PROCEED);
    }

    @Test
    void noMatchingTagAnswers412() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("\"v6\""))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void aWeakTagNeverMatchesBecauseIfMatchComparesStrongly() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("W/\"v7\"")))
          .isEqualTo(PRECONDITION_FAILED);
      assertThat(
              evaluate(
                  Requests.method("PUT").ifMatch("W/\"v7\""),
                  ResourceState.of(EntityTag.weak("v7"))))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void theWildcardProceedsWhenARepresentationExists() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("*"))).isEqualTo(PROCEED);
      assertThat(
              evaluate(
                  Requests.method("PUT").ifMatch("*"),
                  new ResourceState(true, Optional.empty(), Optional.empty())))
          .isEqualTo(PROCEED);
    }

    @Test
    void theWildcardAnswers412WhenNoRepresentationExists() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("*"), ResourceState.absent()))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void aListAnswers412ForARepresentationWithoutATag() {
      assertThat(
              evaluate(
                  Requests.method("PUT").ifMatch("\"v7\""), ResourceState.modifiedAt(MODIFIED)))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void aFailingIfMatchAnswers412EvenToAGet() {
      assertThat(evaluate(Requests.get().ifMatch("\"v6\""))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void anEmptyListMatchesNothing() {
      assertThat(evaluate(Requests.method("PUT").ifMatch(""))).isEqualTo(PRECONDITION_FAILED);
    }
  }

  /** RFC 9110 §13.1.4 If-Unmodified-Since, evaluated at step 2 of §13.2.2. */
  @Nested
  class IfUnmodifiedSince {
    @Test
    void aModificationBeforeOrAtTheDateProceeds() {
      assertThat(evaluate(Requests.method("PUT").ifUnmodifiedSince(AFTER))).isEqualTo(PROCEED);
      assertThat(evaluate(Requests.method("PUT").ifUnmodifiedSince(AT))).isEqualTo(PROCEED);
    }

    @Test
    void aModificationAfterTheDateAnswers412() {
      assertThat(evaluate(Requests.method("PUT").ifUnmodifiedSince(BEFORE)))
          .isEqualTo(PRECONDITION_FAILED);
      assertThat(evaluate(Requests.get().ifUnmodifiedSince(BEFORE))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void comparesAtWholeSeconds() {
      ResourceState later = ResourceState.of(CURRENT, MODIFIED.plusMillis(999));

      assertThat(evaluate(Requests.method("PUT").ifUnmodifiedSince(AT), later)).isEqualTo(PROCEED);
    }

    @Test
    void isIgnoredWhenIfMatchIsPresent() {
      assertThat(evaluate(Requests.method("PUT").ifMatch("\"v7\"").ifUnmodifiedSince(BEFORE)))
          .isEqualTo(PROCEED);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {"never", "", "Thu, 15 Jan 2026 09:59:59 GMT, Thu, 15 Jan 2026 09:59:59 GMT"})
    void isIgnoredWhenTheDateIsInvalidOrAList(String value) {
      assertThat(evaluate(Requests.method("PUT").ifUnmodifiedSince(value))).isEqualTo(PROCEED);
    }

    @Test
    void isIgnoredWhenTheResourceHasNoModificationDate() {
      assertThat(
              evaluate(Requests.method("PUT").ifUnmodifiedSince(BEFORE), ResourceState.of(CURRENT)))
          .isEqualTo(PROCEED);
    }
  }

  /** RFC 9110 §13.1.2 If-None-Match, evaluated at step 3 of §13.2.2. */
  @Nested
  class IfNoneMatch {
    @Test
    void aMatchingTagAnswers304ToGetAndHead() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v7\""))).isEqualTo(NOT_MODIFIED);
      assertThat(evaluate(Requests.method("HEAD").ifNoneMatch("\"v7\""))).isEqualTo(NOT_MODIFIED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE", "get", "head"})
    void aMatchingTagAnswers412ToAnyOtherMethod(String method) {
      assertThat(evaluate(Requests.method(method).ifNoneMatch("\"v7\"")))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void comparesWeaklySoWeakAndStrongTagsWithTheSameOpaqueTagMatch() {
      assertThat(evaluate(Requests.get().ifNoneMatch("W/\"v7\""))).isEqualTo(NOT_MODIFIED);
      assertThat(
              evaluate(
                  Requests.get().ifNoneMatch("\"v7\""), ResourceState.of(EntityTag.weak("v7"))))
          .isEqualTo(NOT_MODIFIED);
    }

    @Test
    void anyMatchingTagInTheListAnswers304() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v5\", W/\"v6\" ,\"v7\"")))
          .isEqualTo(NOT_MODIFIED);
    }

    @Test
    void noMatchingTagProceeds() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v6\", W/\"V7\""))).isEqualTo(PROCEED);
    }

    @Test
    void theWildcardAnswers304ToAGetOfAnExistingResource() {
      assertThat(evaluate(Requests.get().ifNoneMatch("*"))).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void theWildcardAnswers412ToAPutOverAnExistingResource() {
      assertThat(evaluate(Requests.method("PUT").ifNoneMatch("*"))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void theWildcardLetsAPutCreateAMissingResource() {
      assertThat(evaluate(Requests.method("PUT").ifNoneMatch("*"), ResourceState.absent()))
          .isEqualTo(PROCEED);
    }

    @Test
    void aListProceedsForARepresentationWithoutATag() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v7\""), ResourceState.modifiedAt(MODIFIED)))
          .isEqualTo(PROCEED);
    }

    @Test
    void garbageIsRefusedNamingTheHeader() {
      ValidationException e =
          catchThrowableOfType(
              ValidationException.class, () -> evaluate(Requests.get().ifNoneMatch("v7")));

      assertThat(e.field()).isEqualTo("If-None-Match");
    }
  }

  /** RFC 9110 §13.1.3 If-Modified-Since, evaluated at step 4 of §13.2.2. */
  @Nested
  class IfModifiedSince {
    @Test
    void aModificationBeforeOrAtTheDateAnswers304() {
      assertThat(evaluate(Requests.get().ifModifiedSince(AT))).isEqualTo(NOT_MODIFIED);
      assertThat(evaluate(Requests.method("HEAD").ifModifiedSince(AFTER))).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void aModificationAfterTheDateProceeds() {
      assertThat(evaluate(Requests.get().ifModifiedSince(BEFORE))).isEqualTo(PROCEED);
    }

    @Test
    void comparesAtWholeSeconds() {
      ResourceState later = ResourceState.of(CURRENT, MODIFIED.plusMillis(999));

      assertThat(evaluate(Requests.get().ifModifiedSince(AT), later)).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void acceptsTheObsoleteDateFormats() {
      Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);

      assertThat(
              Requests.get()
                  .ifModifiedSince("Thursday, 15-Jan-26 10:00:00 GMT")
                  .build()
                  .evaluate(STATE, clock))
          .isEqualTo(NOT_MODIFIED);
      assertThat(evaluate(Requests.get().ifModifiedSince("Thu Jan 15 10:00:00 2026")))
          .isEqualTo(NOT_MODIFIED);
    }

    @Test
    void isIgnoredWhenIfNoneMatchIsPresent() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v6\"").ifModifiedSince(AFTER)))
          .isEqualTo(PROCEED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void isIgnoredForMethodsOtherThanGetAndHead(String method) {
      assertThat(evaluate(Requests.method(method).ifModifiedSince(AFTER))).isEqualTo(PROCEED);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "tomorrow",
          "Thu, 15 Jan 2026 10:00:00 GMT, Thu, 15 Jan 2026 10:00:00 GMT",
          "Thu, 15 Jan 2026 10:00:00 UTC",
          "-1"
        })
    void isIgnoredWhenTheDateIsInvalidOrAList(String value) {
      assertThat(evaluate(Requests.get().ifModifiedSince(value))).isEqualTo(PROCEED);
    }

    @Test
    void isIgnoredWhenTheResourceHasNoModificationDate() {
      assertThat(evaluate(Requests.get().ifModifiedSince(AFTER), ResourceState.of(CURRENT)))
          .isEqualTo(PROCEED);
    }
  }

  /** RFC 9110 §13.2.2: the order of precedence when several preconditions are present. */
  @Nested
  class Precedence {
    @Test
    void aFailingIfMatchWinsOverAnIfNoneMatchThatWouldAnswer304() {
      assertThat(evaluate(Requests.get().ifMatch("\"v6\"").ifNoneMatch("\"v7\"")))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void aFailingIfUnmodifiedSinceWinsOverAnIfModifiedSinceThatWouldAnswer304() {
      assertThat(evaluate(Requests.get().ifUnmodifiedSince(BEFORE).ifModifiedSince(AFTER)))
          .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void aHoldingIfMatchLetsIfNoneMatchAnswer304() {
      assertThat(evaluate(Requests.get().ifMatch("\"v7\"").ifNoneMatch("\"v7\"")))
          .isEqualTo(NOT_MODIFIED);
    }

    @Test
    void aMatchingIfNoneMatchAnswers304EvenIfIfModifiedSinceSaysModified() {
      assertThat(evaluate(Requests.get().ifNoneMatch("\"v7\"").ifModifiedSince(BEFORE)))
          .isEqualTo(NOT_MODIFIED);
    }

    @Test
    void aMalformedIfNoneMatchIsRefusedEvenWhenIfMatchFails() {
      assertThatThrownBy(() -> evaluate(Requests.get().ifMatch("\"v6\"").ifNoneMatch("v7")))
          .isInstanceOfSatisfying(
              ValidationException.class, e -> assertThat(e.field()).isEqualTo("If-None-Match"));
    }

    @Test
    void noPreconditionsProceed() {
      assertThat(evaluate(Requests.get())).isEqualTo(PROCEED);
      assertThat(evaluate(Requests.method("POST"), ResourceState.absent())).isEqualTo(PROCEED);
    }
  }

  /** RFC 9110 §13.2.1: methods that select no representation ignore every precondition. */
  @ParameterizedTest
  @ValueSource(strings = {"OPTIONS", "TRACE", "CONNECT"})
  void methodsThatSelectNoRepresentationIgnorePreconditions(String method) {
    assertThat(
            evaluate(
                Requests.method(method)
                    .ifMatch("not even a tag")
                    .ifNoneMatch("\"v7\"")
                    .ifUnmodifiedSince(BEFORE)))
        .isEqualTo(PROCEED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "G ET", "GET\r\n", "GÉT"})
  void refusesAMethodThatIsNotAToken(String method) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> Requests.method(method).build());

    assertThat(e.field()).isEqualTo("method");
  }

  @Test
  void theOutcomesCarryTheirStatusCodes() {
    assertThat(NOT_MODIFIED.statusCode()).isEqualTo(304);
    assertThat(PRECONDITION_FAILED.statusCode()).isEqualTo(412);
    assertThatThrownBy(PROCEED::statusCode).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesValidatorsForAResourceThatDoesNotExist() {
    assertThatThrownBy(() -> new ResourceState(false, Optional.of(CURRENT), Optional.empty()))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("exists"));
  }
}

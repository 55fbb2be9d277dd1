package dev.tinycheckout.httpcache;

import static dev.tinycheckout.httpcache.Precondition.NOT_MODIFIED;
import static dev.tinycheckout.httpcache.Precondition.PRECONDITION_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The laws of RFC 9110 §13.2.2 over random sets of conditional headers and random resources. Tags
 * come from a tiny alphabet and dates lie within seconds of the resource's modification, so matches
 * and mismatches, 304s and 412s all happen often.
 */
class PreconditionProperties {
  private static final Instant MODIFIED = Instant.parse("2026-01-15T10:00:00Z");
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
  private static final List<String> SEPARATORS = List.of(",", ", ", " ,\t", ",,", " , , ");

  /** Mostly GET and HEAD, the methods that can be answered 304. */
  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("GET", "HEAD")),
        Tuple.of(3, Arbitraries.of("POST", "PUT", "PATCH", "DELETE")));
  }

  @Provide
  Arbitrary<EntityTag> tags() {
    return Combinators.combine(Arbitraries.of("a", "b", "c"), Arbitraries.of(true, false))
        .as(EntityTag::new);
  }

  /** {@code *}, or 0 to 4 tags joined by commas with optional whitespace and empty elements. */
  @Provide
  Arbitrary<String> tagLists() {
    Arbitrary<String> lists =
        tags()
            .list()
            .ofMaxSize(4)
            .flatMap(
                tags ->
                    Arbitraries.of(SEPARATORS)
                        .list()
                        .ofSize(tags.size() + 1)
                        .map(
                            seps -> {
                              StringBuilder b = new StringBuilder(seps.get(0).strip());
                              for (int i = 0; i < tags.size(); i++) {
                                b.append(tags.get(i)).append(seps.get(i + 1));
                              }
                              return b.toString();
                            }));
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("*")), Tuple.of(5, lists));
  }

  /** Dates within three seconds of the modification, in all three formats, or invalid text. */
  @Provide
  Arbitrary<String> dates() {
    Arbitrary<Instant> near = Arbitraries.longs().between(-3, 3).map(MODIFIED::plusSeconds);
    return Arbitraries.frequencyOf(
        Tuple.of(4, near.map(HttpDates::format)),
        Tuple.of(1, near.map(HttpDatesProperties.RFC_850::format)),
        Tuple.of(1, near.map(HttpDatesProperties.ASCTIME::format)),
        Tuple.of(1, Arbitraries.of("", "yesterday", "-1", HttpDates.format(MODIFIED) + ", x")));
  }

  @Provide
  Arbitrary<ConditionalRequest> requests() {
    return Combinators.combine(
            methods(),
            tagLists().injectNull(0.6).map(Optional::ofNullable),
            tagLists().injectNull(0.4).map(Optional::ofNullable),
            dates().injectNull(0.4).map(Optional::ofNullable),
            dates().injectNull(0.6).map(Optional::ofNullable))
        .as(ConditionalRequest::new);
  }

  /** Absent, or present with or without each validator; modified up to a second after MODIFIED. */
  @Provide
  Arbitrary<ResourceState> states() {
    Arbitrary<Optional<Instant>> modified =
        Arbitraries.longs()
            .between(-2_000_000_000L, 2_000_000_000L)
            .map(MODIFIED::plusNanos)
            .injectNull(0.2)
            .map(Optional::ofNullable);
    Arbitrary<ResourceState> present =
        Combinators.combine(tags().injectNull(0.2).map(Optional::ofNullable), modified)
            .as((tag, lastModified) -> new ResourceState(true, tag, lastModified));
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(ResourceState.absent())), Tuple.of(6, present));
  }

  private static Precondition evaluate(ConditionalRequest request, ResourceState state) {
    Precondition answer = request.evaluate(state, CLOCK);
    Statistics.label("answer").collect(answer);
    return answer;
  }

  private static boolean isGetOrHead(ConditionalRequest request) {
    return request.method().equals("GET") || request.method().equals("HEAD");
  }

  /**
   * Law (§13.1.2): a request whose If-None-Match lists tags of which none weakly matches the
   * current tag never answers 304, whatever its other headers say.
   */
  @Property
  void neverAnswers304WhenNoRequestTagWeaklyMatches(
      @ForAll("requests") ConditionalRequest request, @ForAll("states") ResourceState state) {
    Precondition answer = evaluate(request, state);

    boolean noWeakMatch =
        request
            .ifNoneMatch()
            .map(v -> EntityTagList.parse("If-None-Match", v))
            .filter(list -> !list.any())
            .map(list -> state.etag().map(tag -> !list.containsWeakMatch(tag)).orElse(true))
            .orElse(false);
    Statistics.label("If-None-Match without a weak match").collect(noWeakMatch);
    if (noWeakMatch) {
      assertThat(answer).isNotEqualTo(NOT_MODIFIED);
    }
    Statistics.label("answer").coverage(c -> c.check(NOT_MODIFIED).percentage(p -> p > 5));
    Statistics.label("If-None-Match without a weak match")
        .coverage(c -> c.check(true).percentage(p -> p > 15));
  }

  /** Law (§13.1.2): GET or HEAD whose If-None-Match weakly matches answers 304 unless 412 first. */
  @Property
  void aWeaklyMatchingIfNoneMatchAnswers304ToGetAndHeadOr412(
      @ForAll("requests") ConditionalRequest request, @ForAll("states") ResourceState state) {
    Precondition answer = evaluate(request, state);

    boolean weakMatch =
        request
            .ifNoneMatch()
            .map(v -> EntityTagList.parse("If-None-Match", v))
            .map(
                list ->
                    list.any()
                        ? state.exists()
                        : state.etag().map(list::containsWeakMatch).orElse(false))
            .orElse(false);
    Statistics.label("If-None-Match false").collect(weakMatch);
    if (weakMatch) {
      ConditionalRequest stepsOneAndTwo =
          new ConditionalRequest(
              request.method(),
              request.ifMatch(),
              Optional.empty(),
              Optional.empty(),
              request.ifUnmodifiedSince());
      boolean failedBefore = stepsOneAndTwo.evaluate(state, CLOCK) == PRECONDITION_FAILED;
      assertThat(answer)
          .isEqualTo(isGetOrHead(request) && !failedBefore ? NOT_MODIFIED : PRECONDITION_FAILED);
    }
    Statistics.label("If-None-Match false").coverage(c -> c.check(true).percentage(p -> p > 15));
  }

  /** Law (§13.2.2 step 4): If-Modified-Since changes nothing when If-None-Match is present. */
  @Property
  void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent(
      @ForAll("requests") ConditionalRequest request,
      @ForAll("states") ResourceState state,
      @ForAll("dates") String otherDate) {
    if (request.ifNoneMatch().isEmpty()) {
      return;
    }
    Precondition answer = evaluate(request, state);

    for (Optional<String> ims : List.of(Optional.<String>empty(), Optional.of(otherDate))) {
      ConditionalRequest changed =
          new ConditionalRequest(
              request.method(),
              request.ifMatch(),
              request.ifNoneMatch(),
              ims,
              request.ifUnmodifiedSince());
      assertThat(changed.evaluate(state, CLOCK)).isEqualTo(answer);
    }
  }

  /** Law (§13.2.2 step 2): If-Unmodified-Since changes nothing when If-Match is present. */
  @Property
  void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent(
      @ForAll("requests") ConditionalRequest request,
      @ForAll("states") ResourceState state,
      @ForAll("dates") String otherDate) {
    if (request.ifMatch().isEmpty()) {
      return;
    }
    Precondition answer = evaluate(request, state);

    for (Optional<String> ius : List.of(Optional.<String>empty(), Optional.of(otherDate))) {
      ConditionalRequest changed =
          new ConditionalRequest(
              request.method(),
              request.ifMatch(),
              request.ifNoneMatch(),
              request.ifModifiedSince(),
              ius);
      assertThat(changed.evaluate(state, CLOCK)).isEqualTo(answer);
    }
  }

  /** Law (§13.2.2 step 1): a failing If-Match answers 412, whatever else the request says. */
  @Property
  void aFailingIfMatchAlwaysWinsWith412(
      @ForAll("requests") ConditionalRequest request, @ForAll("states") ResourceState state) {
    Precondition answer = evaluate(request, state);

    boolean fails =
        request
            .ifMatch()
            .map(v -> EntityTagList.parse("If-Match", v))
            .map(
                list ->
                    list.any()
                        ? !state.exists()
                        : state.etag().map(tag -> !list.containsStrongMatch(tag)).orElse(true))
            .orElse(false);
    Statistics.label("failing If-Match").collect(fails);
    if (fails) {
      assertThat(answer).isEqualTo(PRECONDITION_FAILED);
    }
    Statistics.label("failing If-Match").coverage(c -> c.check(true).percentage(p -> p > 15));
  }

  /** Law (§13.2.2 steps 3, 4): only GET and HEAD are ever answered 304. */
  @Property
  void onlyGetAndHeadAreAnswered304(
      @ForAll("requests") ConditionalRequest request, @ForAll("states") ResourceState state) {
    if (evaluate(request, state) == NOT_MODIFIED) {
      assertThat(request.method()).isIn("GET", "HEAD");
    }
  }

  /**
   * Law: a client revalidating with exactly the validators of the current 200 (its ETag in
   * If-None-Match, or its Last-Modified in If-Modified-Since) is answered 304.
   */
  @Property
  void revalidatingWithTheCurrentValidatorsAnswers304(
      @ForAll("states") ResourceState state,
      @ForAll("tagLists") String otherTags,
      @ForAll boolean useTag,
      @ForAll boolean head) {
    Optional<String> inm =
        state
            .etag()
            .filter(t -> useTag)
            .map(t -> otherTags.equals("*") ? t.toString() : otherTags + ", " + t);
    Optional<String> ims =
        inm.isPresent() ? Optional.empty() : state.lastModified().map(HttpDates::format);
    if (inm.isEmpty() && ims.isEmpty()) {
      return;
    }
    ConditionalRequest revalidation =
        new ConditionalRequest(head ? "HEAD" : "GET", Optional.empty(), inm, ims, Optional.empty());

    assertThat(evaluate(revalidation, state)).isEqualTo(NOT_MODIFIED);
  }

  /**
   * Law: random header values never make the evaluator throw anything but a ValidationException
   * naming If-Match or If-None-Match; invalid dates are ignored, never refused.
   */
  @Property
  void garbageHeadersOnlyEverThrowAValidationExceptionNamingATagHeader(
      @ForAll("methods") String method,
      @ForAll("headerText") Optional<String> ifMatch,
      @ForAll("headerText") Optional<String> ifNoneMatch,
      @ForAll("headerText") Optional<String> ifModifiedSince,
      @ForAll("headerText") Optional<String> ifUnmodifiedSince,
      @ForAll("states") ResourceState state) {
    ConditionalRequest request =
        new ConditionalRequest(method, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince);
    try {
      request.evaluate(state, CLOCK);
      Statistics.label("outcome").collect("answered");
    } catch (ValidationException e) {
      Statistics.label("outcome").collect("refused");
      assertThat(e.field()).isIn("If-Match", "If-None-Match");
      assertThat(e.field().equals("If-Match") ? ifMatch : ifNoneMatch).isPresent();
    }
    ConditionalRequest datesOnly =
        new ConditionalRequest(
            method, Optional.empty(), Optional.empty(), ifModifiedSince, ifUnmodifiedSince);
    assertThat(datesOnly.evaluate(state, CLOCK)).isNotNull();
  }

  @Provide
  Arbitrary<Optional<String>> headerText() {
    return Arbitraries.frequencyOf(
            Tuple.of(2, tagLists()),
            Tuple.of(2, dates()),
            Tuple.of(
                2,
                Arbitraries.strings()
                    .withChars("\"W/,* \tabc:0123456789GMT\r\n\u00ff")
                    .ofMaxLength(20)),
            Tuple.of(1, Arbitraries.strings().ofMaxLength(20)))
        .injectNull(0.3)
        .map(Optional::ofNullable);
  }
}

package dev.tinycheckout.httpcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code Cache-Control} (RFC 9111 §5.2.2) and {@code CDN-Cache-Control} (RFC 9213) values. */
class CacheControlTest {

  @Test
  void writesTheProductListPolicyOfTheHttpContract() {
    CacheControl products =
        CacheControl.builder()
            .publicCache()
            .maxAge(Duration.ofSeconds(60))
            .staleWhileRevalidate(Duration.ofSeconds(30))
            .build();

    assertThat(products).hasToString("public, max-age=60, stale-while-revalidate=30");
  }

  @Test
  void writesALongerSharedLifetimeForACdn() {
    CacheControl cdn =
        CacheControl.builder()
            .maxAge(Duration.ofMinutes(10))
            .staleIfError(Duration.ofDays(1))
            .build();

    assertThat(cdn).hasToString("max-age=600, stale-if-error=86400");
  }

  @Test
  void writesNoStoreForCheckoutAnswers() {
    assertThat(CacheControl.noStore()).hasToString("no-store");
  }

  @Test
  void writesEveryDirectiveInAFixedOrder() {
    CacheControl all =
        CacheControl.builder()
            .staleIfError(Duration.ofSeconds(5))
            .staleWhileRevalidate(Duration.ofSeconds(4))
            .immutable()
            .mustRevalidate()
            .sMaxAge(Duration.ofSeconds(2))
            .maxAge(Duration.ofSeconds(1))
            .publicCache()
            .build();

    assertThat(all)
        .hasToString(
            "public, max-age=1, s-maxage=2, must-revalidate, immutable,"
                + " stale-while-revalidate=4, stale-if-error=5");
  }

  @Test
  void writesPrivateNoCacheAndZeroAges() {
    assertThat(
            CacheControl.builder()
                .privateCache()
                .noCache()
                .maxAge(Duration.ZERO)
                .mustRevalidate()
                .build())
        .hasToString("private, no-cache, max-age=0, must-revalidate");
  }

  @Test
  void allowsNoStoreWithPrivateAndNoCache() {
    assertThat(CacheControl.builder().noStore().privateCache().noCache().build())
        .hasToString("private, no-cache, no-store");
  }

  @Test
  void refusesANegativeAgeNamingTheDirective() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> CacheControl.builder().maxAge(Duration.ofSeconds(-1)));

    assertThat(e.field()).isEqualTo("max-age");
    assertThat(e.reason()).contains("PT-1S");
  }

  @Test
  void refusesFractionsOfASecond() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> CacheControl.builder().staleWhileRevalidate(Duration.ofMillis(1500)));

    assertThat(e.field()).isEqualTo("stale-while-revalidate");
  }

  @Test
  void acceptsTwoToTheThirtyFirstSecondsButNotOneMore() {
    assertThat(
            CacheControl.builder()
                .sMaxAge(Duration.ofSeconds(CacheControl.MAX_SECONDS))
                .build()
                .toString())
        .isEqualTo("s-maxage=2147483648");
    assertThatThrownBy(
            () ->
                CacheControl.builder()
                    .staleIfError(Duration.ofSeconds(CacheControl.MAX_SECONDS + 1)))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void refusesNoStoreWithALifetime() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> CacheControl.builder().noStore().maxAge(Duration.ofSeconds(60)).build());

    assertThat(e.field()).isEqualTo("no-store");
    assertThat(e.reason()).contains("max-age=60");
  }

  @Test
  void refusesNoStoreWithPublic() {
    assertThatThrownBy(() -> CacheControl.builder().publicCache().noStore().build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("no-store"));
  }

  @Test
  void refusesPublicWithPrivate() {
    assertThatThrownBy(() -> CacheControl.builder().publicCache().privateCache().build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("private"));
  }

  @Test
  void refusesPrivateWithASharedLifetime() {
    assertThatThrownBy(
            () -> CacheControl.builder().privateCache().sMaxAge(Duration.ofSeconds(1)).build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("s-maxage"));
  }

  @Test
  void refusesImmutableWithoutALifetimeOrWithNoCache() {
    assertThatThrownBy(() -> CacheControl.builder().immutable().build())
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(
            () -> CacheControl.builder().immutable().noCache().maxAge(Duration.ofDays(365)).build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("immutable"));
  }

  @Test
  void refusesAnEmptyValue() {
    assertThatThrownBy(() -> CacheControl.builder().build())
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.field()).isEqualTo("Cache-Control"));
  }

  @Test
  void derivesAValueWithToBuilderLeavingTheOriginalAlone() {
    CacheControl browser =
        CacheControl.builder().publicCache().maxAge(Duration.ofSeconds(60)).build();

    CacheControl shared = browser.toBuilder().sMaxAge(Duration.ofSeconds(600)).build();

    assertThat(shared).hasToString("public, max-age=60, s-maxage=600");
    assertThat(browser).hasToString("public, max-age=60");
  }

  @Test
  void isEqualWhenTheFieldValuesAreEqual() {
    CacheControl a = CacheControl.builder().maxAge(Duration.ofSeconds(60)).publicCache().build();
    CacheControl b = CacheControl.builder().publicCache().maxAge(Duration.ofMinutes(1)).build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(CacheControl.noStore());
  }
}

package dev.tinycheckout.http.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProductCacheConfigTest {

  @Test
  void defaultsAreFiveSecondsRefreshAtFourAndTenThousandEntries() {
    ProductCacheConfig config = ProductCacheConfig.ofDefaults();

    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.refreshAfter()).isEqualTo(Duration.ofSeconds(4));
    assertThat(config.maximumSize()).isEqualTo(10_000);
    assertThat(config.warmUpLimit()).isEqualTo(10_000);
  }

  @Test
  void refreshAfterDefaultsToEightyPercentOfTheTtlChosen() {
    ProductCacheConfig config = ProductCacheConfig.builder().ttl(Duration.ofSeconds(10)).build();

    assertThat(config.refreshAfter()).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void aZeroTtlIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> ProductCacheConfig.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive and at most PT1M, but was PT0S");
  }

  @Test
  void aTtlLongerThanTheContractsMaxAgeCapIsRejected() {
    assertThatThrownBy(() -> ProductCacheConfig.builder().ttl(Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was PT1M1S");
  }

  @Test
  void aNegativeRefreshAfterIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> ProductCacheConfig.builder().refreshAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refreshAfter must be positive, but was PT-1S");
  }

  @Test
  void aRefreshAfterNotShorterThanTheTtlIsRejectedAtBuild() {
    ProductCacheConfig.Builder builder =
        ProductCacheConfig.builder().ttl(Duration.ofSeconds(5)).refreshAfter(Duration.ofSeconds(5));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refreshAfter must be shorter than the ttl PT5S, but was PT5S");
  }

  @Test
  void aMaximumSizeBelowOneIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> ProductCacheConfig.builder().maximumSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumSize must be at least 1, but was 0");
  }

  @Test
  void aNegativeWarmUpLimitIsRejectedNamingTheValue() {
    assertThatThrownBy(() -> ProductCacheConfig.builder().warmUpLimit(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("warmUpLimit must not be negative, but was -3");
  }

  @Test
  void toBuilderKeepsEveryValueThatIsNotChanged() {
    ProductCacheConfig config =
        ProductCacheConfig.builder()
            .ttl(Duration.ofSeconds(30))
            .refreshAfter(Duration.ofSeconds(20))
            .maximumSize(50)
            .warmUpLimit(7)
            .build();

    ProductCacheConfig changed = config.toBuilder().maximumSize(60).build();

    assertThat(changed.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(changed.refreshAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(changed.maximumSize()).isEqualTo(60);
    assertThat(changed.warmUpLimit()).isEqualTo(7);
  }
}

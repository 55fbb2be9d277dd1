package dev.tinycheckout.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShopPropertiesTest {

  private static ShopProperties withPrefix(String prefix, String adminToken) {
    return new ShopProperties(
        "2025-01", "Terms.", adminToken, prefix, Duration.ofSeconds(5), List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {"shop", "/shop/", "/", "/shop/*"})
  void aPathPrefixThatIsNotLikeSlashShopIsRefusedNamingIt(String prefix) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withPrefix(prefix, ""))
        .withMessageContaining("'" + prefix + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/shop", "/api/v1"})
  void theServletMappingIsThePrefixAndSlashStar(String prefix) {
    assertThat(withPrefix(prefix, "").urlMapping()).isEqualTo(prefix + "/*");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void aBlankAdminTokenMeansNone(String token) {
    assertThat(withPrefix("", token).adminToken()).isNull();
  }
}

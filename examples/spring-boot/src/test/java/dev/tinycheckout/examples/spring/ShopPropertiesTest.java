package dev.tinycheckout.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShopPropertiesTest {

  private static ShopProperties withPrefix(String prefix, String adminToken) {
    return withSecret(prefix, adminToken, null);
  }

  private static ShopProperties withSecret(
      String prefix, String adminToken, @Nullable String secret) {
    return new ShopProperties(
        "2025-01", "Terms.", adminToken, prefix, Duration.ofSeconds(5), List.of(), secret);
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

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void aBlankConsentSecretMeansNone(String secret) {
    assertThat(withSecret("", "", secret).consentSecretBytes()).isEmpty();
  }

  @Test
  void aConsentSecretIsBase64OfAtLeast32Bytes() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);

    ShopProperties properties =
        withSecret("", "", Base64.getEncoder().encodeToString(secret) + "\n");

    assertThat(properties.consentSecretBytes())
        .hasValueSatisfying(s -> assertThat(s).isEqualTo(secret));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="})
  void aConsentSecretThatIsNotBase64OfAtLeast32BytesIsRefusedNamingTheProperty(String secret) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withSecret("", "", secret))
        .withMessageContaining("tinycheckout.consent-secret");
  }
}

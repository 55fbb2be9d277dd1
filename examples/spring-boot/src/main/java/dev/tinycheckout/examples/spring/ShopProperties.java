package dev.tinycheckout.examples.spring;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The shop's {@code tinycheckout.*} settings, bound by Spring Boot from {@code
 * application.properties}, the environment ({@code TINYCHECKOUT_ADMIN_TOKEN}) or the command line
 * ({@code --tinycheckout.path-prefix=/shop}).
 *
 * @param termsVersion the version of the terms of sale a checkout's {@code acceptedTerms} must
 *     equal
 * @param termsText the text of the terms, served at {@code GET /terms}
 * @param adminToken the bearer token of the admin routes, at least 16 printable ASCII characters;
 *     {@code null} or blank leaves the admin routes closed (401 to everyone)
 * @param pathPrefix where the API is mounted: empty for the root, or a path such as {@code /shop},
 *     which the servlet strips before the API sees the request ({@code GET /shop/products} reaches
 *     it as {@code GET /products})
 * @param productMaxAge the {@code max-age} of product pages, whole seconds from 0 to 60
 * @param catalog products put into an empty catalog at start; a SKU already stored is left as it
 *     is, so stock sold before a restart stays sold
 * @param consentSecret the consent trail's subject secret, base64 of at least 32 random bytes
 *     ({@code openssl rand -base64 32}), the same on every instance and kept out of the database;
 *     {@code null} or blank uses a random one per start, which logs a warning and makes {@code
 *     /admin/consents} miss entries written before a restart
 */
@ConfigurationProperties("tinycheckout")
public record ShopProperties(
    @DefaultValue("2025-01") String termsVersion,
    @DefaultValue("Pay for what you order; withdraw within 14 days.") String termsText,
    @Nullable String adminToken,
    @DefaultValue("") String pathPrefix,
    @DefaultValue("5s") Duration productMaxAge,
    @DefaultValue List<CatalogItem> catalog,
    @Nullable String consentSecret) {

  /**
   * Checks the settings, so a bad one stops the application before it listens.
   *
   * @param termsVersion the terms version
   * @param termsText the terms text
   * @param adminToken the admin token, or {@code null}
   * @param pathPrefix empty, or {@code /} and segments without a trailing {@code /}
   * @param productMaxAge the product {@code max-age}
   * @param catalog the products to seed
   * @param consentSecret the subject secret in base64, or {@code null}
   * @throws IllegalArgumentException if the path prefix is not empty and does not start with {@code
   *     /}, ends with {@code /}, or holds {@code *}; or if the consent secret is not base64 of at
   *     least 32 bytes
   */
  public ShopProperties {
    Objects.requireNonNull(termsVersion, "termsVersion");
    Objects.requireNonNull(termsText, "termsText");
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    Objects.requireNonNull(productMaxAge, "productMaxAge");
    catalog = List.copyOf(Objects.requireNonNull(catalog, "catalog"));
    if (!pathPrefix.isEmpty()
        && (!pathPrefix.startsWith("/") || pathPrefix.endsWith("/") || pathPrefix.contains("*"))) {
      throw new IllegalArgumentException(
          "tinycheckout.path-prefix must be empty or like /shop (a leading '/', no trailing '/',"
              + " no '*'), but was '"
              + pathPrefix
              + "'");
    }
    if (adminToken != null && adminToken.isBlank()) {
      adminToken = null;
    }
    if (consentSecret != null && consentSecret.isBlank()) {
      consentSecret = null;
    }
    if (consentSecret != null) {
      decode(consentSecret);
    }
  }

  /**
   * The consent trail's subject secret, decoded.
   *
   * @return the secret's bytes, or empty if none is configured
   */
  public Optional<byte[]> consentSecretBytes() {
    return Optional.ofNullable(consentSecret).map(ShopProperties::decode);
  }

  private static byte[] decode(String base64) {
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tinycheckout.consent-secret must be base64 (such as the output of"
              + " 'openssl rand -base64 32'), but was not",
          e);
    }
    if (secret.length < 32) {
      throw new IllegalArgumentException(
          "tinycheckout.consent-secret must decode to at least 32 bytes, but had " + secret.length);
    }
    return secret;
  }

  /**
   * The servlet mapping of the API: {@code /*} at the root, {@code /shop/*} under {@code /shop}.
   *
   * @return the URL pattern
   */
  public String urlMapping() {
    return pathPrefix + "/*";
  }

  /**
   * One product of the seed catalog ({@code tinycheckout.catalog[0].sku=...}).
   *
   * @param sku the SKU
   * @param name the display name
   * @param price the unit price
   * @param stock the units in stock when first seeded
   */
  public record CatalogItem(String sku, String name, Price price, long stock) {

    /**
     * Checks that every part is present.
     *
     * @param sku the SKU
     * @param name the display name
     * @param price the unit price
     * @param stock the units in stock
     */
    public CatalogItem {
      Objects.requireNonNull(sku, "tinycheckout.catalog[].sku");
      Objects.requireNonNull(name, "tinycheckout.catalog[].name");
      Objects.requireNonNull(price, "tinycheckout.catalog[].price");
    }
  }

  /**
   * A price, as the HTTP contract writes it.
   *
   * @param amount integer minor units ({@code 100} is one dollar)
   * @param currency an ISO 4217 code such as {@code USD}
   */
  public record Price(long amount, String currency) {

    /**
     * Checks that the currency is present.
     *
     * @param amount the minor units
     * @param currency the currency code
     */
    public Price {
      Objects.requireNonNull(currency, "tinycheckout.catalog[].price.currency");
    }
  }
}

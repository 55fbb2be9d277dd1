package dev.tinycheckout.http.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The law of the writers: whatever core values they are given, the output is one well-formed JSON
 * object that a strict parser reads back with the same values (text with unpaired surrogates aside,
 * which UTF-8 cannot carry).
 */
class ContractJsonWriterProperties {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Provide
  Arbitrary<Product> products() {
    Arbitrary<String> names =
        Arbitraries.strings()
            .all()
            .ofMinLength(1)
            .ofMaxLength(200)
            .filter(s -> !s.isBlank() && s.chars().noneMatch(Character::isISOControl));
    return Combinators.combine(
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(64),
            names,
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.of("USD", "EUR", "JPY", "BHD"),
            Arbitraries.longs().greaterOrEqual(0))
        .as(
            (sku, name, amount, currency, stock) ->
                new Product(
                    Sku.of(sku), name, Money.of(amount, currency), stock, 1, Instant.EPOCH));
  }

  @Provide
  Arbitrary<List<Product>> productLists() {
    return products().list().ofMaxSize(10);
  }

  private static boolean hasNoSurrogates(String s) {
    return s.chars().noneMatch(c -> Character.isSurrogate((char) c));
  }

  /** Law: a product reads back with the same SKU, price in minor units, currency and stock. */
  @Property
  void aProductIsJsonWithItsValues(@ForAll("products") Product product) {
    JsonNode node = JSON.readTree(ContractJsonWriter.product(product));

    assertThat(node.get("sku").stringValue()).isEqualTo(product.sku().value());
    assertThat(node.get("price").get("amount").isIntegralNumber()).isTrue();
    assertThat(node.get("price").get("amount").longValue()).isEqualTo(product.price().amount());
    assertThat(node.get("price").get("currency").stringValue())
        .isEqualTo(product.price().currency().getCurrencyCode());
    assertThat(node.get("stock").longValue()).isEqualTo(product.stock());
    if (hasNoSurrogates(product.name())) {
      assertThat(node.get("name").stringValue()).isEqualTo(product.name());
    }
  }

  /** Law: a product list is JSON with one element per product. */
  @Property(tries = 100)
  void aProductListIsJsonWithEveryProduct(@ForAll("productLists") List<Product> products) {
    JsonNode node = JSON.readTree(ContractJsonWriter.products(products));

    assertThat(node.get("products").size()).isEqualTo(products.size());
  }

  /** Law: the terms are JSON with their version and text, whatever characters they hold. */
  @Property
  void theTermsAreJsonWithTheirValues(@ForAll String version, @ForAll String text) {
    JsonNode node = JSON.readTree(ContractJsonWriter.terms(version, text));

    assertThat(node.size()).isEqualTo(2);
    if (hasNoSurrogates(version) && hasNoSurrogates(text)) {
      assertThat(node.get("version").stringValue()).isEqualTo(version);
      assertThat(node.get("text").stringValue()).isEqualTo(text);
    }
  }

  /** Law: a problem is JSON with its type, status and every extension, whatever the text. */
  @Property
  void aProblemIsJsonWithItsMembers(
      @ForAll String title,
      @ForAll String detail,
      @ForAll @IntRange(min = 400, max = 599) int status,
      @ForAll String field) {
    Problem problem = Problem.of("validation-failed", title, status, detail).with("field", field);

    JsonNode node = JSON.readTree(ContractJsonWriter.problem(problem));

    assertThat(node.get("type").stringValue())
        .isEqualTo("https://tinycheckout.dev/problems/validation-failed");
    assertThat(node.get("status").intValue()).isEqualTo(status);
    assertThat(node.has("field")).isTrue();
    if (hasNoSurrogates(detail)) {
      assertThat(node.get("detail").stringValue()).isEqualTo(detail);
    }
  }

  /** Law: a failure from reading any text renders as a problem that is JSON. */
  @Property
  void theProblemForAnyRefusedBodyIsJson(@ForAll String body) {
    try {
      CheckoutRequestReader.ofDefaults().read(body);
    } catch (MalformedRequestException e) {
      JsonNode node = JSON.readTree(ContractJsonWriter.problem(Problem.from(e)));
      assertThat(node.get("status").intValue()).isEqualTo(400);
      assertThat(node.get("field").stringValue()).isNotEmpty();
    }
  }
}

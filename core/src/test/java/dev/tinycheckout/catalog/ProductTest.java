package dev.tinycheckout.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.money.Money;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProductTest {
  private static final Sku SKU = Sku.of("one-dollar-item");
  private static final Money PRICE = Money.of(100, "USD");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static Product product(String name, Money price, long stock, long version) {
    return new Product(SKU, name, price, stock, version, NOW);
  }

  private static ValidationException refusal(Runnable construction) {
    return catchThrowableOfType(ValidationException.class, construction::run);
  }

  @Test
  void holdsWhatItWasGiven() {
    Product product = product("The One Dollar Item", PRICE, 10, 1);

    assertThat(product.sku()).isEqualTo(SKU);
    assertThat(product.name()).isEqualTo("The One Dollar Item");
    assertThat(product.price()).isEqualTo(PRICE);
    assertThat(product.stock()).isEqualTo(10);
    assertThat(product.version()).isEqualTo(1);
    assertThat(product.updatedAt()).isEqualTo(NOW);
  }

  @Test
  void allowsAFreeProductWithNoStock() {
    Product product = product("Free sample", Money.of(0, "USD"), 0, 1);

    assertThat(product.price().isZero()).isTrue();
    assertThat(product.stock()).isZero();
  }

  @Test
  void refusesANegativePrice() {
    ValidationException e = refusal(() -> product("x", Money.of(-1, "USD"), 1, 1));

    assertThat(e.field()).isEqualTo("price");
    assertThat(e.reason()).contains("USD -0.01");
  }

  @Test
  void refusesNegativeStock() {
    ValidationException e = refusal(() -> product("x", PRICE, -1, 1));

    assertThat(e.field()).isEqualTo("stock");
    assertThat(e.reason()).contains("-1");
  }

  @Test
  void refusesVersionZero() {
    ValidationException e = refusal(() -> product("x", PRICE, 1, 0));

    assertThat(e.field()).isEqualTo("version");
    assertThat(e.reason()).contains("at least 1, but was 0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t \u2003"})
  void refusesABlankName(String name) {
    ValidationException e = refusal(() -> product(name, PRICE, 1, 1));

    assertThat(e.field()).isEqualTo("name");
  }

  @Test
  void acceptsANameOfTwoHundredCharacters() {
    assertThat(product("n".repeat(200), PRICE, 1, 1).name()).hasSize(200);
  }

  @Test
  void refusesANameOfTwoHundredAndOneCharacters() {
    ValidationException e = refusal(() -> product("n".repeat(201), PRICE, 1, 1));

    assertThat(e.field()).isEqualTo("name");
    assertThat(e.reason()).contains("201");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Line\nbreak", "Carriage\rreturn", "Nul\u0000", "Del\u007f", "C1\u0085"})
  void refusesControlCharactersInTheName(String name) {
    ValidationException e = refusal(() -> product(name, PRICE, 1, 1));

    assertThat(e.field()).isEqualTo("name");
    assertThat(e.reason()).contains("control characters");
  }

  @Test
  void acceptsANonAsciiName() {
    assertThat(product("Crème brûlée – 🍮", PRICE, 1, 1).name()).isEqualTo("Crème brûlée – 🍮");
  }

  @Test
  void requireValidNameReturnsAValidName() {
    assertThat(Product.requireValidName("Tea")).isEqualTo("Tea");
  }
}

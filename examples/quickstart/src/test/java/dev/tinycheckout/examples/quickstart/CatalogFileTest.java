package dev.tinycheckout.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogFileTest {
  @TempDir Path dir;

  private static List<CatalogEntry> parse(String json) {
    return CatalogFile.parse("catalog file shop.json", json.getBytes(StandardCharsets.UTF_8));
  }

  private static String product(String sku, String price, String stock) {
    return "{\"sku\": \""
        + sku
        + "\", \"name\": \"A Mug\", \"price\": "
        + price
        + ", \"stock\": "
        + stock
        + "}";
  }

  @Test
  void readsEveryProductInFileOrder() throws IOException {
    Path file = dir.resolve("shop.json");
    Files.writeString(
        file,
        "["
            + product("mug", "{\"amount\": 1250, \"currency\": \"EUR\"}", "40")
            + ", "
            + product("cup", "{\"currency\": \"JPY\", \"amount\": 500}", "0")
            + "]");

    assertThat(CatalogFile.read(file))
        .containsExactly(
            new CatalogEntry(Sku.of("mug"), "A Mug", Money.of(1250, "EUR"), 40),
            new CatalogEntry(Sku.of("cup"), "A Mug", Money.of(500, "JPY"), 0));
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = dir.resolve("nope.json");

    assertThatThrownBy(() -> CatalogFile.read(file))
        .isInstanceOf(StartupException.class)
        .hasMessage("catalog file " + file + " does not exist");
  }

  @Test
  void aDirectoryIsNotACatalog() {
    assertThatThrownBy(() -> CatalogFile.read(dir))
        .isInstanceOf(StartupException.class)
        .hasMessage("catalog file " + dir + " is a directory, not a JSON file");
  }

  @Test
  void textThatIsNotJsonIsReportedWithItsLine() {
    assertThatThrownBy(() -> parse("[\n{\"sku\": \"mug\",,}]"))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("catalog file shop.json is not valid JSON: ")
        .hasMessageContaining("(line 2, column");
  }

  @Test
  void theTopLevelMustBeAnArray() {
    assertThatThrownBy(() -> parse(product("mug", "{\"amount\": 1, \"currency\": \"EUR\"}", "1")))
        .hasMessageStartingWith("catalog file shop.json must hold a JSON array of products");
  }

  @Test
  void anEmptyCatalogIsRefused() {
    assertThatThrownBy(() -> parse("[]"))
        .hasMessage("catalog file shop.json holds no products; list at least one");
  }

  @Test
  void anUnknownMemberIsNamed() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"sku\": \"mug\", \"name\": \"A Mug\", \"price\": {\"amount\": 1,"
                        + " \"currency\": \"EUR\"}, \"stock\": 1, \"colour\": \"red\"}]"))
        .hasMessage(
            "catalog file shop.json: product [0] has the unknown member 'colour'; the members are"
                + " name, price, sku, stock");
  }

  @Test
  void aMissingMemberIsNamed() {
    assertThatThrownBy(
            () -> parse("[{\"sku\": \"mug\", \"price\": {\"amount\": 1, \"currency\": \"EUR\"}}]"))
        .hasMessage("catalog file shop.json: product [0] lacks the member 'name'");
  }

  @Test
  void aPriceIsAnObjectOfMinorUnits() {
    assertThatThrownBy(() -> parse("[" + product("mug", "12.5", "1") + "]"))
        .hasMessage(
            "catalog file shop.json: product [0].price must be a JSON object with the members"
                + " amount, currency");
    assertThatThrownBy(
            () ->
                parse("[" + product("mug", "{\"amount\": 12.5, \"currency\": \"EUR\"}", "1") + "]"))
        .hasMessage(
            "catalog file shop.json: product [0].price.amount must be a whole number of minor"
                + " units (100 for 1.00 USD), but was 12.5");
  }

  @Test
  void anUnknownCurrencyIsNamed() {
    assertThatThrownBy(
            () -> parse("[" + product("mug", "{\"amount\": 1, \"currency\": \"EURO\"}", "1") + "]"))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith("catalog file shop.json: product [0].price.currency ");
  }

  @Test
  void negativeAmountsAndStockAreRefused() {
    assertThatThrownBy(
            () -> parse("[" + product("mug", "{\"amount\": -1, \"currency\": \"EUR\"}", "1") + "]"))
        .hasMessage(
            "catalog file shop.json: product [0].price.amount must not be negative, but was -1");
    assertThatThrownBy(
            () -> parse("[" + product("mug", "{\"amount\": 1, \"currency\": \"EUR\"}", "-3") + "]"))
        .hasMessage("catalog file shop.json: product [0].stock must not be negative, but was -3");
  }

  @Test
  void stockIsAWholeNumber() {
    assertThatThrownBy(
            () ->
                parse(
                    "[" + product("mug", "{\"amount\": 1, \"currency\": \"EUR\"}", "\"5\"") + "]"))
        .hasMessage(
            "catalog file shop.json: product [0].stock must be a whole number, but was \"5\"");
  }

  @Test
  void aBadSkuIsNamed() {
    assertThatThrownBy(
            () ->
                parse(
                    "["
                        + product("mug", "{\"amount\": 1, \"currency\": \"EUR\"}", "1")
                        + ","
                        + product("no spaces", "{\"amount\": 1, \"currency\": \"EUR\"}", "1")
                        + "]"))
        .hasMessageStartingWith("catalog file shop.json: product [1].sku must be 1-64 characters");
  }

  @Test
  void aSkuMayAppearOnce() {
    String mug = product("mug", "{\"amount\": 1, \"currency\": \"EUR\"}", "1");

    assertThatThrownBy(() -> parse("[" + mug + "," + mug + "]"))
        .hasMessage(
            "catalog file shop.json: product [1] repeats the SKU 'mug'; each SKU may appear once");
  }

  @Test
  void aDuplicateKeyIsNotJson() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"sku\": \"mug\", \"sku\": \"cup\", \"name\": \"A Mug\", \"price\":"
                        + " {\"amount\": 1, \"currency\": \"EUR\"}, \"stock\": 1}]"))
        .hasMessageStartingWith("catalog file shop.json is not valid JSON: Duplicate")
        .hasMessageContaining("\"sku\"");
  }
}

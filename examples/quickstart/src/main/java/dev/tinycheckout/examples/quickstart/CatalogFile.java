package dev.tinycheckout.examples.quickstart;

import dev.tinycheckout.ValidationException;
import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a catalog file: a JSON array of products such as
 *
 * <pre>{@code
 * [{"sku": "mug", "name": "A Mug", "price": {"amount": 1250, "currency": "EUR"}, "stock": 40}]
 * }</pre>
 *
 * <p>Every product has exactly these four members; {@code amount} is in minor units (cents) and
 * {@code stock} is the units in stock when the product is first created. SKUs are distinct. Any
 * problem is reported as a {@link StartupException} whose message names the file, the product and
 * the member, so the process stops before it listens.
 */
final class CatalogFile {
  static final long MAX_BYTES = 1024 * 1024;
  static final int MAX_PRODUCTS = 10_000;

  private static final Set<String> PRODUCT_MEMBERS = Set.of("sku", "name", "price", "stock");
  private static final Set<String> PRICE_MEMBERS = Set.of("amount", "currency");
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private CatalogFile() {}

  /**
   * Reads and checks a catalog file.
   *
   * @param file the file
   * @return the products, in file order
   * @throws StartupException if the file is missing, unreadable, not JSON or breaks a rule
   */
  static List<CatalogEntry> read(Path file) {
    String where = "catalog file " + file;
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new StartupException(where + " is a directory, not a JSON file");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new StartupException(where + " is larger than 1 MiB");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new StartupException(where + " does not exist", e);
    } catch (IOException e) {
      throw new StartupException("cannot read " + where + ": " + e, e);
    }
    return parse(where, bytes);
  }

  /**
   * Checks the content of a catalog file.
   *
   * @param where names the file in messages, such as {@code catalog file shop.json}
   * @param json the file's bytes, UTF-8
   * @return the products, in file order
   * @throws StartupException if the content is not JSON or breaks a rule
   */
  static List<CatalogEntry> parse(String where, byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      throw new StartupException(
          where
              + " is not valid JSON: "
              + e.getOriginalMessage().lines().findFirst().orElse("")
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
          e);
    }
    if (root == null || root.isMissingNode() || !root.isArray()) {
      throw new StartupException(
          where
              + " must hold a JSON array of products such as [{\"sku\": \"mug\", \"name\": \"A"
              + " Mug\", \"price\": {\"amount\": 1250, \"currency\": \"EUR\"}, \"stock\": 40}]");
    }
    if (root.isEmpty()) {
      throw new StartupException(where + " holds no products; list at least one");
    }
    if (root.size() > MAX_PRODUCTS) {
      throw new StartupException(
          where + " holds " + root.size() + " products; at most " + MAX_PRODUCTS + " are allowed");
    }
    List<CatalogEntry> entries = new ArrayList<>();
    Set<Sku> seen = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      String path = where + ": product [" + i + "]";
      CatalogEntry entry = entry(path, root.get(i));
      if (!seen.add(entry.sku())) {
        throw new StartupException(
            path + " repeats the SKU '" + entry.sku().value() + "'; each SKU may appear once");
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  private static CatalogEntry entry(String path, JsonNode node) {
    requireMembers(path, node, PRODUCT_MEMBERS);
    String skuText = string(path, node, "sku");
    String name = string(path, node, "name");
    JsonNode price = node.get("price");
    requireMembers(path + ".price", price, PRICE_MEMBERS);
    long amount = wholeNumber(path + ".price", price, "amount");
    String currency = string(path + ".price", price, "currency");
    long stock = wholeNumber(path, node, "stock");
    try {
      Sku sku = Sku.of(skuText);
      Product.requireValidName(name);
      Money money = Money.of(amount, currency);
      if (amount < 0) {
        throw new ValidationException("price.amount", "must not be negative, but was " + amount);
      }
      if (stock < 0) {
        throw new ValidationException("stock", "must not be negative, but was " + stock);
      }
      return new CatalogEntry(sku, name, money, stock);
    } catch (ValidationException e) {
      String field = e.field().equals("currency") ? "price.currency" : e.field();
      throw new StartupException(path + "." + field + " " + e.reason(), e);
    }
  }

  private static void requireMembers(String path, @Nullable JsonNode node, Set<String> members) {
    if (node == null || !node.isObject()) {
      throw new StartupException(
          path + " must be a JSON object with the members " + String.join(", ", sorted(members)));
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      if (!members.contains(member.getKey())) {
        throw new StartupException(
            path
                + " has the unknown member '"
                + Settings.printable(member.getKey())
                + "'; the members are "
                + String.join(", ", sorted(members)));
      }
    }
    for (String member : sorted(members)) {
      if (!node.has(member)) {
        throw new StartupException(path + " lacks the member '" + member + "'");
      }
    }
  }

  private static String string(String path, JsonNode node, String member) {
    JsonNode value = node.get(member);
    if (value == null || !value.isString()) {
      throw new StartupException(
          path + "." + member + " must be a JSON string, but was " + describe(value));
    }
    return value.stringValue();
  }

  private static long wholeNumber(String path, JsonNode node, String member) {
    JsonNode value = node.get(member);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new StartupException(
          path
              + "."
              + member
              + " must be a whole number"
              + (member.equals("amount") ? " of minor units (100 for 1.00 USD)" : "")
              + ", but was "
              + describe(value));
    }
    return value.longValue();
  }

  private static String describe(@Nullable JsonNode value) {
    if (value == null) {
      return "missing";
    }
    String text = value.toString();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  private static List<String> sorted(Set<String> members) {
    return members.stream().sorted().toList();
  }
}

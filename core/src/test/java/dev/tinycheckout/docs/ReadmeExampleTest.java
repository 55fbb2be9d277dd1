package dev.tinycheckout.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutOutcome;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippet, compiled and run. The test also checks that the README shows exactly
 * the code between the tags below, so the two cannot drift apart.
 */
class ReadmeExampleTest {

  @Test
  void theReadmeSnippetPlacesOneOrderAndReplaysTheRetry() {
    TestPaymentGateway gateway = new TestPaymentGateway();
    // tag::readme[]
    CheckoutStorage storage = InMemoryStorage.create(); // or the JDBC adapter
    storage.inTransaction(
        tx ->
            tx.products()
                .upsert(
                    Sku.of("one-dollar-item"),
                    "The One Dollar Item",
                    Money.of(100, "USD"),
                    1_000_000,
                    Instant.now()));

    Checkout checkout =
        Checkout.builder()
            .storage(storage)
            .paymentGateway(gateway) // your provider; TestPaymentGateway approves "tok_ok"
            .termsVersion("2026-11-01")
            .build();

    CheckoutRequest request =
        CheckoutRequest.builder()
            .item("one-dollar-item", 1)
            .email("ada@example.com")
            .acceptedTerms("2026-11-01")
            .paymentToken("tok_ok")
            .build();

    CheckoutResult first = checkout.placeOrder(IdempotencyKey.of("order-7f3a"), request);
    CheckoutResult retry = checkout.placeOrder(IdempotencyKey.of("order-7f3a"), request);
    // first.outcome() == PLACED, 201 with the order as JSON;
    // retry.replayed() == true: the same bytes again, still one order and one charge.
    // end::readme[]

    assertThat(first.outcome()).isEqualTo(CheckoutOutcome.PLACED);
    assertThat(first.response().status()).isEqualTo(201);
    assertThat(retry.replayed()).isTrue();
    assertThat(retry.response()).isEqualTo(first.response());
    assertThat(retry.orderId()).isEqualTo(first.orderId());
    assertThat(gateway.approvedCharges()).isEqualTo(1);
    long stock =
        storage.inTransaction(
            tx -> tx.products().find(Sku.of("one-dollar-item")).orElseThrow().stock());
    assertThat(stock).isEqualTo(999_999);
  }

  @Test
  void theReadmeShowsExactlyTheTestedSnippet() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("README.md")) && root.getParent() != null) {
      root = root.getParent();
    }
    String readme = Files.readString(root.resolve("README.md"));
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("README.md has a ```java block").isTrue();

    String source =
        Files.readString(
            root.resolve("core/src/test/java/dev/tinycheckout/docs/ReadmeExampleTest.java"));
    String tagged =
        source.substring(
            source.indexOf("// tag::readme[]\n") + "// tag::readme[]\n".length(),
            source.indexOf("    // end::readme[]"));
    assertThat(normalize(block.group(1))).isEqualTo(normalize(tagged));
  }

  private static String normalize(String code) {
    List<String> lines = code.lines().map(String::stripTrailing).toList();
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    lines = lines.subList(from, to);
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(l -> l.isBlank() ? "" : l.substring(Math.min(indent, l.length())))
        .collect(Collectors.joining("\n"));
  }
}

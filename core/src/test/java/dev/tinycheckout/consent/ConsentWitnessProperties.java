package dev.tinycheckout.consent;

import static dev.tinycheckout.consent.OrderTrails.SIGNER;
import static dev.tinycheckout.consent.OrderTrails.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.order.OrderId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The laws of witnesses: for any trail and any way its entries belong to orders, every order's
 * witness verifies with the shop's key and reads back from its text unchanged; and changing any one
 * byte of a witness text, to any other value, makes it refused.
 */
class ConsentWitnessProperties {

  /** A trail of {@code size} entries spread over {@code orders} orders at random. */
  private record Shop(ConsentAudit audit, List<OrderId> orders, List<ConsentEntry> entries) {
    static Shop of(int size, int orderCount, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      List<OrderId> orders = new ArrayList<>();
      for (int i = 0; i < orderCount; i++) {
        orders.add(Trails.orderId(seed + i));
      }
      List<OrderId> ofEach = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        ofEach.add(orders.get(random.nextInt(orderCount)));
      }
      InMemoryStorage storage = InMemoryStorage.create();
      List<ConsentEntry> entries = OrderTrails.append(storage, ofEach);
      ConsentAudit audit =
          ConsentAudit.builder(storage)
              .subjectSecret(new byte[32])
              .pageSize(1 + random.nextInt(50))
              .checkpointSigner(SIGNER)
              .build();
      return new Shop(audit, orders, entries);
    }
  }

  /**
   * Law: every order's witness holds exactly its entries, verifies, and its text reads back equal.
   */
  @Property(tries = 100)
  void everyWitnessVerifiesAndReadsBackFromItsText(
      @ForAll @IntRange(min = 1, max = 100) int size,
      @ForAll @IntRange(min = 1, max = 6) int orderCount,
      @ForAll long seed) {
    Shop shop = Shop.of(size, orderCount, seed);

    for (OrderId order : shop.orders()) {
      List<ConsentEntry> expected =
          shop.entries().stream().filter(e -> e.orderId().equals(order)).toList();
      if (expected.isEmpty()) {
        assertThat(shop.audit().witnessFor(order)).isEmpty();
        continue;
      }
      ConsentWitness witness = shop.audit().witnessFor(order).orElseThrow();

      assertThat(witness.inclusions())
          .extracting(ConsentWitness.Inclusion::entry)
          .containsExactlyElementsOf(expected);
      assertThat(witness.verify(VERIFIER).treeSize()).isEqualTo(size);
      ConsentWitness read = ConsentWitness.parse(witness.text());
      assertThat(read).isEqualTo(witness);
      read.verify(VERIFIER);
    }
  }

  /**
   * Law: replacing any one byte of a witness text (as UTF-8) by any other value makes it refused,
   * by the parser or by the verifier, with a ConsentProofException and nothing else.
   */
  @Property(tries = 1000)
  void anyChangedByteOfAWitnessTextIsRefused(
      @ForAll @IntRange(min = 1, max = 30) int size,
      @ForAll @IntRange(min = 1, max = 3) int orderCount,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 1_000_000) int position,
      @ForAll @IntRange(min = 1, max = 255) int change) {
    Shop shop = Shop.of(size, orderCount, seed);
    OrderId order = shop.entries().get(new SplittableRandom(seed).nextInt(size)).orderId();
    byte[] text =
        shop.audit().witnessFor(order).orElseThrow().text().getBytes(StandardCharsets.UTF_8);
    int at = position % text.length;
    text[at] = (byte) (text[at] ^ change);
    String changed = new String(text, StandardCharsets.UTF_8);

    Throwable refused = catchThrowable(() -> ConsentWitness.parse(changed).verify(VERIFIER));

    assertThat(refused)
        .as("byte %d changed by xor %d", at, change)
        .isInstanceOf(ConsentProofException.class);
  }
}

package dev.tinycheckout.http.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The law: on the instance that wrote, a read after a committed write (upsert, reserve, release
 * through the invalidating storage) never returns a product older than that write, whatever reads,
 * list reads, warm-ups, background refreshes and clock advances come in between.
 */
class ReadYourWritesProperties {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final List<Sku> SKUS = List.of(Sku.of("a"), Sku.of("b"), Sku.of("c"));

  sealed interface Action {}

  record Upsert(int sku, long stock) implements Action {}

  record Reserve(int sku, int quantity) implements Action {}

  record Release(int sku, int quantity) implements Action {}

  record Read(int sku) implements Action {}

  record ReadAll() implements Action {}

  record Advance(long millis) implements Action {}

  record RunBackground() implements Action {}

  record Warm() implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> sku = Arbitraries.integers().between(0, SKUS.size() - 1);
    Arbitrary<Action> action =
        Arbitraries.oneOf(
            sku.flatMap(
                i -> Arbitraries.longs().between(0, 20).map(s -> (Action) new Upsert(i, s))),
            sku.flatMap(
                i -> Arbitraries.integers().between(1, 5).map(q -> (Action) new Reserve(i, q))),
            sku.flatMap(
                i -> Arbitraries.integers().between(1, 5).map(q -> (Action) new Release(i, q))),
            sku.map(Read::new),
            sku.map(Read::new),
            Arbitraries.just(new ReadAll()),
            Arbitraries.longs().between(1, 6000).map(Advance::new),
            Arbitraries.just(new RunBackground()),
            Arbitraries.just(new Warm()));
    return action.list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void aReadAfterACommittedWriteOnThisInstanceNeverSeesAnOlderVersion(
      @ForAll("actions") List<Action> actions) {
    MutableClock clock = new MutableClock(T0);
    InMemoryStorage storage = InMemoryStorage.create();
    storage.inTransaction(
        tx -> {
          for (Sku s : SKUS) {
            tx.products().upsert(s, "Item " + s, Money.of(100, "USD"), 10, T0);
          }
          return null;
        });
    ManualExecutor background = new ManualExecutor();
    ProductReadCache cache =
        ProductReadCache.builder().storage(storage).clock(clock).executor(background).build();
    CheckoutStorage writes = cache.invalidatingStorage();
    Map<Sku, Long> committed = new HashMap<>();
    for (Sku s : SKUS) {
      committed.put(s, 1L);
    }

    for (Action a : actions) {
      if (a instanceof Upsert u) {
        Sku s = SKUS.get(u.sku());
        Product p =
            writes.inTransaction(
                tx ->
                    tx.products()
                        .upsert(s, "Item " + s, Money.of(100, "USD"), u.stock(), clock.instant()));
        committed.put(s, p.version());
      } else if (a instanceof Reserve r) {
        Sku s = SKUS.get(r.sku());
        long version =
            writes.inTransaction(
                tx -> {
                  tx.products().reserve(s, r.quantity(), clock.instant());
                  return tx.products().find(s).orElseThrow().version();
                });
        committed.put(s, version);
      } else if (a instanceof Release r) {
        Sku s = SKUS.get(r.sku());
        long version =
            writes.inTransaction(
                tx -> {
                  tx.products().release(s, r.quantity(), clock.instant());
                  return tx.products().find(s).orElseThrow().version();
                });
        committed.put(s, version);
      } else if (a instanceof Read r) {
        Sku s = SKUS.get(r.sku());
        assertThat(cache.get(s).orElseThrow().version())
            .as("version of %s read after its committed write", s)
            .isGreaterThanOrEqualTo(committed.get(s));
      } else if (a instanceof ReadAll) {
        for (Product p : cache.all()) {
          assertThat(p.version())
              .as("version of %s in the list", p.sku())
              .isGreaterThanOrEqualTo(committed.get(p.sku()));
        }
      } else if (a instanceof Advance d) {
        clock.advance(Duration.ofMillis(d.millis()));
      } else if (a instanceof RunBackground) {
        background.runAll();
      } else if (a instanceof Warm) {
        cache.warm();
      }
    }
  }
}

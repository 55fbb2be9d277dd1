package dev.tinycheckout.testkit;

import static dev.tinycheckout.testkit.Kit.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.ProductStore;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.store.CheckoutStorage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ProductStore}: the catalog, its SKU order, versions, and conditional stock
 * changes that never oversell, also under concurrency.
 *
 * <p>To run it against an adapter, extend it and return a fresh, empty storage from {@link
 * #newStorage()}:
 *
 * <pre>
 * class JdbcProductStoreContractTest extends ProductStoreContract {
 *   &#64;Override
 *   protected CheckoutStorage newStorage() {
 *     return JdbcStorage.create(freshDatabase());
 *   }
 * }
 * </pre>
 *
 * <p>The kit holds JUnit Jupiter tests and jqwik properties, so both engines must be on the test
 * runtime classpath (they come with this artifact). Instants are compared exactly; the kit only
 * stores instants of microsecond precision.
 */
public abstract class ProductStoreContract {
  private static final Sku MUG = Sku.of("mug");
  private static final Money PRICE = Money.of(1250, "EUR");
  private static final Instant T1 = T0.plusSeconds(60);

  @SuppressWarnings("NullAway.Init") // set before each test
  private CheckoutStorage storage;

  /** For subclasses. */
  protected ProductStoreContract() {}

  /**
   * Creates the storage under test. Called before every test and every property try; it must return
   * a storage that holds nothing (no product, order, key, event or consent) and that no other test
   * uses.
   *
   * @return a fresh, empty storage
   */
  protected abstract CheckoutStorage newStorage();

  @BeforeEach
  final void createFreshStorageForTheProductStoreContract() {
    storage = newStorage();
  }

  private Product upsert(Sku sku, long stock, Instant at) {
    return storage.inTransaction(tx -> tx.products().upsert(sku, "Mug", PRICE, stock, at));
  }

  private Optional<Product> find(Sku sku) {
    return storage.inTransaction(tx -> tx.products().find(sku));
  }

  private List<Product> findAll() {
    return storage.inTransaction(tx -> tx.products().findAll());
  }

  private boolean reserve(Sku sku, int quantity, Instant at) {
    return storage.inTransaction(tx -> tx.products().reserve(sku, quantity, at));
  }

  private boolean release(Sku sku, int quantity, Instant at) {
    return storage.inTransaction(tx -> tx.products().release(sku, quantity, at));
  }

  @Test
  void aFreshStorageHoldsNoProducts() {
    assertThat(find(MUG)).isEmpty();
    assertThat(findAll()).isEmpty();
  }

  @Test
  void upsertCreatesAProductAtVersionOneWithEveryFieldAsGiven() {
    String name = "Tasse \u201cGr\u00f6\u00dfe L\u201d \u2615 \u6f22\u5b57";
    Money yen = Money.of(1_500_000, "JPY");

    Product created = storage.inTransaction(tx -> tx.products().upsert(MUG, name, yen, 42, T0));

    Product expected = new Product(MUG, name, yen, 42, 1, T0);
    assertThat(created).isEqualTo(expected);
    assertThat(find(MUG)).contains(expected);
  }

  @Test
  void upsertOfAnExistingProductReplacesNamePriceAndStockAndIncrementsTheVersion() {
    upsert(MUG, 5, T0);

    Product replaced =
        storage.inTransaction(
            tx -> tx.products().upsert(MUG, "Big mug", Money.of(1990, "EUR"), 7, T1));

    Product expected = new Product(MUG, "Big mug", Money.of(1990, "EUR"), 7, 2, T1);
    assertThat(replaced).isEqualTo(expected);
    assertThat(find(MUG)).contains(expected);
  }

  @Test
  void upsertIncrementsTheVersionEvenWhenNothingChanged() {
    upsert(MUG, 5, T0);
    upsert(MUG, 5, T0);

    assertThat(upsert(MUG, 5, T0).version()).isEqualTo(3);
    assertThat(find(MUG)).map(Product::version).contains(3L);
  }

  @Test
  void findAllListsEveryProductOrderedBySkuAsJavaComparesThem() {
    List<String> skus = List.of("b", "A", "a_b", "10", "a", "9", "a-b", "a.b", "B", "Z9");
    for (String sku : skus) {
      upsert(Sku.of(sku), 1, T0);
    }

    List<Product> all = storage.inTransaction(tx -> tx.products().findAll());

    // Case-sensitive, code-unit order: a database collation that is case-insensitive or "natural"
    // breaks it; an adapter needs a binary collation or must sort itself.
    assertThat(all)
        .extracting(p -> p.sku().value())
        .containsExactly("10", "9", "A", "B", "Z9", "a", "a-b", "a.b", "a_b", "b");
  }

  @Test
  void findAllReturnsAnImmutableList() {
    Product mug = upsert(MUG, 1, T0);

    List<Product> all = storage.inTransaction(tx -> tx.products().findAll());

    assertThatThrownBy(() -> all.add(mug)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void reservingExactlyTheStockSucceedsAndLeavesNone() {
    upsert(MUG, 3, T0);

    boolean reserved = storage.inTransaction(tx -> tx.products().reserve(MUG, 3, T1));

    assertThat(reserved).isTrue();
    assertThat(find(MUG)).map(Product::stock).contains(0L);
  }

  @Test
  void reservingOneUnitMoreThanInStockFailsAndChangesNothing() {
    Product before = upsert(MUG, 3, T0);

    boolean reserved = storage.inTransaction(tx -> tx.products().reserve(MUG, 4, T1));

    assertThat(reserved).isFalse();
    assertThat(find(MUG)).contains(before);
  }

  @Test
  void reservingFromAnEmptyStockFails() {
    Product before = upsert(MUG, 0, T0);

    assertThat(reserve(MUG, 1, T1)).isFalse();
    assertThat(find(MUG)).contains(before);
  }

  @Test
  void reservingAnUnknownProductReturnsFalseAndCreatesNothing() {
    assertThat(reserve(MUG, 1, T1)).isFalse();
    assertThat(find(MUG)).isEmpty();
  }

  @Test
  void reserveRejectsAQuantityBelowOne() {
    Product before = upsert(MUG, 3, T0);

    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.products().reserve(MUG, 0, T1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.products().reserve(MUG, -1, T1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(find(MUG)).contains(before);
  }

  @Test
  void releasingPutsUnitsBackIntoStock() {
    upsert(MUG, 2, T0);

    boolean released = storage.inTransaction(tx -> tx.products().release(MUG, 3, T1));

    assertThat(released).isTrue();
    assertThat(find(MUG)).map(Product::stock).contains(5L);
  }

  @Test
  void releasingAnUnknownProductReturnsFalseAndCreatesNothing() {
    assertThat(release(MUG, 1, T1)).isFalse();
    assertThat(find(MUG)).isEmpty();
  }

  @Test
  void releaseRejectsAQuantityBelowOne() {
    Product before = upsert(MUG, 3, T0);

    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.products().release(MUG, 0, T1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.inTransaction(tx -> tx.products().release(MUG, -5, T1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(find(MUG)).contains(before);
  }

  @Test
  void everyReservationAndReleaseIncrementsTheVersionAndSetsUpdatedAt() {
    Product created = upsert(MUG, 10, T0);
    Instant t2 = T1.plusMillis(1);
    Instant t3 = t2.plusNanos(1000);

    storage.inTransaction(tx -> tx.products().reserve(MUG, 4, T1));
    Product afterReserve = find(MUG).orElseThrow();
    storage.inTransaction(tx -> tx.products().release(MUG, 1, t2));
    Product afterRelease = find(MUG).orElseThrow();
    storage.inTransaction(tx -> tx.products().reserve(MUG, 1, t3));
    Product afterSecondReserve = find(MUG).orElseThrow();

    assertThat(afterReserve).isEqualTo(new Product(MUG, "Mug", PRICE, 6, 2, T1));
    assertThat(afterRelease).isEqualTo(new Product(MUG, "Mug", PRICE, 7, 3, t2));
    assertThat(afterSecondReserve).isEqualTo(new Product(MUG, "Mug", PRICE, 6, 4, t3));
    assertThat(created.version()).isEqualTo(1);
  }

  @Test
  void concurrentReservationsSellExactlyTheStockAndNotOneUnitMore() {
    int stock = 10;
    int buyers = 32;
    upsert(MUG, stock, T0);

    List<Boolean> reserved =
        Kit.values(
            Kit.race(
                buyers,
                buyers,
                i ->
                    Kit.inTransactionRetrying(
                        storage, tx -> tx.products().reserve(MUG, 1, T1.plusNanos(1000L * i)))));

    assertThat(reserved).filteredOn(r -> r).hasSize(stock);
    Product after = find(MUG).orElseThrow();
    assertThat(after.stock()).isZero();
    assertThat(after.version()).isEqualTo(1 + stock);
  }

  /**
   * The law of stock: after any sequence of reservations and releases, each in its own unit of
   * work, a reservation succeeds exactly when the stock covers it, the stock equals the initial
   * stock minus the granted reservations plus the releases, and the version counts every change.
   *
   * @param initialStock the stock the product starts with
   * @param changes positive: reserve that many; negative: release that many; zero: no change
   */
  @Property(tries = 50)
  void stockAlwaysEqualsTheInitialStockMinusGrantedReservationsPlusReleases(
      @ForAll @IntRange(min = 0, max = 6) int initialStock,
      @ForAll @Size(max = 25) List<@IntRange(min = -4, max = 4) Integer> changes) {
    CheckoutStorage fresh = newStorage();
    fresh.inTransaction(tx -> tx.products().upsert(MUG, "Mug", PRICE, initialStock, T0));
    long stock = initialStock;
    long version = 1;
    for (int change : changes) {
      if (change > 0) {
        boolean granted = fresh.inTransaction(tx -> tx.products().reserve(MUG, change, T1));
        assertThat(granted).as("reserve %d of %d", change, stock).isEqualTo(stock >= change);
        if (granted) {
          stock -= change;
          version++;
        }
      } else if (change < 0) {
        boolean released = fresh.inTransaction(tx -> tx.products().release(MUG, -change, T1));
        assertThat(released).isTrue();
        stock -= change;
        version++;
      }
      Product now = fresh.inTransaction(tx -> tx.products().find(MUG)).orElseThrow();
      assertThat(now.stock()).isEqualTo(stock);
      assertThat(now.version()).isEqualTo(version);
    }
  }
}

package dev.tinycheckout.http.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tinycheckout.catalog.Product;
import dev.tinycheckout.catalog.Sku;
import dev.tinycheckout.checkout.Checkout;
import dev.tinycheckout.checkout.CheckoutRequest;
import dev.tinycheckout.checkout.CheckoutResult;
import dev.tinycheckout.idempotency.IdempotencyKey;
import dev.tinycheckout.memory.InMemoryStorage;
import dev.tinycheckout.money.Money;
import dev.tinycheckout.payment.TestPaymentGateway;
import dev.tinycheckout.store.CheckoutStorage;
import dev.tinycheckout.store.UnitOfWork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProductReadCacheTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:15:30Z");
  private static final Sku APPLE = Sku.of("apple");
  private static final Sku BANANA = Sku.of("banana");
  private static final Sku CHERRY = Sku.of("cherry");

  private final MutableClock clock = new MutableClock(T0);
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final CountingStorage counting = new CountingStorage(storage);

  ProductReadCacheTest() {
    storage.inTransaction(
        tx -> {
          tx.products().upsert(APPLE, "Apple", Money.of(100, "USD"), 10, T0);
          tx.products().upsert(BANANA, "Banana", Money.of(250, "USD"), 5, T0);
          tx.products().upsert(CHERRY, "Cherry", Money.of(40, "USD"), 1, T0);
          return null;
        });
  }

  private ProductReadCache.Builder cache() {
    return ProductReadCache.builder().storage(counting).clock(clock).executor(Runnable::run);
  }

  private void setStockBehindTheCache(Sku sku, long stock) {
    storage.inTransaction(
        tx -> tx.products().upsert(sku, "Changed", Money.of(100, "USD"), stock, clock.instant()));
  }

  private static long stockOf(Optional<Product> product) {
    return product.orElseThrow().stock();
  }

  @Test
  void aProductIsServedFromTheCacheUntilTheTtlRunsOut() {
    ProductReadCache cache = cache().build();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    setStockBehindTheCache(APPLE, 3);

    clock.advance(Duration.ofSeconds(3));
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    clock.advance(Duration.ofSeconds(2).plusNanos(1));
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(3);

    assertThat(counting.finds).hasValue(2);
    cache.cleanUp();
    // The entry whose TTL ran out counts as an eviction (Caffeine counts expiry with size).
    assertThat(cache.stats()).isEqualTo(new ProductCacheStats(1, 2, 2, 0, 1));
  }

  @Test
  void sixtyFourThreadsMissingTheSameSkuAtOnceLoadItOnce() throws Exception {
    CountingStorage slow = new CountingStorage(storage, Duration.ofMillis(200));
    ProductReadCache cache = ProductReadCache.builder().storage(slow).clock(clock).build();
    ExecutorService threads = Executors.newFixedThreadPool(64);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<Product>>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return cache.get(APPLE);
                }));
      }
      start.countDown();
      for (Future<Optional<Product>> r : results) {
        assertThat(stockOf(r.get(10, TimeUnit.SECONDS))).isEqualTo(10);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(slow.finds).hasValue(1);
    assertThat(cache.stats().loads()).isEqualTo(1);
  }

  @Test
  void aHotProductIsRefreshedInTheBackgroundWhileTheOldValueIsServed() {
    ManualExecutor background = new ManualExecutor();
    ProductReadCache cache = cache().executor(background).build();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    setStockBehindTheCache(APPLE, 7);

    clock.advance(Duration.ofMillis(4500));
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    assertThat(counting.finds).hasValue(1);

    background.runAll();

    assertThat(counting.finds).hasValue(2);
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(7);
    assertThat(counting.finds).hasValue(2);
  }

  @Test
  void anUnknownSkuIsRememberedAsAbsentSoRepeatedLookupsReadTheStoreOnce() {
    ProductReadCache cache = cache().build();
    Sku unknown = Sku.of("no-such-thing");

    assertThat(cache.get(unknown)).isEmpty();
    assertThat(cache.get(unknown)).isEmpty();
    assertThat(cache.get(unknown)).isEmpty();

    assertThat(counting.finds).hasValue(1);
  }

  @Test
  void aCheckoutThroughTheInvalidatingStorageShowsTheNewStockAtOnce() {
    ProductReadCache cache = cache().build();
    Checkout checkout =
        Checkout.builder()
            .storage(cache.invalidatingStorage())
            .paymentGateway(new TestPaymentGateway())
            .termsVersion("2026-11-01")
            .clock(clock)
            .build();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    assertThat(cache.all()).extracting(Product::stock).containsExactly(10L, 5L, 1L);

    CheckoutResult result =
        checkout.placeOrder(
            IdempotencyKey.of("k-1"),
            CheckoutRequest.builder()
                .item("apple", 2)
                .email("ann@example.com")
                .acceptedTerms("2026-11-01")
                .paymentToken("tok_ok")
                .build());

    assertThat(result.isPlaced()).isTrue();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(8);
    assertThat(cache.all()).extracting(Product::stock).containsExactly(8L, 5L, 1L);
  }

  @Test
  void aUnitOfWorkThatThrowsInvalidatesNothingAndTheCommittedValueStays() {
    ProductReadCache cache = cache().build();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);

    assertThatThrownBy(
            () ->
                cache
                    .invalidatingStorage()
                    .inTransaction(
                        tx -> {
                          assertThat(tx.products().reserve(APPLE, 4, clock.instant())).isTrue();
                          throw new IllegalStateException("boom");
                        }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom");

    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    assertThat(counting.finds).hasValue(1);
    assertThat(stockOf(storage.inTransaction(tx -> tx.products().find(APPLE)))).isEqualTo(10);
  }

  @Test
  void theInvalidationHappensOnlyAfterTheUnitOfWorkReturned() {
    ProductReadCache cache = cache().build();
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    List<Long> seenInsideTheUnit = new ArrayList<>();

    cache
        .invalidatingStorage()
        .inTransaction(
            tx -> {
              tx.products().reserve(APPLE, 4, clock.instant());
              // Dropped too early, this read would load inside the open transaction (and fail as
              // a nested unit of work); still cached, it answers the committed value.
              seenInsideTheUnit.add(stockOf(cache.get(APPLE)));
              return null;
            });

    assertThat(seenInsideTheUnit).containsExactly(10L);
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(6);
    assertThat(counting.finds).hasValue(2);
  }

  @Test
  void aLoadThatReadTheOldRowBeforeAWriteCommittedIsNotServedAfterIt() throws Exception {
    CountDownLatch loaded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch committed = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    // The first unit of work (the reader's load) pauses after it read and committed.
    CheckoutStorage pausingReads =
        new CheckoutStorage() {
          @Override
          public <T> T inTransaction(UnitOfWork<T> work) {
            T result = storage.inTransaction(work);
            if (!first.getAndSet(false)) {
              return result;
            }
            loaded.countDown();
            try {
              assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return result;
          }
        };
    ProductReadCache cache =
        ProductReadCache.builder()
            .storage(pausingReads)
            .clock(clock)
            .executor(Runnable::run)
            .build();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Optional<Product>> reader = threads.submit(() -> cache.get(APPLE));
      assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> writer =
          threads.submit(
              () ->
                  cache
                      .invalidatingStorage()
                      .inTransaction(
                          tx -> {
                            boolean reserved = tx.products().reserve(APPLE, 4, clock.instant());
                            committed.countDown();
                            return reserved;
                          }));
      // The write commits while the load that read stock 10 is still running.
      assertThat(committed.await(10, TimeUnit.SECONDS)).isTrue();
      release.countDown();
      assertThat(stockOf(reader.get(10, TimeUnit.SECONDS))).isEqualTo(10);
      writer.get(10, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }

    assertThat(stockOf(cache.get(APPLE))).isEqualTo(6);
  }

  @Test
  void warmingLoadsTheWholeCatalogWithOneFindAllAndLaterReadsAreHits() {
    ProductReadCache cache = cache().build();

    WarmUpReport report = cache.warm();

    assertThat(report.count()).isEqualTo(3);
    assertThat(counting.findAlls).hasValue(1);
    assertThat(stockOf(cache.get(APPLE))).isEqualTo(10);
    assertThat(stockOf(cache.get(BANANA))).isEqualTo(5);
    assertThat(stockOf(cache.get(CHERRY))).isEqualTo(1);
    assertThat(cache.all()).hasSize(3);
    assertThat(counting.finds).hasValue(0);
    assertThat(counting.findAlls).hasValue(1);
    assertThat(cache.stats()).isEqualTo(new ProductCacheStats(4, 0, 0));
  }

  @Test
  void warmingStopsAtTheLimitSoTheRestIsLoadedOnFirstRead() {
    ProductReadCache cache =
        cache().config(ProductCacheConfig.builder().warmUpLimit(2).build()).build();

    assertThat(cache.warm().count()).isEqualTo(2);

    cache.get(APPLE);
    cache.get(BANANA);
    assertThat(counting.finds).hasValue(0);
    cache.get(CHERRY);
    assertThat(counting.finds).hasValue(1);
  }

  @Test
  void theCacheStaysWithinItsMaximumSizeWithFarMoreKnownAndUnknownSkus() {
    ProductReadCache cache =
        cache().config(ProductCacheConfig.builder().maximumSize(100).build()).build();
    storage.inTransaction(
        tx -> {
          for (int i = 0; i < 1000; i++) {
            tx.products().upsert(Sku.of("p-" + i), "P", Money.of(1, "USD"), 1, T0);
          }
          return null;
        });

    for (int i = 0; i < 1000; i++) {
      assertThat(cache.get(Sku.of("p-" + i))).isPresent();
      assertThat(cache.get(Sku.of("missing-" + i))).isEmpty();
    }
    cache.cleanUp();

    assertThat(cache.estimatedSize()).isLessThanOrEqualTo(100).isPositive();
  }

  @Test
  void buildingWithoutAStorageSaysWhatToCall() {
    assertThatThrownBy(() -> ProductReadCache.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("builder().storage(...)");
  }
}

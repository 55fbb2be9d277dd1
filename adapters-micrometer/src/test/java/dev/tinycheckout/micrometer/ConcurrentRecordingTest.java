package dev.tinycheckout.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tinycheckout.observe.CheckoutSignal;
import dev.tinycheckout.observe.PaymentSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrentRecordingTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 2_000;

  @Test
  void threadsRecordingAtOnceLoseNoSignalAndCreateEachTimerOnce() throws Exception {
    SimpleMeterRegistry registry = Meters.registry();
    MicrometerObserver observer = MicrometerObserver.builder(registry).maxPaymentReasons(3).build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < PER_THREAD; i++) {
                    observer.requestCompleted("/checkout", "POST", 200 + i % 4, 1_000);
                    observer.checkoutCompleted(CheckoutSignal.PAID, 1_000);
                    // Ten distinct reasons race for three places.
                    observer.paymentCompleted(PaymentSignal.DECLINED, "r" + i % 10, 1_000);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    long total = (long) THREADS * PER_THREAD;
    assertThat(registry.get(MicrometerObserver.HTTP_SERVER_REQUEST_DURATION).timers())
        .hasSize(4)
        .allSatisfy(t -> assertThat(t.count()).isEqualTo(total / 4));
    assertThat(
            registry
                .get(MicrometerObserver.CHECKOUT_DURATION)
                .tag("outcome", "paid")
                .timer()
                .count())
        .isEqualTo(total);
    List<String> declineReasons =
        registry
            .get(MicrometerObserver.PAYMENT_DURATION)
            .tag("outcome", "declined")
            .timers()
            .stream()
            .map(t -> t.getId().getTag("reason"))
            .toList();
    assertThat(declineReasons).hasSize(4).contains("other");
    assertThat(
            registry
                .get(MicrometerObserver.PAYMENT_DURATION)
                .tag("outcome", "declined")
                .timers()
                .stream()
                .mapToLong(t -> t.count())
                .sum())
        .isEqualTo(total);
  }
}

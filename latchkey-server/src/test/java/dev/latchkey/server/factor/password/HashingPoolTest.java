package dev.latchkey.server.factor.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.error.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hashing pool: work runs on its own platform threads; past the queue, 503 server_busy at once. */
class HashingPoolTest {
  @Test
  void workRunsOnAPlatformThreadOfThePoolNotOnTheCallersVirtualThread() throws Exception {
    try (HashingPool pool = new HashingPool(1, 4)) {
      CompletableFuture<Thread> ran = new CompletableFuture<>();
      Thread caller = Thread.ofVirtual().start(() -> ran.complete(pool.run(Thread::currentThread)));
      caller.join();

      assertThat(ran.get().isVirtual()).isFalse();
      assertThat(ran.get().getName()).startsWith("latchkey-hash-");
    }
  }

  @Test
  void aCheckPastTheQueueIsRefusedAsServerBusyWithRetryAfterWhileTheQueuedOnesComplete() throws Exception {
    try (HashingPool pool = new HashingPool(1, 1)) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> pool.run(() -> {
        started.countDown();
        release.await();
        return "first";
      }), Thread::startVirtualThread);
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<String> queued = CompletableFuture.supplyAsync(() -> pool.run(() -> "second"),
          Thread::startVirtualThread);
      while (pool.waiting() < 1) {
        Thread.onSpinWait();
      }

      assertThatThrownBy(() -> pool.run(() -> "third"))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SERVER_BUSY);
            assertThat(e.code().status()).isEqualTo(503);
            assertThat(e.retryAfterSeconds()).isEqualTo(1);
          });

      release.countDown();
      assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("first");
      assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("second");
      assertThat(pool.run(() -> "after the burst")).isEqualTo("after the burst");
    }
  }

  @Test
  void aFailureInTheWorkReachesTheCallerAsItself() {
    try (HashingPool pool = new HashingPool(1, 0)) {
      assertThatThrownBy(() -> pool.run(() -> {
        throw ErrorCode.INVALID_CREDENTIALS.exception();
      })).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
    }
  }
}

package dev.latchkey.server.factor.password;

import dev.latchkey.server.error.ErrorCode;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where password hashes are computed: a few platform threads (by default one per core) and a bounded queue in front
 * of them, first come first served. Past the queue, a request is refused at once with {@code 503 server_busy} and
 * {@code Retry-After: 1} instead of waiting behind a burst.
 *
 * <p>Why not on the request's own virtual thread: an Argon2id hash keeps a CPU busy for tens of milliseconds without
 * blocking, so a virtual thread computing one holds its carrier the whole time, and there are only as many carriers
 * as cores. Two sign-ins at once on two cores then stopped every session check until a hash finished, and a burst of
 * sign-ins queued the checks behind all of it (password sign-in p99 2.9 s at 16 connections, issue 19). On platform
 * threads the operating system shares the cores between hashing and the carriers, so checks keep running during a
 * burst, and the bounded queue keeps the wait for a hash bounded too.
 */
public final class HashingPool implements AutoCloseable {
  private static final String BUSY = "Too many password checks are waiting; retry after Retry-After seconds.";

  private final ThreadPoolExecutor executor;

  /** {@code threads} hash at once; {@code queue} more wait; beyond that, {@code 503 server_busy}. */
  public HashingPool(int threads, int queue) {
    if (threads < 1 || queue < 0) {
      throw new IllegalArgumentException("threads must be at least 1 and queue at least 0");
    }
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue, true), r -> {
          Thread t = new Thread(r, "latchkey-hash-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    // Idle pools (tests start many servers in one JVM; quiet hours) keep no threads.
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code work} on a hashing thread and waits for it. The caller (a virtual thread) waits without holding a
   * carrier. Interrupted, the caller stops waiting; the hash itself finishes and is dropped.
   */
  <T> T run(Callable<T> work) {
    Future<T> future;
    try {
      future = executor.submit(work);
    } catch (RejectedExecutionException e) {
      throw ErrorCode.SERVER_BUSY.exception(BUSY, 1);
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw ErrorCode.SERVER_BUSY.exception(BUSY, 1);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("password hashing failed", cause);
    }
  }

  /** Hashes waiting for a thread now (for metrics and tests). */
  public int waiting() {
    return executor.getQueue().size();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

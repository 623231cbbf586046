package dev.latchkey.client;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The background check: every {@code interval} while there is a session; after a failure that is not a verdict
 * (network, timeout, 5xx) it retries sooner, on {@link Backoff}, and never gives up while the session exists,
 * because an app that was offline for an hour should recover on its own. A definitive answer ends the loop (the
 * engine has signed out). Every run ends in exactly one next step: scheduled again, or stopped.
 *
 * <p>Lock-free: the scheduler may be the app's own (user code), so it is never called under a lock. The newest
 * scheduled run wins; a run it replaced is cancelled.
 */
final class Refresher {
  private static final System.Logger LOG = System.getLogger(Refresher.class.getName());

  private final Engine engine;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Backoff backoff;
  private final DoubleSupplier random;
  private final boolean keepAlive;
  private final AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
  /** Runs in a row that failed without a verdict; the exponent of the next wait. */
  private final AtomicInteger failures = new AtomicInteger();
  private volatile boolean closed;

  Refresher(Engine engine, ScheduledExecutorService scheduler, Duration interval, Backoff backoff,
      DoubleSupplier random, boolean keepAlive) {
    this.engine = engine;
    this.scheduler = scheduler;
    this.interval = interval;
    this.backoff = backoff;
    this.random = random;
    this.keepAlive = keepAlive;
  }

  /** (Re)starts the loop for a new session: at once (a session loaded from storage), or after one interval. */
  void start(boolean now) {
    failures.set(0);
    schedule(now ? Duration.ZERO : interval);
  }

  void cancel() {
    failures.set(0);
    ScheduledFuture<?> f = next.getAndSet(null);
    if (f != null) {
      f.cancel(false);
    }
  }

  void close() {
    closed = true;
    cancel();
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    ScheduledFuture<?> f;
    try {
      f = scheduler.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return; // the app shut its scheduler down: no more background checks
    }
    ScheduledFuture<?> replaced = next.getAndSet(f);
    if (replaced != null) {
      replaced.cancel(false);
    }
    if (closed) {
      f.cancel(false); // close() ran while this was being scheduled
    }
  }

  private void run() {
    long epoch = engine.state().epoch();
    try {
      engine.refresh(keepAlive).whenComplete((r, failure) -> afterRun(epoch, failure));
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again; keep the loop alive instead.
      LOG.log(System.Logger.Level.WARNING, "The session check could not start: " + e);
      afterRun(epoch, e);
    }
  }

  private void afterRun(long epoch, Throwable failure) {
    State now = engine.state();
    if (now.epoch() != epoch || !now.hasTokens()) {
      return; // signed out, or a new session whose own loop was started when it arrived
    }
    if (failure == null) {
      failures.set(0);
      schedule(interval);
      return;
    }
    LatchkeyClientException e = LatchkeyClientException.of(failure);
    if (LatchkeyClientException.CLIENT_CLOSED.equals(e.errorType())) {
      return;
    }
    schedule(backoff.delay(failures.getAndIncrement(), random.getAsDouble()));
  }
}

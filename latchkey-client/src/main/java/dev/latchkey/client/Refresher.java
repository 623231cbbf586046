package dev.latchkey.client;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The background check: every {@code interval} while there is a session; after a failure that is not a verdict
 * (network, timeout, 5xx) it retries sooner, on {@link Backoff}, and never gives up while the session exists,
 * because an app that was offline for an hour should recover on its own. A definitive answer ends the loop (the
 * engine has signed out). Every run ends in exactly one next step: scheduled again, or stopped.
 */
final class Refresher {
  private static final System.Logger LOG = System.getLogger(Refresher.class.getName());

  private final Engine engine;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final Backoff backoff;
  private final DoubleSupplier random;
  private final boolean keepAlive;
  /** Guarded by this: the next run, and how many runs in a row failed without a verdict. */
  private ScheduledFuture<?> next;
  private int failures;
  private boolean closed;

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
    synchronized (this) {
      failures = 0;
    }
    schedule(now ? Duration.ZERO : interval);
  }

  void cancel() {
    synchronized (this) {
      if (next != null) {
        next.cancel(false);
        next = null;
      }
      failures = 0;
    }
  }

  void close() {
    synchronized (this) {
      closed = true;
    }
    cancel();
  }

  private void schedule(Duration delay) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (next != null) {
        next.cancel(false);
      }
      try {
        next = scheduler.schedule(this::run, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        next = null; // the app shut its scheduler down: no more background checks
      }
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
      synchronized (this) {
        failures = 0;
      }
      schedule(interval);
      return;
    }
    LatchkeyClientException e = LatchkeyClientException.of(failure);
    if (LatchkeyClientException.CLIENT_CLOSED.equals(e.errorType())) {
      return;
    }
    int attempt;
    synchronized (this) {
      attempt = failures++;
    }
    schedule(backoff.delay(attempt, random.getAsDouble()));
  }
}

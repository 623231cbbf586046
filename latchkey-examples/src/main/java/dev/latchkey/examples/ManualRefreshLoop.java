package dev.latchkey.examples;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.LatchkeyClientException;
import dev.latchkey.client.SessionOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Extends the session on the app's own schedule, e.g. while a long upload runs, on top of the client's background
 * check. The browser snippet it translates:
 *
 * <pre>{@code
 * setInterval(() => stytch.session.authenticate({ session_duration_minutes: 60 }), 5 * 60 * 1000);
 * }</pre>
 *
 * <pre>{@code
 * ManualRefreshLoop loop = new ManualRefreshLoop(client, 60);
 * loop.start(scheduler, Duration.ofMinutes(5));   // stops by itself once signed out
 * }</pre>
 */
public final class ManualRefreshLoop {
  private final LatchkeyClient client;
  private final SessionOptions options;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile ScheduledFuture<?> task;

  public ManualRefreshLoop(LatchkeyClient client, int sessionDurationMinutes) {
    this.client = client;
    this.options = SessionOptions.durationMinutes(sessionDurationMinutes);
  }

  /**
   * One turn: extends the session. Returns false when there is no session any more (the loop should stop); a
   * network failure returns true, because the session is kept and the next turn may succeed.
   */
  public boolean refreshOnce() {
    if (client.session().getSync() == null) {
      return false;
    }
    try {
      client.session().authenticate(options).join();
      return true;
    } catch (CompletionException e) {
      return !LatchkeyClientException.of(e).signsOut();
    }
  }

  /** Runs {@link #refreshOnce()} every {@code every} until it returns false. */
  public void start(ScheduledExecutorService scheduler, Duration every) {
    task = scheduler.scheduleWithFixedDelay(() -> {
      try {
        if (!refreshOnce()) {
          stop();
        }
      } catch (RuntimeException e) {
        // A periodic task that throws is never run again; this one should keep going.
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void stop() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
    stopped.complete(null);
  }

  /** Completes when the loop stops (it does so by itself after sign-out). */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }
}

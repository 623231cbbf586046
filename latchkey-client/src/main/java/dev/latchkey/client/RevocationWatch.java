package dev.latchkey.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Follows the server's events for the client's own session ({@code GET /sdk/v1/sessions/events}) so that a revoke
 * elsewhere (another device, an admin, a password reset) signs the client out ({@code onChange(null)}) at once
 * rather than at the next refresh. It long-polls through the client's {@link Transport} (which reads whole
 * replies, so it works on the JDK and OkHttp transports alike): one request open per wait window, resumed with
 * {@code Last-Event-ID}; failures back off like the refresher. It runs on one daemon thread while signed in and
 * checks the local state once a second while signed out (no network).
 */
final class RevocationWatch implements AutoCloseable {
  private static final Duration SIGNED_OUT_CHECK = Duration.ofSeconds(1);

  private final Engine engine;
  private final Api api;
  private final int waitSeconds;
  private final Backoff backoff;
  private final DoubleSupplier random;
  private final Thread thread;
  private volatile boolean closed;

  RevocationWatch(Engine engine, Api api, Duration wait, Backoff backoff, DoubleSupplier random) {
    this.engine = engine;
    this.api = api;
    this.waitSeconds = (int) Math.max(1, Math.min(25, wait.toSeconds()));
    this.backoff = backoff;
    this.random = random;
    this.thread = new Thread(this::run, "latchkey-client-revocation-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long watchedEpoch = -1;
    String lastEventId = null;
    int failures = 0;
    while (!closed) {
      State s = engine.state();
      try {
        if (!s.hasTokens()) {
          Thread.sleep(SIGNED_OUT_CHECK.toMillis());
          continue;
        }
        if (s.epoch() != watchedEpoch) {
          watchedEpoch = s.epoch();
          lastEventId = null; // a new session: only its events from now on
        }
        String reply = api.pollEvents(s.tokens().sessionToken(), lastEventId, waitSeconds);
        failures = 0;
        for (String line : reply.split("\n")) {
          if (line.startsWith("id:")) {
            lastEventId = line.substring(3).trim();
          } else if (line.equals("event: session.revoked") || line.equals("event: session.expired")) {
            engine.endedElsewhere(watchedEpoch);
          }
        }
      } catch (LatchkeyClientException e) {
        if (e.signsOut()) {
          // The session is gone (revoked before this poll began): the same verdict a refresh would give.
          engine.endedElsewhere(watchedEpoch);
          continue;
        }
        if ("event_history_expired".equals(e.errorType())) {
          lastEventId = null;
        }
        if (!sleep(backoff.delay(failures++, random.getAsDouble()))) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!sleep(backoff.delay(failures++, random.getAsDouble()))) {
          return;
        }
      }
    }
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}

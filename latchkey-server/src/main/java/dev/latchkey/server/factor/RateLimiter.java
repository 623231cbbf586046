package dev.latchkey.server.factor;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.config.LimitSettings;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.metrics.ServerMetrics;
import dev.latchkey.server.store.RateCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The abuse limits: fixed-window counters in the database, so every node and every restart sees the same counts.
 * What is counted is hashed before it is stored, so the table holds no email or IP address in clear. The IP is the
 * end user's, as the caller determined it (null when unknown: then nothing is counted per IP). Going over a
 * limit is {@code 429 too_many_requests} with {@code Retry-After} set to the seconds left in the window.
 *
 * <p>Sends are counted whether or not they are refused (a client hammering a limit keeps it shut). Sign-in attempts
 * are counted as failures when they begin and uncounted when they turn out not to be ({@link #begin}), so
 * concurrent guesses cannot overtake the count and successful sign-ins are never counted.
 */
public final class RateLimiter {
  private final RateCounterStore store;
  private final LimitSettings limits;
  private final Clock clock;
  private final ServerMetrics metrics;

  public RateLimiter(RateCounterStore store, LimitSettings limits, Clock clock) {
    this(store, limits, clock, new ServerMetrics());
  }

  /** With the server's {@code metrics}, which count each refusal by the limit that refused it. */
  public RateLimiter(RateCounterStore store, LimitSettings limits, Clock clock, ServerMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Counts one mail to {@code email} requested by the end user at {@code clientIp}; 429 when either is over its
   * limit. A null {@code clientIp} (a backend request that forwarded no end-user IP) counts the address only.
   */
  public void countSend(String email, String clientIp) {
    Instant now = clock.instant();
    hit("email_sends", "sends-to:" + email, limits.emailSends(), limits.emailWindow(), now,
        "Too many mails were sent to this address");
    if (clientIp != null) {
      hit("ip_sends", "sends-from:" + clientIp, limits.ipSends(), limits.ipWindow(), now,
          "Too many mails were requested from this IP");
    }
  }

  /**
   * Begins a sign-in attempt by the end user at {@code clientIp} against {@code subject} (an email address, a
   * method id: what the attempt is against; null for none). The attempt is counted as a failure <em>before</em> it
   * is checked, and refused with 429 when that takes the IP or the subject over its limit (a refused attempt is not
   * counted). A null {@code clientIp} counts nothing per IP: a backend request that forwarded no end-user IP comes
   * from the backend's own address, shared by all its users, and counting it would lock them all out together.
   *
   * <p>Counting first is what makes the limits hold under concurrency: a check before the slow password hash and a
   * count after it let every guess sent at the same moment through while the count was still low. An attempt that
   * turns out not to be a failed guess calls {@link Attempt#release()}, which takes its counts back, so successful
   * sign-ins are still never counted.
   */
  public Attempt begin(String clientIp, String subject) {
    Instant now = clock.instant();
    Counted fromIp = null;
    if (clientIp != null) {
      fromIp = take("failures-from:" + clientIp, limits.failureWindow(), now);
      if (fromIp.count() > limits.ipFailures()) {
        fromIp.release();
        throw tooMany("ip_failures", "Too many failed attempts from this IP", limits.failureWindow(), now);
      }
    }
    Counted against = null;
    if (subject != null) {
      against = take("failures-against:" + subject, limits.lockoutDuration(), now);
      if (against.count() > limits.lockoutThreshold()) {
        against.release();
        if (fromIp != null) {
          fromIp.release();
        }
        throw tooMany("lockout", "Too many failed attempts: sign-in is locked for a while", limits.lockoutDuration(), now);
      }
    }
    return new Attempt(fromIp, against);
  }

  /** A begun attempt: counted as a failure until {@link #release()} says it was not one. */
  public static final class Attempt {
    private final Counted fromIp;
    private final Counted against;
    private boolean released;

    private Attempt(Counted fromIp, Counted against) {
      this.fromIp = fromIp;
      this.against = against;
    }

    /** The attempt was not a failed guess (it succeeded, or stopped for another reason): uncount it, once. */
    public void release() {
      if (released) {
        return;
      }
      released = true;
      if (fromIp != null) {
        fromIp.release();
      }
      if (against != null) {
        against.release();
      }
    }
  }

  /** One hit taken on a counter, with what is needed to give it back. */
  private record Counted(RateCounterStore store, String key, Instant windowStart, int count) {
    void release() {
      store.decrement(key, windowStart);
    }
  }

  private Counted take(String what, Duration window, Instant now) {
    String key = Secrets.sha256(what);
    Instant start = windowStart(now, window);
    return new Counted(store, key, start, store.increment(key, start, start.plus(window)));
  }

  private void hit(String limitName, String what, int limit, Duration window, Instant now, String message) {
    if (increment(what, window, now) > limit) {
      throw tooMany(limitName, message, window, now);
    }
  }

  private int increment(String what, Duration window, Instant now) {
    Instant start = windowStart(now, window);
    return store.increment(Secrets.sha256(what), start, start.plus(window));
  }

  /** A refusal by the limit named {@code limitName} (one of a fixed few: a metrics label), counted. */
  private RuntimeException tooMany(String limitName, String message, Duration window, Instant now) {
    metrics.rateLimitTripped(limitName);
    Instant end = windowStart(now, window).plus(window);
    long seconds = Math.max(1, (Duration.between(now, end).toMillis() + 999) / 1000);
    return ErrorCode.TOO_MANY_REQUESTS.exception(message + "; retry in " + seconds + " seconds.", seconds);
  }

  /** Windows are aligned to the epoch, so every node agrees on where one starts. */
  static Instant windowStart(Instant now, Duration window) {
    long size = window.toMillis();
    long t = now.toEpochMilli();
    return Instant.ofEpochMilli(t - Math.floorMod(t, size));
  }
}

package dev.latchkey.server.limits;

import dev.latchkey.server.ErrorCode;
import dev.latchkey.server.config.LimitSettings;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.RateCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The abuse limits: fixed-window counters in the database, so every node and every restart sees the same counts.
 * What is counted is hashed before it is stored, so the table holds no email or IP address in clear. Going over a
 * limit is {@code 429 too_many_requests} with {@code Retry-After} set to the seconds left in the window.
 *
 * <p>Sends are counted whether or not they are refused (a client hammering a limit keeps it shut). Failures are
 * counted only when they happen, and checked before the next attempt: successful sign-ins are never counted.
 */
public final class RateLimiter {
  private final RateCounterStore store;
  private final LimitSettings limits;
  private final Clock clock;

  public RateLimiter(RateCounterStore store, LimitSettings limits, Clock clock) {
    this.store = store;
    this.limits = limits;
    this.clock = clock;
  }

  /** Counts one mail to {@code email} requested from {@code ip}; 429 when either is over its limit. */
  public void countSend(String email, String ip) {
    Instant now = clock.instant();
    hit("sends-to:" + email, limits.emailSends(), limits.emailWindow(), now,
        "Too many mails were sent to this address");
    hit("sends-from:" + ip, limits.ipSends(), limits.ipWindow(), now, "Too many mails were requested from this IP");
  }

  /**
   * Refuses an attempt, before it is checked, when {@code ip} has had too many failures or {@code subject} (an
   * email address, a method id: what the attempt is against; null for none) is locked out.
   */
  public void checkFailures(String ip, String subject) {
    Instant now = clock.instant();
    check("failures-from:" + ip, limits.ipFailures(), limits.failureWindow(), now,
        "Too many failed attempts from this IP");
    if (subject == null) {
      return;
    }
    check("failures-against:" + subject, limits.lockoutThreshold(), limits.lockoutDuration(), now,
        "Too many failed attempts: sign-in is locked for a while");
  }

  /** Counts one failed attempt from {@code ip} against {@code subject} (null for none). */
  public void recordFailure(String ip, String subject) {
    Instant now = clock.instant();
    increment("failures-from:" + ip, limits.failureWindow(), now);
    if (subject == null) {
      return;
    }
    increment("failures-against:" + subject, limits.lockoutDuration(), now);
  }

  private void hit(String what, int limit, Duration window, Instant now, String message) {
    if (increment(what, window, now) > limit) {
      throw tooMany(message, window, now);
    }
  }

  private void check(String what, int limit, Duration window, Instant now, String message) {
    if (store.count(Secrets.sha256(what), windowStart(now, window)) >= limit) {
      throw tooMany(message, window, now);
    }
  }

  private int increment(String what, Duration window, Instant now) {
    Instant start = windowStart(now, window);
    return store.increment(Secrets.sha256(what), start, start.plus(window));
  }

  private static RuntimeException tooMany(String message, Duration window, Instant now) {
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

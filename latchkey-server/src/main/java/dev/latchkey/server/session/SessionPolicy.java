package dev.latchkey.server.session;

import java.time.Duration;
import java.time.Instant;

/**
 * The project's session lifecycle rules, applied alongside each session's own {@code expires_at}: an idle timeout
 * (a session not authenticated for this long ends), an absolute lifetime (no session outlives
 * {@code started_at} plus this, however often it is extended) and a cap on live sessions per user (a new one past it
 * revokes the oldest). Zero turns each off.
 *
 * @param idleTimeout zero: none
 * @param absoluteLifetime zero: none
 * @param maxPerUser zero: no cap
 */
public record SessionPolicy(Duration idleTimeout, Duration absoluteLifetime, int maxPerUser) {
  public static final SessionPolicy NONE = new SessionPolicy(Duration.ZERO, Duration.ZERO, 0);

  public SessionPolicy {
    if (idleTimeout.isNegative() || absoluteLifetime.isNegative() || maxPerUser < 0) {
      throw new IllegalArgumentException("negative session policy: " + idleTimeout + ", " + absoluteLifetime + ", "
          + maxPerUser);
    }
  }

  boolean hasIdleTimeout() {
    return !idleTimeout.isZero();
  }

  /** The latest expiry a session started at {@code startedAt} may have; {@code wanted} when there is no cap. */
  Instant capExpiry(Instant startedAt, Instant wanted) {
    if (absoluteLifetime.isZero()) {
      return wanted;
    }
    Instant latest = startedAt.plus(absoluteLifetime);
    return wanted.isAfter(latest) ? latest : wanted;
  }

  /** Whether a session last written as accessed at {@code lastAccessedAt} has been idle too long at {@code now}. */
  boolean idleAt(Instant lastAccessedAt, Instant now) {
    return hasIdleTimeout() && !now.isBefore(lastAccessedAt.plus(idleTimeout));
  }

  /**
   * How old a stored {@code last_accessed_at} may get before an authenticate that changes nothing writes it again:
   * the configured interval, but with an idle timeout at most a tenth of it, so that a session in use is never taken
   * for idle by more than a tenth of the timeout.
   */
  Duration lastAccessedWriteInterval(Duration configured) {
    if (!hasIdleTimeout()) {
      return configured;
    }
    Duration tenth = idleTimeout.dividedBy(10);
    return configured.compareTo(tenth) < 0 ? configured : tenth;
  }
}

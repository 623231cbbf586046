package dev.latchkey.server.session;

import dev.latchkey.server.store.SessionStore;
import dev.latchkey.server.store.TotpStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired sessions and TOTP registrations that were not authenticated in time. Both are refused whether or
 * not they were purged; this only reclaims space (and lets the user register a new TOTP without a delete).
 */
public final class SessionPurger {
  private static final Logger LOG = LoggerFactory.getLogger(SessionPurger.class);
  private final SessionStore sessions;
  private final TotpStore totps;
  private final SessionPolicy policy;

  public SessionPurger(SessionStore sessions, TotpStore totps) {
    this(sessions, totps, SessionPolicy.NONE);
  }

  /** Also deletes, with an idle timeout in {@code policy}, the sessions idle past it. */
  public SessionPurger(SessionStore sessions, TotpStore totps, SessionPolicy policy) {
    this.sessions = sessions;
    this.totps = totps;
    this.policy = policy;
  }

  /** One pass at {@code now}; returns how many sessions and TOTP registrations were deleted, together. */
  public int runOnce(Instant now) {
    int purged = sessions.purgeExpired(now, policy.hasIdleTimeout() ? now.minus(policy.idleTimeout()) : null);
    if (purged > 0) {
      LOG.info("Purged {} expired sessions", purged);
    }
    int unverified = totps.purgeExpiredUnverified(now);
    if (unverified > 0) {
      LOG.info("Purged {} TOTP registrations not authenticated in time", unverified);
    }
    return purged + unverified;
  }
}

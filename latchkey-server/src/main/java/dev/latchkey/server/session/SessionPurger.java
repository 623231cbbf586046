package dev.latchkey.server.session;

import dev.latchkey.server.store.SessionStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes expired sessions. Expired sessions are refused whether or not they were purged; this only reclaims space. */
public final class SessionPurger {
  private static final Logger LOG = LoggerFactory.getLogger(SessionPurger.class);
  private final SessionStore store;

  public SessionPurger(SessionStore store) {
    this.store = store;
  }

  /** One pass at {@code now}; returns how many sessions were deleted. */
  public int runOnce(Instant now) {
    int purged = store.purgeExpired(now);
    if (purged > 0) {
      LOG.info("Purged {} expired sessions", purged);
    }
    return purged;
  }
}

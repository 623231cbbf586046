package dev.latchkey.server.factor;

import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.OtpCodeStore;
import dev.latchkey.server.store.RateCounterStore;
import dev.latchkey.server.store.UserStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired link tokens, codes, rate-limit counters and pending addresses (see
 * {@link dev.latchkey.server.store.PendingEmail}). Expired ones are refused (or ignored) whether or not
 * they were purged; this only reclaims space.
 */
public final class EmailFactorPurger {
  private static final Logger LOG = LoggerFactory.getLogger(EmailFactorPurger.class);
  private final EmailTokenStore tokens;
  private final OtpCodeStore codes;
  private final RateCounterStore counters;
  private final UserStore users;

  public EmailFactorPurger(EmailTokenStore tokens, OtpCodeStore codes, RateCounterStore counters, UserStore users) {
    this.tokens = tokens;
    this.codes = codes;
    this.counters = counters;
    this.users = users;
  }

  /** One pass at {@code now}; returns how many rows were deleted. */
  public int runOnce(Instant now) {
    int purged = tokens.purgeExpired(now) + codes.purgeExpired(now) + counters.purgeExpired(now)
        + users.purgeExpiredPendingEmails(now);
    if (purged > 0) {
      LOG.debug("Purged {} expired email tokens, codes, rate counters and pending addresses", purged);
    }
    return purged;
  }
}

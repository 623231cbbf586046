package dev.latchkey.server.factor;

import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.OtpCodeStore;
import dev.latchkey.server.store.RateCounterStore;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired link tokens, codes and rate-limit counters. Expired ones are refused (or ignored) whether or not
 * they were purged; this only reclaims space.
 */
public final class EmailFactorPurger {
  private static final Logger LOG = LoggerFactory.getLogger(EmailFactorPurger.class);
  private final EmailTokenStore tokens;
  private final OtpCodeStore codes;
  private final RateCounterStore counters;

  public EmailFactorPurger(EmailTokenStore tokens, OtpCodeStore codes, RateCounterStore counters) {
    this.tokens = tokens;
    this.codes = codes;
    this.counters = counters;
  }

  /** One pass at {@code now}; returns how many rows were deleted. */
  public int runOnce(Instant now) {
    int purged = tokens.purgeExpired(now) + codes.purgeExpired(now) + counters.purgeExpired(now);
    if (purged > 0) {
      LOG.debug("Purged {} expired email tokens, codes and rate counters", purged);
    }
    return purged;
  }
}

package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * TOTP registrations with their recovery codes; a user has at most one. Every change that guards a secret (accepting
 * a time step, using a recovery code, counting a wrong attempt) is a single conditional write, so concurrent requests
 * cannot both succeed with one code or slip past the attempt limit.
 */
public interface TotpStore {
  /**
   * Inserts the registration and its recovery codes in one transaction, first deleting the user's unverified
   * registration if it expired at or before {@code now}. {@link DuplicateKeyException} when the user still has one.
   */
  void create(TotpRecord totp, Instant now);

  Optional<TotpRecord> findByUser(String userId);

  Optional<TotpRecord> findById(String totpId);

  /**
   * Counts one attempt unless the registration is locked at {@code now}: the attempt that reaches
   * {@code maxAttempts} consecutive ones locks it until {@code lockUntil} and restarts the count. False (nothing
   * counted) when it is locked or gone. A success ({@link #acceptStep}, {@link #useRecoveryCode}) clears count and
   * lock.
   */
  boolean beginAttempt(String totpId, Instant now, int maxAttempts, Instant lockUntil);

  /**
   * Accepts a code of time step {@code step} if it is later than the last accepted one (compare-and-set), marks the
   * registration verified and clears the attempt count and lock. False when this or a later step was accepted
   * before, or the registration is gone.
   */
  boolean acceptStep(String totpId, long step);

  /** Marks the recovery code used if it was unused, and clears the attempt count and lock; false otherwise. */
  boolean useRecoveryCode(String totpId, String recoveryCodeId, Instant at);

  /** Deletes the registration with its recovery codes; false when there was none. */
  boolean delete(String totpId);

  /** Deletes unverified registrations whose time to be verified ended at or before {@code now}; returns how many. */
  int purgeExpiredUnverified(Instant now);
}

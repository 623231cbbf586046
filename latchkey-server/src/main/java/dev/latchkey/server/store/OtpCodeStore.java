package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * One-time passcodes, at most one live code per method (email id). Guesses are counted before they are checked, so
 * however many requests race, no more than the allowed number of guesses is ever compared with a code.
 */
public interface OtpCodeStore {
  /** Stores the code, replacing (and so voiding) any earlier code of the same method. */
  void replace(OtpCodeRecord code);

  /**
   * Counts one guess against the method's live code and returns the code as read before the guess (under
   * concurrent guesses its {@code attempts} may already be behind); empty when there is no code, it expired at or
   * before {@code now}, or it has had {@code maxAttempts} guesses already.
   */
  Optional<OtpCodeRecord> claimAttempt(String methodId, Instant now, int maxAttempts);

  /** Deletes the method's code if it is still the one with this hash (a right guess uses it up); true if it was. */
  boolean consume(String methodId, String codeHash);

  /** Deletes the method's code if it is still the one with this hash (a mail that could not be delivered). */
  boolean delete(String methodId, String codeHash);

  /** Deletes codes that expired at or before {@code now}; returns how many. */
  int purgeExpired(Instant now);
}

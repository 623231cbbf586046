package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Passkey and WebAuthn registrations, and the ceremonies under way. Taking a ceremony and moving a signature
 * counter are single conditional writes, so two requests can never both finish one ceremony or both move a counter
 * from the same value.
 */
public interface WebAuthnStore {
  /** Keeps a started ceremony until it is taken or expires. */
  void startCeremony(WebAuthnCeremonyRecord ceremony);

  /**
   * Removes and returns the ceremony whose challenge hashes to {@code challengeHash}, if it is still there and has
   * not expired at {@code now}; an expired one is removed too and empty is returned. At most one caller ever gets it.
   */
  Optional<WebAuthnCeremonyRecord> takeCeremony(String challengeHash, Instant now);

  /** Inserts a registration; {@link DuplicateKeyException} when its credential id is registered already. */
  void create(WebAuthnRegistrationRecord registration);

  Optional<WebAuthnRegistrationRecord> findById(String webauthnRegistrationId);

  Optional<WebAuthnRegistrationRecord> findByCredentialId(String credentialId);

  /** The user's registrations, oldest first. */
  List<WebAuthnRegistrationRecord> listByUser(String userId);

  /** The registrations stored with this user handle (base64url), oldest first. */
  List<WebAuthnRegistrationRecord> listByUserHandle(String userHandle);

  /**
   * Moves the registration's signature counter from {@code expected} to {@code next} (compare-and-set); false when
   * it was no longer {@code expected} (another sign-in moved it first) or the registration is gone.
   */
  boolean advanceSignCount(String webauthnRegistrationId, long expected, long next);

  /** Records that an assertion's counter did not move forward; false when the registration is gone. */
  boolean recordCloneWarning(String webauthnRegistrationId, Instant at);

  /** False when there is no such registration. */
  boolean rename(String webauthnRegistrationId, String name);

  /** False when there was no such registration. */
  boolean delete(String webauthnRegistrationId);

  /** Deletes ceremonies that expired at or before {@code now}; returns how many. */
  int purgeExpiredCeremonies(Instant now);
}

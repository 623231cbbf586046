package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Optional;

/** Users with their emails and passwords. Emails are stored lower-cased and are unique across users. */
public interface UserStore {
  /** Inserts the user, its emails and its password in one transaction; {@link DuplicateKeyException} on a taken email. */
  void create(UserRecord user);

  Optional<UserRecord> find(String userId);

  /** The user whose external id this is (external ids are unique, and indexed by that constraint). */
  Optional<UserRecord> findByExternalId(String externalId);

  /** {@code email} must already be lower-cased. */
  Optional<UserRecord> findByEmail(String email);

  /** Writes name, metadata and external id; false when the user does not exist. */
  boolean update(UserRecord user);

  /** Sets or replaces the user's password. */
  void setPassword(String userId, UserRecord.StoredPassword password);

  /**
   * Replaces the hash of the user's password {@code passwordId} with {@code newHash} if it is still
   * {@code expectedHash} (a migrated hash upgraded at sign-in); false when it changed meanwhile.
   */
  boolean replacePasswordHash(String userId, String passwordId, String expectedHash, String newHash);

  /**
   * Marks the user's email verified and a {@code pending} user {@code active}: the user has just proven they read
   * mail at that address. False when the user has no such email.
   */
  boolean markEmailVerified(String userId, String emailId);

  /**
   * Records {@code email} as pending for the user until {@code expiresAt} (see {@link PendingEmail}), under
   * {@code emailId}, or under the id it already has pending for that user (its expiry then moved to the later of
   * the two). The id in use, or empty when the user does not exist. Never a {@link DuplicateKeyException}: many
   * users may have one address pending, and an address of a user may be pending for another.
   */
  Optional<String> addPendingEmail(String userId, String emailId, String email, Instant createdAt,
      Instant expiresAt);

  /** The pending address {@code emailId}, live or not. */
  Optional<PendingEmail> findPendingEmail(String emailId);

  /**
   * Moves the user's pending address {@code emailId} into its emails, verified, under the same id and created at
   * {@code now}, and makes a {@code pending} user {@code active}, in one transaction (the caller has checked the
   * link or code that proves it is live). False when the user has no such pending address;
   * {@link DuplicateKeyException} (nothing changed) when the address is a user's by now.
   */
  boolean confirmPendingEmail(String userId, String emailId, Instant now);

  /**
   * Deletes the pending addresses expired at {@code now} for which no link or code is live any more; how many.
   */
  int purgeExpiredPendingEmails(Instant now);

  /** Deletes the user and, in the same transaction, its emails, password and sessions. */
  boolean delete(String userId);

  /**
   * Deletes one email of a user and, in the same transaction, the links and codes mailed to it (they must not
   * sign anyone in or verify an address the user no longer has). The user id it belonged to, or empty.
   */
  Optional<String> deleteEmail(String emailId);

  /** Deletes a password by its id; the user id it belonged to, or empty. */
  Optional<String> deletePassword(String passwordId);

  /** One page of the users matching {@code search}, ordered by {@code (created_at, user_id)}. */
  UserSearch.Page search(UserSearch search);
}

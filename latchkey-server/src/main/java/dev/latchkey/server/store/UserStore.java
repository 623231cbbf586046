package dev.latchkey.server.store;

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

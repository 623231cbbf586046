package dev.latchkey.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Single-use tokens sent by email (magic links, password resets), kept only as SHA-256 hashes. A token is used by
 * {@link #consume}, which deletes it: of two concurrent uses exactly one gets the token.
 */
public interface EmailTokenStore {
  void create(EmailTokenRecord token);

  /** The token of that hash and kind, without using it; expired or not. */
  Optional<EmailTokenRecord> find(String tokenHash, String kind);

  /**
   * Deletes the token of that hash and kind and returns it, whether or not it has expired (the caller decides);
   * empty when there is none, or another caller consumed it first.
   */
  Optional<EmailTokenRecord> consume(String tokenHash, String kind);

  /** Deletes the token (a mail that could not be delivered leaves no usable token); false when there was none. */
  boolean delete(String tokenHash);

  /** Deletes tokens that expired at or before {@code now}; returns how many. */
  int purgeExpired(Instant now);
}

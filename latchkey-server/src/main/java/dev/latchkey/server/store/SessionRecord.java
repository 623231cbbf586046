package dev.latchkey.server.store;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A session row. {@code tokenHash} is the SHA-256 of the session token: the token itself is never stored.
 * {@code version} grows by one on every update and guards read-modify-write races.
 */
public record SessionRecord(
    String sessionId,
    String userId,
    String tokenHash,
    Instant startedAt,
    Instant lastAccessedAt,
    Instant expiresAt,
    Attributes attributes,
    List<AuthenticationFactor> factors,
    Map<String, Object> customClaims,
    long version) {

  public SessionRecord {
    factors = List.copyOf(factors);
  }

  public boolean isActiveAt(Instant now) {
    return expiresAt.isAfter(now);
  }

  /** The next state of this session; the store's {@code update} stores it only if nobody updated it meanwhile. */
  public SessionRecord next(Instant lastAccessed, Instant expires, List<AuthenticationFactor> newFactors,
      Map<String, Object> claims) {
    return new SessionRecord(sessionId, userId, tokenHash, startedAt, lastAccessed, expires, attributes, newFactors,
        claims, version + 1);
  }
}

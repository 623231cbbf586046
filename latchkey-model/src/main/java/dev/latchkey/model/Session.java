package dev.latchkey.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A session as the API returns it (Stytch's {@code Session}). {@code customClaims} is never null on the wire:
 * a session without claims carries {@code {}}. {@code deviceDescription} is Latchkey's addition: a coarse description
 * of the device the session was started on, derived from its {@code attributes.user_agent} ("Chrome on macOS",
 * "Safari on iPhone", "curl", "unknown"), for a user's list of signed-in devices; null where it is not known (a
 * session read from a JWT, or from a server that does not send it).
 */
public record Session(
    String sessionId,
    String userId,
    Instant startedAt,
    Instant lastAccessedAt,
    Instant expiresAt,
    Attributes attributes,
    List<AuthenticationFactor> authenticationFactors,
    Map<String, Object> customClaims,
    List<String> roles,
    String deviceDescription) {

  public Session {
    authenticationFactors = List.copyOf(authenticationFactors);
    roles = List.copyOf(roles);
  }

  /** A session without a device description. */
  public Session(String sessionId, String userId, Instant startedAt, Instant lastAccessedAt, Instant expiresAt,
      Attributes attributes, List<AuthenticationFactor> authenticationFactors, Map<String, Object> customClaims,
      List<String> roles) {
    this(sessionId, userId, startedAt, lastAccessedAt, expiresAt, attributes, authenticationFactors, customClaims,
        roles, null);
  }
}

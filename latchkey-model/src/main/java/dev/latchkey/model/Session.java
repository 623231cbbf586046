package dev.latchkey.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A session as the API returns it (Stytch's {@code Session}). {@code customClaims} is never null on the wire:
 * a session without claims carries {@code {}}.
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
    List<String> roles) {

  public Session {
    authenticationFactors = List.copyOf(authenticationFactors);
    roles = List.copyOf(roles);
  }
}

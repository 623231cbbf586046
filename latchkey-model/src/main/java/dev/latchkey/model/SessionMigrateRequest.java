package dev.latchkey.model;

import java.util.Map;

/**
 * {@code POST /v1/sessions/migrate}: {@code sessionToken} is the access token another identity provider issued (sent
 * to its OIDC UserInfo endpoint); a session starts when {@code sessionDurationMinutes} is given. The reply is an
 * {@link AuthenticateResponse}.
 */
public record SessionMigrateRequest(
    String sessionToken, Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims) {
  @Override
  public String toString() {
    return "SessionMigrateRequest[sessionToken=<redacted>, sessionDurationMinutes=" + sessionDurationMinutes + "]";
  }
}

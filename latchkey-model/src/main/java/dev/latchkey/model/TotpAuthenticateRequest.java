package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/totps/authenticate}; with a session token or JWT the TOTP factor is added to that session. */
public record TotpAuthenticateRequest(
    String userId,
    String totpCode,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {

  /** The code and the session token are secrets: neither reaches a log through this. */
  @Override
  public String toString() {
    return "TotpAuthenticateRequest[userId=" + userId + ", totpCode=<redacted>, sessionToken="
        + (sessionToken == null ? "none" : "<redacted>") + ", sessionJwt="
        + (sessionJwt == null ? "none" : "<redacted>") + ", sessionDurationMinutes=" + sessionDurationMinutes + "]";
  }
}

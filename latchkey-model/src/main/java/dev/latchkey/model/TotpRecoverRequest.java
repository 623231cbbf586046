package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/totps/recover}: sign in with one of the TOTP's single-use recovery codes. */
public record TotpRecoverRequest(
    String userId,
    String recoveryCode,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {

  /** The code and the session token are secrets: neither reaches a log through this. */
  @Override
  public String toString() {
    return "TotpRecoverRequest[userId=" + userId + ", recoveryCode=<redacted>, sessionToken="
        + (sessionToken == null ? "none" : "<redacted>") + ", sessionJwt="
        + (sessionJwt == null ? "none" : "<redacted>") + ", sessionDurationMinutes=" + sessionDurationMinutes + "]";
  }
}

package dev.latchkey.model;

import java.util.Map;

/**
 * {@code POST /v1/webauthn/authenticate}: {@code publicKeyCredential} is the JSON text of what
 * {@code navigator.credentials.get} returned; with a session token or JWT the factor is added to that session.
 */
public record WebAuthnAuthenticateRequest(
    String publicKeyCredential,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {

  @Override
  public String toString() {
    return "WebAuthnAuthenticateRequest[sessionToken=" + (sessionToken == null ? "none" : "<redacted>")
        + ", sessionJwt=" + (sessionJwt == null ? "none" : "<redacted>") + ", sessionDurationMinutes="
        + sessionDurationMinutes + "]";
  }
}

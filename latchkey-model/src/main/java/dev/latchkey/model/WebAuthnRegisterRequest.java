package dev.latchkey.model;

import java.util.Map;

/**
 * {@code POST /v1/webauthn/register}: {@code publicKeyCredential} is the JSON text of what
 * {@code navigator.credentials.create} (or a platform API such as Android's Credential Manager) returned.
 */
public record WebAuthnRegisterRequest(
    String userId,
    String publicKeyCredential,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {

  @Override
  public String toString() {
    return "WebAuthnRegisterRequest[userId=" + userId + ", sessionToken="
        + (sessionToken == null ? "none" : "<redacted>") + ", sessionJwt="
        + (sessionJwt == null ? "none" : "<redacted>") + ", sessionDurationMinutes=" + sessionDurationMinutes + "]";
  }
}

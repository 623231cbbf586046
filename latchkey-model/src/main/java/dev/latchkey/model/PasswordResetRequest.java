package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/passwords/email/reset}: the token from the reset link and the new password. */
public record PasswordResetRequest(
    String token,
    String password,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims,
    String codeVerifier,
    Attributes attributes,
    AuthenticateOptions options) {
  /** Without {@code options}: no device checks. */
  public PasswordResetRequest(String token, String password, String sessionToken, String sessionJwt,
      Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims, String codeVerifier,
      Attributes attributes) {
    this(token, password, sessionToken, sessionJwt, sessionDurationMinutes, sessionCustomClaims, codeVerifier,
        attributes, null);
  }
}

package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/otps/authenticate}: the method (the email id) and the code mailed to it. */
public record OtpAuthenticateRequest(
    String methodId,
    String code,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims,
    Attributes attributes,
    AuthenticateOptions options) {
  /** Without {@code options}: no device checks. */
  public OtpAuthenticateRequest(String methodId, String code, String sessionToken, String sessionJwt,
      Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims, Attributes attributes) {
    this(methodId, code, sessionToken, sessionJwt, sessionDurationMinutes, sessionCustomClaims, attributes, null);
  }
}

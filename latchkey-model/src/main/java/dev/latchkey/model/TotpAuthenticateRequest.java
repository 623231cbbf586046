package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/totps/authenticate}; with a session token or JWT the TOTP factor is added to that session. */
public record TotpAuthenticateRequest(
    String userId,
    String totpCode,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {}

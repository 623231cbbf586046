package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/passwords/authenticate}; with a session token or JWT the factor is added to that session. */
public record PasswordAuthenticateRequest(
    String email,
    String password,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims) {}

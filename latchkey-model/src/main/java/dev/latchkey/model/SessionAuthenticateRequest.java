package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/sessions/authenticate}: exactly one of {@code sessionToken} and {@code sessionJwt}. */
public record SessionAuthenticateRequest(
    String sessionToken, String sessionJwt, Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims) {}

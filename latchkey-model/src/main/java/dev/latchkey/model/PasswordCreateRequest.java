package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/passwords}: creates a user with an email and a password. */
public record PasswordCreateRequest(
    String email,
    String password,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    User.Name name) {}

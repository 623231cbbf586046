package dev.latchkey.model;

/** {@code POST /v1/passwords/email/reset/start}: mail a single-use reset link to {@code email}. */
public record PasswordResetStartRequest(
    String email,
    String resetPasswordRedirectUrl,
    Integer resetPasswordExpirationMinutes,
    String codeChallenge,
    Attributes attributes) {}

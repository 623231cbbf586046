package dev.latchkey.model;

/** {@code POST /v1/passwords/strength_check}: the password, and optionally the email it would go with. */
public record PasswordStrengthCheckRequest(String password, String email) {}

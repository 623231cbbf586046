package dev.latchkey.model;

/** {@code POST /v1/otps/email/login_or_create} and {@code /send}: mail a one-time passcode to {@code email}. */
public record OtpEmailRequest(
    String email, Integer expirationMinutes, Boolean createUserAsPending, Attributes attributes) {}

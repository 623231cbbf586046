package dev.latchkey.server.store;

import java.time.Instant;

/**
 * A WebAuthn ceremony between its start and its finish, keyed by the SHA-256 of its challenge. {@code kind} is
 * {@link #REGISTER} or {@link #AUTHENTICATE}; {@code userId} is null for a passkey sign-in that names no user;
 * {@code requestJson} is the library's own serialisation of what it needs to finish the ceremony.
 */
public record WebAuthnCeremonyRecord(
    String challengeHash,
    String kind,
    String userId,
    String domain,
    String requestJson,
    String userAgent,
    String authenticatorType,
    boolean userVerification,
    Instant expiresAt) {
  public static final String REGISTER = "register";
  public static final String AUTHENTICATE = "authenticate";
}

package dev.latchkey.server.store;

import java.time.Instant;

/**
 * A passkey or WebAuthn registration: the public material of one credential (its id, user handle and COSE public key,
 * each base64url) and what Stytch shows of it. Nothing here is secret.
 */
public record WebAuthnRegistrationRecord(
    String webauthnRegistrationId,
    String userId,
    String domain,
    String credentialId,
    String userHandle,
    String publicKeyCose,
    long signCount,
    String userAgent,
    String authenticatorType,
    String name,
    boolean verified,
    Instant createdAt,
    Instant cloneWarningAt) {}

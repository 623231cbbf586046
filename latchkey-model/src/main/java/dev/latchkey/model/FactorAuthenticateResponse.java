package dev.latchkey.model;

/**
 * The reply of magic-link and one-time-passcode authentication: as {@link AuthenticateResponse}, plus the method
 * proven ({@code methodId}, the email id) and whether the user's other sessions were revoked.
 */
public record FactorAuthenticateResponse(
    int statusCode,
    String requestId,
    String userId,
    String methodId,
    boolean resetSessions,
    String sessionToken,
    String sessionJwt,
    Session session,
    User user) {}

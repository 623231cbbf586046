package dev.latchkey.model;

/**
 * The reply of every call that authenticates: {@code sessionToken} and {@code sessionJwt} are empty strings
 * (never null) and {@code session} is null when no session was created or touched.
 */
public record AuthenticateResponse(
    int statusCode,
    String requestId,
    String userId,
    String sessionToken,
    String sessionJwt,
    Session session,
    User user) {}

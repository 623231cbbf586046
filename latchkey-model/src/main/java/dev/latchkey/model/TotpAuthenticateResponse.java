package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/totps/authenticate} and {@code POST /v1/totps/recover}: the authenticate reply plus
 * the {@code totpId} that was used. Empty token and JWT and a null session when no session was created or touched.
 */
public record TotpAuthenticateResponse(
    int statusCode,
    String requestId,
    String userId,
    String totpId,
    String sessionToken,
    String sessionJwt,
    Session session,
    User user) {}

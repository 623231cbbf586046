package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/webauthn/register} and {@code POST /v1/webauthn/authenticate}: the registration
 * used, and the session created or touched (empty token and JWT and a null session when there is none).
 */
public record WebAuthnAuthenticateResponse(
    int statusCode,
    String requestId,
    String userId,
    String webauthnRegistrationId,
    String sessionToken,
    String sessionJwt,
    Session session,
    User user) {}

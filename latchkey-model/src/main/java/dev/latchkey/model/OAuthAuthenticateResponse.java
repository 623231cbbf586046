package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/oauth/authenticate}. The session is sent twice, as {@code user_session} (the name
 * Stytch's OAuth reply and its Java SDK use) and as {@code session} (what the frontend SDKs read); both are null
 * when no session was created or touched.
 */
public record OAuthAuthenticateResponse(
    int statusCode,
    String requestId,
    String userId,
    String oauthUserRegistrationId,
    String providerSubject,
    String providerType,
    OAuthProviderValues providerValues,
    boolean resetSessions,
    String sessionToken,
    String sessionJwt,
    Session session,
    Session userSession,
    User user) {}

package dev.latchkey.model;

import java.util.Map;

/**
 * {@code POST /v1/oauth/authenticate}: the {@code token} from the redirect ({@code ?stytch_token_type=oauth&token=}),
 * the usual session options, and the PKCE {@code code_verifier} when the flow was started with a
 * {@code code_challenge}.
 */
public record OAuthAuthenticateRequest(
    String token,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims,
    String codeVerifier,
    String telemetryId) {}

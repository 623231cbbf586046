package dev.latchkey.model;

/** {@code POST /v1/oauth/attach}: the provider to link, and the user by exactly one of id, session token or JWT. */
public record OAuthAttachRequest(String provider, String userId, String sessionToken, String sessionJwt) {}

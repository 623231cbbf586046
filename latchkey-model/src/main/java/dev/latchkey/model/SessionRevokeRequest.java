package dev.latchkey.model;

/** {@code POST /v1/sessions/revoke}: exactly one of the three keys. */
public record SessionRevokeRequest(String sessionId, String sessionToken, String sessionJwt) {}

package dev.latchkey.model;

/** {@code POST /v1/sessions/revoke}: nothing but the envelope. */
public record RevokeResponse(int statusCode, String requestId) {}

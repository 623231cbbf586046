package dev.latchkey.model;

/** {@code DELETE /v1/users/{user_id}}. */
public record UserDeleteResponse(int statusCode, String requestId, String userId) {}

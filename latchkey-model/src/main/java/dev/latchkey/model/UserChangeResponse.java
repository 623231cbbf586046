package dev.latchkey.model;

/** The reply of the {@code DELETE /v1/users/<kind>/<id>} calls: the user the removed item belonged to, after it. */
public record UserChangeResponse(int statusCode, String requestId, String userId, User user) {}

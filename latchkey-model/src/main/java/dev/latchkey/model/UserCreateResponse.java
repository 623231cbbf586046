package dev.latchkey.model;

/** {@code POST /v1/users}; {@code phoneId} is an empty string when the user has no phone number. */
public record UserCreateResponse(
    int statusCode, String requestId, String userId, String emailId, String status, String phoneId, User user) {}

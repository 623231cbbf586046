package dev.latchkey.model;

/** {@code POST /v1/passwords/migrate}: the user the hash was attached to, and whether it was created by the call. */
public record PasswordMigrateResponse(
    int statusCode, String requestId, String userId, String emailId, boolean userCreated, User user) {}

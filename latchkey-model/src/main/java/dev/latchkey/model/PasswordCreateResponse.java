package dev.latchkey.model;

/** {@code POST /v1/passwords}: the authenticate reply plus the new email id. */
public record PasswordCreateResponse(
    int statusCode,
    String requestId,
    String userId,
    String emailId,
    String sessionToken,
    String sessionJwt,
    Session session,
    User user) {}

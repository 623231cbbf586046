package dev.latchkey.model;

/**
 * {@code POST /v1/totps}: a new authenticator-app registration for {@code userId}; it must be authenticated once
 * within {@code expirationMinutes} (default 1440, 5 to 1440) or it becomes unusable.
 */
public record TotpCreateRequest(String userId, Integer expirationMinutes) {}

package dev.latchkey.model;

/** The reply of the email {@code login_or_create} calls: the user (new when {@code userCreated}) and the email. */
public record EmailLoginOrCreateResponse(int statusCode, String requestId, String userId, String emailId,
    boolean userCreated) {}

package dev.latchkey.model;

/** The reply of the email {@code send} calls and of {@code passwords/email/reset/start}. */
public record EmailSendResponse(int statusCode, String requestId, String userId, String emailId) {}

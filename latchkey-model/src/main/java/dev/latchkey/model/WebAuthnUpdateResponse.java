package dev.latchkey.model;

/** The reply of {@code PUT /v1/webauthn/{webauthn_registration_id}}: the registration as it is now. */
public record WebAuthnUpdateResponse(
    int statusCode,
    String requestId,
    User.WebAuthnRegistration webauthnRegistration) {}

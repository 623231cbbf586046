package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/webauthn/authenticate/start}: {@code publicKeyCredentialRequestOptions} is a JSON
 * text, the {@code publicKey} member of {@code navigator.credentials.get}'s argument; {@code userId} is empty for a
 * passkey sign-in that named no user.
 */
public record WebAuthnAuthenticateStartResponse(
    int statusCode,
    String requestId,
    String userId,
    String publicKeyCredentialRequestOptions) {}

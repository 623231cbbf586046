package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/webauthn/register/start}: {@code publicKeyCredentialCreationOptions} is a JSON text
 * (as Stytch sends it), the {@code publicKey} member of {@code navigator.credentials.create}'s argument.
 */
public record WebAuthnRegisterStartResponse(
    int statusCode,
    String requestId,
    String userId,
    String publicKeyCredentialCreationOptions) {}

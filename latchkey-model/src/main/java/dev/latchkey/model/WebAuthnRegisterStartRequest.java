package dev.latchkey.model;

/**
 * {@code POST /v1/webauthn/register/start}: options for {@code navigator.credentials.create} for one user and one
 * domain (the RP ID). {@code authenticatorType} is {@code platform}, {@code cross-platform} or null for either;
 * {@code returnPasskeyCredentialOptions} asks for a passkey (a discoverable credential, user verification required).
 */
public record WebAuthnRegisterStartRequest(
    String userId,
    String domain,
    String userAgent,
    String authenticatorType,
    Boolean returnPasskeyCredentialOptions,
    String overrideId,
    String overrideName,
    String overrideDisplayName,
    Boolean useBase64UrlEncoding) {}

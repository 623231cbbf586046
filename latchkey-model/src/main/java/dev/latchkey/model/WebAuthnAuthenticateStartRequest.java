package dev.latchkey.model;

/**
 * {@code POST /v1/webauthn/authenticate/start}: options for {@code navigator.credentials.get}. Without
 * {@code userId} it is a passkey sign-in: no credentials are listed and the authenticator offers its discoverable
 * ones.
 */
public record WebAuthnAuthenticateStartRequest(
    String domain,
    String userId,
    Boolean returnPasskeyCredentialOptions,
    Boolean useBase64UrlEncoding) {}

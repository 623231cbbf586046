package dev.latchkey.model;

import java.util.List;

/**
 * The reply of {@code GET /v1/webauthn/credentials/{user_id}/{domain}}: the user's credentials for that domain,
 * {@code credentialId} and {@code publicKey} (COSE) in base64url.
 */
public record WebAuthnCredentialsResponse(
    int statusCode,
    String requestId,
    List<Credential> credentials) {

  public record Credential(String credentialId, String webauthnRegistrationId, String type, String publicKey) {}
}

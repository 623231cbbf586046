package dev.latchkey.model;

import java.time.Instant;
import java.util.List;

/**
 * Stytch's {@code provider_values}: the provider's tokens for the user, as the provider issued them. The Java SDK
 * declares the three tokens and {@code scopes} non-null, so an absent token is {@code ""}; {@code expires_at} may be
 * null.
 */
public record OAuthProviderValues(String accessToken, String refreshToken, String idToken, List<String> scopes,
    Instant expiresAt) {

  public OAuthProviderValues {
    accessToken = accessToken == null ? "" : accessToken;
    refreshToken = refreshToken == null ? "" : refreshToken;
    idToken = idToken == null ? "" : idToken;
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }

  @Override
  public String toString() {
    return "OAuthProviderValues[tokens=<redacted>, scopes=" + scopes + ", expiresAt=" + expiresAt + "]";
  }
}
